//! Exit codes and messages of each kind of failure.

use maxsmart_sim::{Faults, Profile, SimConfig};

use crate::support::{run, run_in, run_on, start, start_with, target};

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

#[tokio::test]
async fn invalid_host_variable_is_ignored_with_address() {
    let strip = start(Profile::Strip130).await;
    let mut args = vec![String::from("status")];
    args.extend(target(&strip));
    let env = [(String::from("MAXSMART_HOST"), String::from("foo"))];
    let run = run_in(&args, &env, None).await;
    run.expect_success();
    assert!(run.stdout.starts_with("PORT  NAME "), "{}", run.stdout);
    strip.stop().await;
}

#[tokio::test]
async fn invalid_host_variable_names_its_value() {
    let env = [(String::from("MAXSMART_HOST"), String::from(" foo "))];
    let run = run_in(&["status"], &env, None).await;
    run.expect_code(2);
    assert_eq!(
        run.stderr,
        "error: MAXSMART_HOST=\"foo\" is not an IP address; set it to one such as 192.0.2.10, \
         or give the address with --host\n"
    );
}

#[tokio::test]
async fn host_variable_with_spaces_is_used() {
    let strip = start(Profile::Strip130).await;
    let address = format!(" {} ", strip.udp_addr().ip());
    let env = [(String::from("MAXSMART_HOST"), address)];
    let udp_port = strip.udp_addr().port().to_string();
    let http_port = strip.http_addr().unwrap().port().to_string();
    let args = ["ids", "--udp-port", &udp_port, "--http-port", &http_port];
    let run = run_in(&args, &env, None).await;
    run.expect_success();
    strip.stop().await;
}

#[tokio::test]
async fn discover_ignores_host_variable() {
    // An invalid variable would fail `discover` if it read it; the address argument keeps
    // this test on loopback.
    let strip = start(Profile::Strip130).await;
    let mut args = vec![String::from("discover")];
    args.extend(target(&strip));
    let env = [(String::from("MAXSMART_HOST"), String::from("foo"))];
    let run = run_in(&args, &env, None).await;
    run.expect_success();
    let help = run_in(&["discover", "--help"], &[], None).await;
    assert!(
        help.stdout.contains("MAXSMART_HOST is ignored"),
        "{}",
        help.stdout
    );
    strip.stop().await;
}

#[tokio::test]
async fn usage_line_shows_options_as_optional() {
    let missing = run(&[
        "on",
        "--host",
        "127.0.0.1",
        "--http-port",
        "1",
        "--udp-port",
        "2",
    ])
    .await;
    missing.expect_code(2);
    assert!(
        missing
            .stderr
            .contains("\nUsage: maxsmart on [OPTIONS] <PORT>...\n"),
        "{}",
        missing.stderr
    );
    let help = run(&["status", "--help"]).await;
    assert!(help.stdout.contains("--host <ADDRESS>"), "{}", help.stdout);
    assert!(
        help.stdout.contains("--http-port <TCP_PORT>"),
        "{}",
        help.stdout
    );
    assert!(
        help.stdout.contains("--udp-port <UDP_PORT>"),
        "{}",
        help.stdout
    );
}

#[tokio::test]
async fn negative_numbers_reach_validation() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["on", "-1", "--host", "127.0.0.1"],
            "port -1 is invalid; ports are numbered from 1",
        ),
        (
            &["watch", "127.0.0.1", "--interval", "-1"],
            "--interval -1 is invalid",
        ),
        (
            &["status", "127.0.0.1", "--timeout", "-2"],
            "--timeout -2 is invalid",
        ),
        (&["stats", "--port", "-1"], "port -1 is invalid"),
    ];
    for (args, expected) in cases {
        let result = run(args).await;
        result.expect_code(2);
        assert!(
            result.stderr.contains(expected),
            "{args:?}: {}",
            result.stderr
        );
        assert!(
            !result.stderr.contains("'-- -1'"),
            "{args:?}: {}",
            result.stderr
        );
    }
}

#[tokio::test]
async fn undecodable_discovery_is_a_device_error() {
    let faults = Faults::none().truncated_json();
    let strip = start_with(SimConfig::new(Profile::Strip130).faults(faults)).await;
    let run = run_on(&strip, &["discover"]).await;
    run.expect_code(4);
    assert!(
        run.stderr.contains("invalid reply to discovery"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("\nhint: the reply could not be decoded"),
        "{}",
        run.stderr
    );
    strip.stop().await;
}

#[tokio::test]
async fn silent_address_suggests_a_longer_timeout() {
    let strip = start(Profile::Strip130).await;
    let mut args = vec![String::from("discover")];
    args.extend(target(&strip));
    strip.stop().await;
    let run = run(&args).await;
    run.expect_code(3);
    assert!(run.stderr.contains("raise the timeout"), "{}", run.stderr);
    assert!(
        run.stderr.contains("\nhint: a slow device"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn wrong_http_port_names_http_failure() {
    let strip = start(Profile::Strip130).await;
    // A port that was free a moment ago, so nothing listens on it.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
        .to_string();
    let udp_port = strip.udp_addr().port().to_string();
    let args = [
        "status",
        "127.0.0.1",
        "--udp-port",
        &udp_port,
        "--http-port",
        &closed,
        "--timeout",
        "0.5",
    ];
    let run = run(&args).await;
    run.expect_code(3);
    assert!(
        run.stderr
            .contains(&format!("127.0.0.1:{closed}: command 511 failed")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("connection refused"), "{}", run.stderr);
    strip.stop().await;
}
