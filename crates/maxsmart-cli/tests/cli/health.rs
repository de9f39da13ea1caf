//! `maxsmart health`: checks, timings and capabilities.

use maxsmart_sim::{Faults, Profile, SimConfig};

use crate::support::{run, run_on, start, start_with, target};

#[tokio::test]
async fn healthy_strip_passes_every_check() {
    let strip = start(Profile::Strip130).await;
    let run = run_on(&strip, &["health", "--json"]).await;
    run.expect_success();
    let json = run.json();
    assert_eq!(json["healthy"], true);
    assert_eq!(json["family"], "v1_30");
    assert_eq!(json["protocol"], "http");
    let names: Vec<&str> = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|check| check["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["discovery", "connect", "status", "clock"]);
    assert!(
        json["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["ok"] == true)
    );
    assert_eq!(json["capabilities"][3]["feature"], "statistics");
    assert_eq!(json["capabilities"][3]["http"], "supported");
    strip.stop().await;
}

#[tokio::test]
async fn health_text_has_checks_and_capabilities() {
    let strip = start(Profile::Strip211).await;
    let run = run_on(&strip, &["health"]).await;
    run.expect_success();
    assert!(
        run.stdout
            .starts_with("SWP6000000000002 at 127.0.0.1: healthy (firmware 2.11"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("\nstatus     ok"), "{}", run.stdout);
    assert!(
        run.stdout.contains("\nrename        unsupported"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("\nclock"),
        "clock is unverified on 2.11: {}",
        run.stdout
    );
    strip.stop().await;
}

#[tokio::test]
async fn health_of_stopped_device_reports_failure() {
    let strip = start(Profile::Strip130).await;
    let mut args = vec![String::from("health"), String::from("--json")];
    args.extend(target(&strip));
    strip.stop().await;

    let run = run(&args).await;
    run.expect_code(3);
    let json = run.json();
    assert_eq!(json["healthy"], false);
    assert_eq!(json["checks"][0]["name"], "discovery");
    assert_eq!(json["checks"][0]["ok"], false);
    assert!(
        run.stderr.contains("no discovery reply from 127.0.0.1"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn health_of_rejecting_device_is_a_device_error() {
    let faults = Faults::none().always_400();
    let strip = start_with(SimConfig::new(Profile::Strip130).faults(faults)).await;
    let run = run_on(&strip, &["health", "--json"]).await;
    run.expect_code(4);
    let json = run.json();
    assert_eq!(json["checks"][1]["name"], "connect");
    assert_eq!(json["checks"][1]["ok"], false);
    strip.stop().await;
}

#[tokio::test]
async fn health_accepts_long_discovered_serial() {
    // Longer than the 32 characters a caller may pass to `DeviceBuilder::serial`.
    let serial = "SWP6000000000001-EXTENDED-SERIAL-0000000042";
    for profile in [Profile::Strip130, Profile::Strip511] {
        let strip = start_with(SimConfig::new(profile).serial(serial)).await;
        let run = run_on(&strip, &["health", "--json"]).await;
        run.expect_success();
        let json = run.json();
        assert_eq!(json["serial"], serial, "{profile:?}");
        assert_eq!(json["healthy"], true, "{profile:?}");
        assert_eq!(json["checks"][1]["name"], "connect", "{profile:?}");
        assert_eq!(json["checks"][1]["ok"], true, "{profile:?}");
        strip.stop().await;
    }
}

#[tokio::test]
async fn health_names_undecodable_discovery_reply() {
    let faults = Faults::none().truncated_json();
    let strip = start_with(SimConfig::new(Profile::Strip130).faults(faults)).await;
    let run = run_on(&strip, &["health", "--json"]).await;
    run.expect_code(4);
    let json = run.json();
    assert_eq!(json["checks"][0]["name"], "discovery");
    assert_eq!(json["checks"][0]["ok"], false);
    let detail = json["checks"][0]["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("cannot decode the discovery reply from 127.0.0.1: "),
        "{detail}"
    );
    assert!(!run.stderr.contains("no discovery reply"), "{}", run.stderr);
    strip.stop().await;
}
