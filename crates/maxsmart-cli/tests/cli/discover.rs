//! `maxsmart discover` with one address; broadcast is never used in tests.

use maxsmart_sim::Profile;

use crate::support::{run_on, start};

#[tokio::test]
async fn discover_table_shows_the_device() {
    let strip = start(Profile::Strip130).await;
    let run = run_on(&strip, &["discover"]).await;
    run.expect_success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(lines[0].starts_with("ADDRESS    SERIAL"), "{}", run.stdout);
    assert!(lines[1].starts_with("127.0.0.1  SWP6000000000001  STRIP  1.30"));
    assert!(
        run.stderr.is_empty(),
        "no spinner without a terminal: {}",
        run.stderr
    );
    strip.stop().await;
}

#[tokio::test]
async fn discover_json_lists_one_device() {
    let strip = start(Profile::Strip130).await;
    let run = run_on(&strip, &["discover", "--json"]).await;
    run.expect_success();
    let json = run.json();
    let devices = json.as_array().expect("a list of devices");
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0]["address"], "127.0.0.1");
    assert_eq!(devices[0]["serial"], "SWP6000000000001");
    assert_eq!(devices[0]["firmware"], "1.30");
    assert_eq!(devices[0]["protocol"], "http");
    assert_eq!(devices[0]["port_count"], 6);
    assert_eq!(devices[0]["port_names"][5], "PORT6");
    strip.stop().await;
}

#[tokio::test]
async fn discover_positional_address_overrides_host() {
    let strip = start(Profile::Strip349).await;
    let udp_port = strip.udp_addr().port().to_string();
    let http_port = strip.http_addr().unwrap().port().to_string();
    let run = crate::support::run(&[
        "discover",
        "127.0.0.1",
        "--udp-port",
        &udp_port,
        "--http-port",
        &http_port,
        "--json",
    ])
    .await;
    run.expect_success();
    assert_eq!(run.json()[0]["firmware"], "3.49");
    assert_eq!(run.json()[0]["name"], "Revogi-0006");
    strip.stop().await;
}

#[tokio::test]
async fn discover_without_reply_is_unreachable() {
    let strip = start(Profile::Strip130).await;
    let mut args: Vec<String> = vec![String::from("discover")];
    args.extend(crate::support::target(&strip));
    strip.stop().await;
    let run = crate::support::run(&args).await;
    run.expect_code(3);
    assert!(
        run.stderr
            .contains("no device answered discovery at 127.0.0.1:"),
        "{}",
        run.stderr
    );
}
