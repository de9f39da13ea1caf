//! Fleets of devices: every profile at once, per-device loopback addresses, and the log file.

#[path = "support/client.rs"]
mod client;

use std::collections::HashSet;
use std::net::Ipv4Addr;

use client::{body_json, http_get, udp_request};
use maxsmart_sim::{Fleet, LogSink, Profile, SimConfig};
use serde_json::Value;

#[tokio::test]
async fn every_profile_answers_discovery() {
    let fleet = Fleet::start_profiles(&Profile::all()).await.unwrap();
    assert_eq!(fleet.len(), 5);

    let mut serials = HashSet::new();
    for device in fleet.devices() {
        let reply: Value = serde_json::from_str(&udp_request(device.udp_addr(), "00dv=all;").await)
            .unwrap_or_else(|error| panic!("{}: {error}", device.profile()));
        assert_eq!(reply["response"], 0);
        assert_eq!(reply["data"]["sn"], device.serial());
        assert_eq!(reply["data"]["ver"], device.profile().firmware());
        serials.insert(device.serial());

        match device.http_addr() {
            Some(addr) => {
                let status = body_json(&http_get(addr, "/?cmd=511").await);
                let ports = device.profile().port_count();
                assert_eq!(status["data"]["switch"].as_array().unwrap().len(), ports);
            }
            None => assert_eq!(device.profile(), Profile::Strip511),
        }
    }
    assert_eq!(serials.len(), 5, "serials are distinct");
    fleet.stop().await;
}

#[tokio::test]
async fn spread_fleet_uses_one_address_each() {
    let profiles = [Profile::Strip130, Profile::Strip211];
    let fleet = Fleet::start_spread(&profiles, Ipv4Addr::new(127, 0, 0, 2), 0, 0)
        .await
        .unwrap();
    assert_eq!(
        fleet.get(0).unwrap().udp_addr().ip(),
        Ipv4Addr::new(127, 0, 0, 2)
    );
    assert_eq!(
        fleet.get(1).unwrap().udp_addr().ip(),
        Ipv4Addr::new(127, 0, 0, 3)
    );
    let second = fleet.get(1).unwrap();
    let reply = udp_request(second.udp_addr(), "00dv=all;").await;
    assert!(reply.contains(r#""ver":"2.11""#), "{reply}");
    fleet.stop().await;
}

#[tokio::test]
async fn non_loopback_address_is_rejected() {
    let config = SimConfig::new(Profile::Strip130).udp_addr("0.0.0.0:0".parse().unwrap());
    let error = maxsmart_sim::SimDevice::start(config).await.unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(error.to_string().contains("0.0.0.0"), "{error}");
}

#[tokio::test]
async fn log_sink_writes_json_lines() {
    let path = std::env::temp_dir().join(format!("maxsmart-sim-log-{}.jsonl", std::process::id()));
    let sink = LogSink::create(&path).unwrap();
    let configs = [Profile::Strip130, Profile::Strip511]
        .into_iter()
        .enumerate()
        .map(|(index, profile)| SimConfig::numbered(profile, index).log_sink(sink.clone()));
    let fleet = Fleet::start(configs).await.unwrap();

    let strip = fleet.get(0).unwrap();
    http_get(strip.http_addr().unwrap(), "/?cmd=511").await;
    udp_request(fleet.get(1).unwrap().udp_addr(), r#"V3{"cmd":90}"#).await;
    fleet.stop().await;

    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).ok();
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0]["transport"], "http");
    assert_eq!(lines[0]["kind"], "http");
    assert_eq!(lines[0]["cmd"], 511);
    assert_eq!(lines[0]["args"], serde_json::json!({}));
    assert_eq!(lines[0]["raw"], "/?cmd=511");
    assert_eq!(lines[0]["result"], "ok");
    assert_eq!(lines[1]["transport"], "udp");
    assert_eq!(lines[1]["kind"], "v3");
    assert_eq!(lines[1]["cmd"], 90);
    assert_eq!(lines[1]["serial"], "SWW6511000000002");
}
