//! `maxsmart time`: reading and setting the device clock.

use maxsmart_sim::{Profile, RequestKind, SimConfig};

use crate::support::{run_on, start, start_with};

#[tokio::test]
async fn time_json_shows_the_device_clock() {
    let clock = jiff::civil::date(2018, 10, 13).at(0, 23, 35, 0);
    let strip = start_with(SimConfig::new(Profile::Strip130).clock(clock)).await;
    let run = run_on(&strip, &["time", "--json"]).await;
    run.expect_success();
    let json = run.json();
    let device = json["device_time"].as_str().expect("device_time is text");
    assert!(device.starts_with("2018-10-13T00:23:"), "{json}");
    assert!(
        json["difference_seconds"].as_i64().unwrap() < -86_400,
        "{json}"
    );
    assert_eq!(json["set"], false);
    strip.stop().await;
}

#[tokio::test]
async fn time_text_names_both_clocks() {
    let clock = jiff::civil::date(2018, 10, 13).at(0, 23, 35, 0);
    let strip = start_with(SimConfig::new(Profile::Strip130).clock(clock)).await;
    let run = run_on(&strip, &["time"]).await;
    run.expect_success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with("Device clock:   2018-10-13 00:23:"),
        "{}",
        run.stdout
    );
    assert!(lines[1].starts_with("Local time:     "), "{}", run.stdout);
    assert!(lines[2].contains("the device is"), "{}", run.stdout);
    assert!(lines[2].ends_with("behind"), "{}", run.stdout);
    strip.stop().await;
}

#[tokio::test]
async fn time_set_sends_a_dated_discovery() {
    let clock = jiff::civil::date(2018, 10, 13).at(0, 23, 35, 0);
    let strip = start_with(SimConfig::new(Profile::Strip130).clock(clock)).await;
    let run = run_on(&strip, &["time", "--set", "--json"]).await;
    run.expect_success();
    let json = run.json();
    assert_eq!(json["set"], true);
    let difference = json["difference_seconds"].as_i64().unwrap();
    assert!(difference.abs() <= 2, "{json}");
    let dated = strip
        .requests()
        .into_iter()
        .filter(|entry| entry.kind == RequestKind::Discovery)
        .any(|entry| entry.raw.starts_with("00dv=all,") && entry.raw.len() > 20);
    assert!(dated, "no dated discovery in the log");
    strip.stop().await;
}

#[tokio::test]
async fn udp_only_strip_rejects_time() {
    let strip = start(Profile::Strip511).await;
    let run = run_on(&strip, &["time"]).await;
    run.expect_code(4);
    assert!(
        run.stderr.contains("not supported by firmware 5.11"),
        "{}",
        run.stderr
    );
    strip.stop().await;
}
