//! Integration tests over real loopback sockets, with plain tokio TCP and UDP as the client.

#[path = "support/client.rs"]
mod client;

use client::{body_json, http_get, udp_request};
use maxsmart_sim::{Profile, RequestKind, RequestResult, SimConfig, SimDevice, Transport};
use serde_json::Value;
use tokio::net::{TcpStream, UdpSocket};

#[tokio::test]
async fn strip130_switch_and_status_over_http() {
    let device = SimDevice::start(SimConfig::new(Profile::Strip130))
        .await
        .unwrap();
    let addr = device.http_addr().unwrap();
    assert!(addr.ip().is_loopback());
    assert_ne!(addr.port(), 0);

    let response = http_get(addr, "/?cmd=511").await;
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(
        response.contains("Content-Type: text/plain\r\n"),
        "{response}"
    );
    assert!(response.contains("Connection: close\r\n"), "{response}");
    let status = body_json(&response);
    assert_eq!(status["response"], 511);
    assert_eq!(
        status["data"]["switch"],
        serde_json::json!([0, 0, 0, 0, 0, 0])
    );

    let target = "/?cmd=200&json=%7B%22sn%22:%22SWP6000000000001%22,%22port%22:5,%22state%22:1%7D";
    let ack = body_json(&http_get(addr, target).await);
    assert_eq!(ack, serde_json::json!({"response": 200, "code": 200}));
    assert_eq!(
        device.switch_states(),
        [false, false, false, false, true, false]
    );

    let status = body_json(&http_get(addr, "/?cmd=511").await);
    let watt: f64 = status["data"]["watt"][4].as_str().unwrap().parse().unwrap();
    assert!(watt > 0.0, "port 5 draws power: {status}");
    assert_eq!(status["data"]["watt"][0], "0.00");
    assert_eq!(status["data"]["switch"][4], 1);

    let rejected = body_json(&http_get(addr, &target.replace("port%22:5", "port%22:7")).await);
    assert_eq!(rejected["code"], 400);

    let log = device.requests();
    assert_eq!(log.len(), 4);
    assert_eq!(log[1].transport, Transport::Http);
    assert_eq!(log[1].kind, RequestKind::Http);
    assert_eq!(log[1].cmd, Some(200));
    assert_eq!(log[1].args["port"], 5);
    assert_eq!(log[1].raw, target);
    assert_eq!(log[1].result, RequestResult::Ok);
    assert_eq!(log[3].result, RequestResult::Error);

    device.stop().await;
}

#[tokio::test]
async fn strip130_discovery_over_udp() {
    let device = SimDevice::start(SimConfig::new(Profile::Strip130))
        .await
        .unwrap();
    let addr = device.udp_addr();

    let reply = udp_request(addr, "00dv=all;").await;
    let fixture =
        include_str!("../../maxsmart-proto/tests/fixtures/v1.30/v1.30-strip-discovery.json");
    assert_eq!(reply, fixture);

    let reply: Value =
        serde_json::from_str(&udp_request(addr, "00dv=all,2018-10-07,10:48:42,13;").await).unwrap();
    assert_eq!(reply["data"]["sn"], "SWP6000000000001");
    let clock = body_json(&http_get(device.http_addr().unwrap(), "/?cmd=502").await);
    let time = clock["data"]["time"].as_str().unwrap();
    assert!(time.starts_with("2018-10-07,10:48:"), "{time}");

    let log = device.requests();
    assert_eq!(log[0].transport, Transport::Udp);
    assert_eq!(log[0].kind, RequestKind::Discovery);
    assert_eq!(log[0].raw, "00dv=all;");
    assert_eq!(log[0].cmd, None);

    device.stop().await;
}

#[tokio::test]
async fn stop_frees_the_sockets() {
    let device = SimDevice::start(SimConfig::new(Profile::Strip130))
        .await
        .unwrap();
    let http_addr = device.http_addr().unwrap();
    let udp_addr = device.udp_addr();
    device.stop().await;

    let refused = TcpStream::connect(http_addr).await;
    assert!(refused.is_err(), "HTTP port still open after stop");
    let rebound = UdpSocket::bind(udp_addr).await;
    assert!(rebound.is_ok(), "UDP port still bound after stop");
}

