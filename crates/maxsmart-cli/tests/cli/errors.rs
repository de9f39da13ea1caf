//! Exit codes and messages of each kind of failure.

use maxsmart_sim::{Faults, Profile, SimConfig};

use crate::support::{run, run_on, start, start_with, target};

#[tokio::test]
async fn missing_host_is_a_usage_error() {
    let run = run(&["status"]).await;
    run.expect_code(2);
    assert!(
        run.stderr.contains("no device address given"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--host"), "{}", run.stderr);
}

#[tokio::test]
async fn invalid_timeout_is_a_usage_error() {
    let run = run(&["status", "127.0.0.1", "--timeout", "0"]).await;
    run.expect_code(2);
    assert!(
        run.stderr.contains("--timeout 0 is invalid"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn huge_timeout_is_a_usage_error() {
    for command in ["status", "health", "time"] {
        let run = run(&[command, "127.0.0.1", "--timeout", "1e19"]).await;
        run.expect_code(2);
        assert_eq!(
            run.stderr,
            "error: --timeout 10000000000000000000 is invalid; give a number of seconds above 0 \
             and at most 3600\n",
            "{command}"
        );
    }
}

#[tokio::test]
async fn unknown_subcommand_is_a_usage_error() {
    let run = run(&["toggle", "1"]).await;
    run.expect_code(2);
    assert!(run.stderr.contains("toggle"), "{}", run.stderr);
}

#[tokio::test]
async fn stopped_simulator_is_unreachable() {
    let strip = start(Profile::Strip130).await;
    let mut args = vec![String::from("status")];
    args.extend(target(&strip));
    strip.stop().await;

    let run = run(&args).await;
    run.expect_code(3);
    assert!(
        run.stderr
            .starts_with("error: cannot find a device at 127.0.0.1: "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("check the address"), "{}", run.stderr);
}

#[tokio::test]
async fn refused_http_is_unreachable() {
    let faults = Faults::none().refuse_connections();
    let strip = start_with(SimConfig::new(Profile::Strip130).faults(faults)).await;
    let run = run_on(&strip, &["status", "--protocol", "http"]).await;
    run.expect_code(3);
    assert!(
        run.stderr.contains("cannot connect to SWP6000000000001"),
        "{}",
        run.stderr
    );
    strip.stop().await;
}

#[tokio::test]
async fn always_400_is_a_device_error() {
    let faults = Faults::none().always_400();
    let strip = start_with(SimConfig::new(Profile::Strip130).faults(faults)).await;
    let run = run_on(&strip, &["status"]).await;
    run.expect_code(4);
    assert!(
        run.stderr.contains("rejected command 511 with code 400"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("\nhint: "), "{}", run.stderr);
    strip.stop().await;
}

#[tokio::test]
async fn malformed_reply_is_a_device_error() {
    // The fault corrupts discovery replies too, so discovery goes to a healthy simulator and
    // HTTP to the faulty one.
    let healthy = start(Profile::Strip130).await;
    let faults = Faults::none().malformed_json();
    let faulty = start_with(SimConfig::new(Profile::Strip130).faults(faults)).await;
    let udp_port = healthy.udp_addr().port().to_string();
    let http_port = faulty.http_addr().unwrap().port().to_string();

    let run = run(&[
        "status",
        "127.0.0.1",
        "--udp-port",
        &udp_port,
        "--http-port",
        &http_port,
        "--protocol",
        "http",
        "--timeout",
        "1",
    ])
    .await;

    run.expect_code(4);
    assert!(
        run.stderr.contains("invalid reply to command 511"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("\nhint: the reply could not be decoded"),
        "{}",
        run.stderr
    );
    healthy.stop().await;
    faulty.stop().await;
}
