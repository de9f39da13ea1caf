//! `maxsmart names`: device and port names from discovery.

use maxsmart_sim::Profile;

use crate::support::{run_on, start};

#[tokio::test]
async fn names_table_lists_port_names() {
    let strip = start(Profile::Strip130).await;
    let run = run_on(&strip, &["names"]).await;
    run.expect_success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "Device SWP6000000000001: STRIP");
    assert_eq!(lines[1], "PORT  NAME");
    assert_eq!(lines[2], "1     PORT1");
    assert_eq!(lines.len(), 8, "{}", run.stdout);
    strip.stop().await;
}

#[tokio::test]
async fn names_json_has_device_and_ports() {
    let strip = start(Profile::Strip130).await;
    let run = run_on(&strip, &["names", "--json"]).await;
    run.expect_success();
    let json = run.json();
    assert_eq!(json["device"], "STRIP");
    assert_eq!(json["ports"].as_array().map(Vec::len), Some(6));
    assert_eq!(json["ports"][3]["name"], "PORT4");
    assert_eq!(json["ports"][3]["label"], "PORT4");
    strip.stop().await;
}

#[tokio::test]
async fn firmware_without_names_says_so() {
    let strip = start(Profile::Strip211).await;
    let run = run_on(&strip, &["names", "--json"]).await;
    run.expect_success();
    let json = run.json();
    assert_eq!(json["ports"][0]["name"], serde_json::Value::Null);
    assert_eq!(json["ports"][0]["label"], "Port 1");

    let text = run_on(&strip, &["names"]).await;
    text.expect_success();
    assert!(
        text.stdout.contains("reports no port names"),
        "{}",
        text.stdout
    );
    strip.stop().await;
}