#[tokio::test]
async fn filled_history_shows_in_hourly_statistics() {
    let device = SimDevice::start(SimConfig::new(Profile::Strip130))
        .await
        .unwrap();
    let empty: f64 = device
        .with_state(|model, now| model.hourly_energy(now))
        .iter()
        .flatten()
        .sum();
    assert_eq!(empty, 0.0);

    device.fill_history(24);
    let series = device.with_state(|model, now| model.hourly_energy(now));
    assert_eq!(series.len(), 6);
    let always_on: f64 = series[1].iter().sum();
    let never_on: f64 = series[5].iter().sum();
    assert!(always_on > 0.0, "port 2 is on all day: {series:?}");
    assert_eq!(never_on, 0.0);
    assert_eq!(device.switch_states(), [false; 6]);
    device.stop().await;
}

#[tokio::test]
async fn demo_strip_has_start_states_and_history() {
    let device = SimDevice::start_demo_strip().await.unwrap();
    assert_eq!(device.profile(), Profile::Strip130);
    assert!(device.udp_addr().ip().is_loopback());
    assert!(device.http_addr().unwrap().ip().is_loopback());
    assert_eq!(
        device.switch_states(),
        [false, true, false, true, false, false]
    );

    let series = device.with_state(|model, now| model.hourly_energy(now));
    assert_eq!(series.len(), 6);
    assert_eq!(series[1].len(), 24);
    let hours_with_energy = series[1]
        .iter()
        .filter(|watt_hours| **watt_hours > 0.0)
        .count();
    assert!(
        hours_with_energy >= 23,
        "port 2 is on through the last {} hours: {series:?}",
        maxsmart_sim::DEMO_HISTORY_HOURS
    );
    assert_eq!(series[5].iter().sum::<f64>(), 0.0);

    let local = jiff::ZonedDateTime::now().datetime();
    let clock = device.with_state(|model, now| model.clock(now));
    assert!(
        local.duration_since(clock).as_secs().abs() < 60,
        "{clock} vs {local}"
    );
    device.stop().await;
}

#[tokio::test]
async fn busy_address_error_names_it() {
    let first = SimDevice::start(SimConfig::new(Profile::Strip511))
        .await
        .unwrap();
    let busy = first.udp_addr();
    let error = SimDevice::start(SimConfig::new(Profile::Strip511).udp_addr(busy))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::AddrInUse);
    let message = error.to_string();
    assert!(message.contains(&format!("UDP {busy}")), "{message}");
    assert!(message.contains("port 0"), "{message}");
    first.stop().await;
}

#[tokio::test]
async fn request_log_keeps_only_the_newest_entries() {
    let device = SimDevice::start(SimConfig::new(Profile::Strip511).request_log_limit(2))
        .await
        .unwrap();
    let status = r#"V3{"sn":"SWW6000000000004","cmd":90}"#;
    let switch = r#"V3{"sn":"SWW6000000000004","cmd":20,"port":1,"state":1}"#;
    let discovery = udp_request(device.udp_addr(), "00dv=all;").await;
    assert!(discovery.contains("SWW6"), "{discovery}");
    let reply = udp_request(device.udp_addr(), status).await;
    assert!(reply.contains(r#""response":90"#), "{reply}");
    let reply = udp_request(device.udp_addr(), switch).await;
    assert!(reply.contains(r#""response":20"#), "{reply}");

    let log = device.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].raw, status);
    assert_eq!(log[0].cmd, Some(90));
    assert_eq!(log[1].raw, switch);
    assert_eq!(log[1].cmd, Some(20));
    device.stop().await;

    let silent = SimDevice::start(SimConfig::new(Profile::Strip511).request_log_limit(0))
        .await
        .unwrap();
    let reply = udp_request(silent.udp_addr(), "00dv=all;").await;
    assert!(reply.contains("SWW6"), "{reply}");
    assert!(silent.requests().is_empty());
    silent.stop().await;
}
