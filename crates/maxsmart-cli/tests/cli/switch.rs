//! `maxsmart on` and `maxsmart off`: ports switched, ports checked before anything is sent.

use maxsmart_sim::{Profile, SimConfig};

use crate::support::{commands, run_on, start, start_with};

#[tokio::test]
async fn on_switches_one_port() {
    let strip = start(Profile::Strip130).await;
    let run = run_on(&strip, &["on", "2"]).await;
    run.expect_success();
    assert_eq!(
        strip.switch_states(),
        [false, true, false, false, false, false]
    );
    assert!(
        run.stdout.starts_with("Switched port 2 on.\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("\n2     PORT2  on"), "{}", run.stdout);
    strip.stop().await;
}

#[tokio::test]
async fn on_json_reports_switched_ports() {
    let strip = start(Profile::Strip130).await;
    let run = run_on(&strip, &["on", "3", "1", "3", "--json"]).await;
    run.expect_success();
    let json = run.json();
    assert_eq!(json["on"], true);
    assert_eq!(json["switched"], serde_json::json!([1, 3]));
    assert_eq!(json["ports"][0]["on"], true);
    assert_eq!(json["ports"][2]["on"], true);
    assert!(json["ports"][2]["watts"].as_f64().unwrap() > 0.0, "{json}");
    assert_eq!(
        strip.switch_states(),
        [true, false, true, false, false, false]
    );
    strip.stop().await;
}

#[tokio::test]
async fn off_all_switches_every_port() {
    let strip = start_with(SimConfig::new(Profile::Strip130).switches(&[true; 6])).await;
    let run = run_on(&strip, &["off", "all", "--json"]).await;
    run.expect_success();
    assert_eq!(run.json()["switched"], "all");
    assert_eq!(strip.switch_states(), [false; 6]);
    strip.stop().await;
}

#[tokio::test]
async fn port_names_select_ports() {
    let strip = start(Profile::Strip130).await;
    run_on(&strip, &["on", "port4"]).await.expect_success();
    assert_eq!(
        strip.switch_states(),
        [false, false, false, true, false, false]
    );
    strip.stop().await;
}

#[tokio::test]
async fn udp_only_strip_switches() {
    let strip = start(Profile::Strip511).await;
    run_on(&strip, &["on", "6"]).await.expect_success();
    assert!(strip.switch_states()[5]);
    strip.stop().await;
}

#[tokio::test]
async fn port_out_of_range_sends_no_switch() {
    let strip = start(Profile::Strip130).await;
    let run = run_on(&strip, &["on", "1", "9"]).await;
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("port 9 is out of range for SWP6000000000001: its ports are 1 to 6"),
        "{}",
        run.stderr
    );
    let sent = commands(&strip);
    assert!(!sent.contains(&200), "switch sent: {sent:?}");
    assert!(sent.contains(&511), "status not read: {sent:?}");
    assert_eq!(strip.switch_states(), [false; 6]);
    strip.stop().await;
}

#[tokio::test]
async fn plug_rejects_port_two() {
    let plug = start(Profile::Plug130).await;
    let run = run_on(&plug, &["off", "2"]).await;
    run.expect_code(2);
    assert!(run.stderr.contains("it has only port 1"), "{}", run.stderr);
    assert!(!commands(&plug).contains(&200));
    plug.stop().await;
}

#[tokio::test]
async fn unknown_port_name_lists_names() {
    let strip = start(Profile::Strip130).await;
    let run = run_on(&strip, &["on", "Oven"]).await;
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("no port of SWP6000000000001 is named \"Oven\"")
    );
    assert!(run.stderr.contains("1 \"PORT1\""), "{}", run.stderr);
    assert!(!commands(&strip).contains(&200));
    strip.stop().await;
}

#[tokio::test]
async fn all_mixed_with_ports_is_rejected() {
    let strip = start(Profile::Strip130).await;
    let run = run_on(&strip, &["on", "all", "2"]).await;
    run.expect_code(2);
    assert!(
        run.stderr.contains("`all` cannot be combined"),
        "{}",
        run.stderr
    );
    assert!(!commands(&strip).contains(&200));
    strip.stop().await;
}

#[tokio::test]
async fn port_zero_is_a_usage_error() {
    let strip = start(Profile::Strip130).await;
    let run = run_on(&strip, &["on", "0"]).await;
    run.expect_code(2);
    assert!(run.stderr.contains("numbered from 1"), "{}", run.stderr);
    assert!(strip.requests().is_empty(), "nothing should be sent");
    strip.stop().await;
}

#[tokio::test]
async fn name_with_trailing_space_selects_port() {
    let strip = start(Profile::Strip130).await;
    run_on(&strip, &["rename", "1", "Lamp "])
        .await
        .expect_success();
    let run = run_on(&strip, &["on", "Lamp"]).await;
    run.expect_success();
    assert_eq!(
        strip.switch_states(),
        [true, false, false, false, false, false]
    );
    strip.stop().await;
}

#[tokio::test]
async fn blank_name_shows_port_number() {
    let strip = start(Profile::Strip130).await;
    strip
        .with_state(|model, _| model.set_port_name(2, "   "))
        .expect("port 2 exists");
    let run = run_on(&strip, &["status", "--json"]).await;
    run.expect_success();
    assert_eq!(run.json()["ports"][1]["name"], "Port 2");
    let run = run_on(&strip, &["on", "port 2"]).await;
    run.expect_success();
    assert_eq!(
        strip.switch_states(),
        [false, true, false, false, false, false]
    );
    strip.stop().await;
}
