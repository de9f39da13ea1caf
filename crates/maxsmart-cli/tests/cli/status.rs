//! `maxsmart status` against each kind of simulated device.

use maxsmart_sim::{Profile, SimConfig};

use crate::support::{run_on, start, start_with};

#[tokio::test]
async fn status_table_lists_every_port() {
    let strip = start_with(SimConfig::new(Profile::Strip130).switches(&[false, true])).await;
    let run = run_on(&strip, &["status"]).await;
    run.expect_success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 7, "{}", run.stdout);
    assert_eq!(lines[0], "PORT  NAME   STATE   WATTS   AMPS");
    assert!(lines[1].starts_with("1     PORT1  off"), "{}", run.stdout);
    assert!(lines[2].starts_with("2     PORT2  on"), "{}", run.stdout);
    strip.stop().await;
}

#[tokio::test]
async fn status_json_matches_the_device() {
    let strip = start_with(SimConfig::new(Profile::Strip130).switches(&[true, false, true])).await;
    let run = run_on(&strip, &["status", "--json"]).await;
    run.expect_success();
    let json = run.json();
    assert_eq!(json["serial"], "SWP6000000000001");
    assert_eq!(json["firmware"], "1.30");
    assert_eq!(json["host"], "127.0.0.1");
    let ports = json["ports"].as_array().expect("ports is an array");
    assert_eq!(ports.len(), 6);
    let states: Vec<bool> = ports.iter().map(|port| port["on"] == true).collect();
    assert_eq!(states, strip.switch_states());
    assert_eq!(ports[0]["name"], "PORT1");
    assert!(ports[0]["watts"].as_f64().unwrap() > 0.0, "{json}");
    assert_eq!(ports[1]["watts"].as_f64(), Some(0.0));
    strip.stop().await;
}

#[tokio::test]
async fn status_reads_udp_only_strip() {
    let strip = start_with(SimConfig::new(Profile::Strip511).switches(&[false, false, true])).await;
    let run = run_on(&strip, &["status", "--json"]).await;
    run.expect_success();
    let json = run.json();
    assert_eq!(json["firmware"], "5.11");
    assert_eq!(json["ports"][2]["on"], true);
    assert_eq!(json["ports"][0]["name"], "Port 1");
    strip.stop().await;
}

#[tokio::test]
async fn status_of_plug_has_one_port() {
    let plug = start(Profile::Plug130).await;
    let run = run_on(&plug, &["status", "--json"]).await;
    run.expect_success();
    let json = run.json();
    assert_eq!(json["ports"].as_array().map(Vec::len), Some(1));
    assert_eq!(json["serial"], "SWP1000000000001");
    plug.stop().await;
}
