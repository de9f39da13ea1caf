//! Fault injection over real loopback sockets: timing, datagram and connection faults.

#[path = "support/client.rs"]
mod client;

use std::time::{Duration, Instant};

use client::{LIMIT, body, body_json, http_get, receive, udp_client, udp_request};
use maxsmart_sim::{Faults, Profile, RequestResult, SimConfig, SimDevice};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// Wait after which a datagram that has not arrived is treated as not sent.
const QUIET: Duration = Duration::from_millis(300);

async fn strip(faults: Faults) -> SimDevice {
    SimDevice::start(SimConfig::new(Profile::Strip130).faults(faults))
        .await
        .expect("start")
}

#[tokio::test]
async fn latency_delays_http_reply() {
    let device = strip(Faults::none().latency(Duration::from_millis(250))).await;
    let started = Instant::now();
    let response = http_get(device.http_addr().unwrap(), "/?cmd=511").await;
    assert!(started.elapsed() >= Duration::from_millis(250));
    assert_eq!(body_json(&response)["code"], 200);
    device.stop().await;
}

#[tokio::test]
async fn every_second_datagram_is_dropped() {
    let device = strip(Faults::none().drop_every(2)).await;
    let socket = udp_client().await;
    for _ in 0..2 {
        socket
            .send_to(b"00dv=all;", device.udp_addr())
            .await
            .unwrap();
    }
    assert!(
        receive(&socket, LIMIT).await.is_some(),
        "first datagram recovered"
    );
    assert_eq!(
        receive(&socket, QUIET).await,
        None,
        "second datagram dropped"
    );

    let results: Vec<RequestResult> = device.requests().iter().map(|entry| entry.result).collect();
    assert_eq!(results, [RequestResult::Ok, RequestResult::Dropped]);
    device.stop().await;
}

#[tokio::test]
async fn duplicate_datagrams_arrive_twice() {
    let device = strip(Faults::none().duplicate_datagrams()).await;
    let socket = udp_client().await;
    socket
        .send_to(b"00dv=all;", device.udp_addr())
        .await
        .unwrap();
    let first = receive(&socket, LIMIT).await.expect("first copy");
    let second = receive(&socket, LIMIT).await.expect("second copy");
    assert_eq!(first, second);
    assert_eq!(receive(&socket, QUIET).await, None, "only two copies");
    device.stop().await;
}

#[tokio::test]
async fn late_datagram_arrives_after_delay() {
    let device = strip(Faults::none().late_datagrams(Duration::from_millis(600))).await;
    let socket = udp_client().await;
    socket
        .send_to(b"00dv=all;", device.udp_addr())
        .await
        .unwrap();
    assert_eq!(
        receive(&socket, Duration::from_millis(200)).await,
        None,
        "not yet"
    );
    let reply = receive(&socket, LIMIT).await.expect("late reply");
    assert!(reply.contains("SWP6000000000001"));
    device.stop().await;
}

#[tokio::test]
async fn keep_alive_refusal_drops_second_request() {
    let device = strip(Faults::none().keep_alive_refusal()).await;
    let mut stream = TcpStream::connect(device.http_addr().unwrap())
        .await
        .unwrap();
    let request = b"GET /?cmd=511 HTTP/1.1\r\nHost: device\r\n\r\n";

    stream.write_all(request).await.unwrap();
    let mut buffer = vec![0u8; 4096];
    let length = timeout(LIMIT, stream.read(&mut buffer))
        .await
        .unwrap()
        .unwrap();
    let first = String::from_utf8_lossy(&buffer[..length]).into_owned();
    assert!(first.starts_with("HTTP/1.1 200 OK"), "{first}");
    assert!(!first.contains("Connection: close"), "{first}");

    stream.write_all(request).await.unwrap();
    let mut rest = Vec::new();
    let read = timeout(LIMIT, stream.read_to_end(&mut rest)).await.unwrap();
    assert!(
        read.is_err() || rest.is_empty(),
        "second request got a reply: {rest:?}"
    );

    let results: Vec<RequestResult> = device.requests().iter().map(|entry| entry.result).collect();
    assert_eq!(results, [RequestResult::Ok, RequestResult::Refused]);
    device.stop().await;
}

#[tokio::test]
async fn refused_connections_recover_on_same_port() {
    let device = strip(Faults::none()).await;
    let addr = device.http_addr().unwrap();

    device.set_faults(Faults::none().refuse_connections());
    let mut refused = false;
    for _ in 0..50 {
        if TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(refused, "connections still accepted");

    device.set_faults(Faults::none());
    let mut recovered = None;
    for _ in 0..50 {
        if TcpStream::connect(addr).await.is_ok() {
            recovered = Some(http_get(addr, "/?cmd=511").await);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let response = recovered.expect("listener reopened");
    assert_eq!(body_json(&response)["response"], 511);
    device.stop().await;
}

#[tokio::test]
async fn silent_close_omits_connection_header() {
    let device = strip(Faults::none().silent_close()).await;
    let response = http_get(device.http_addr().unwrap(), "/?cmd=511").await;
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    assert!(!response.contains("Connection: close"), "{response}");
    assert_eq!(body_json(&response)["code"], 200);
    device.stop().await;
}

#[tokio::test]
async fn silence_closes_without_reply() {
    let mut faults = Faults::none().silent_on_malformed();
    faults.silence_hold = Duration::from_millis(200);
    let device = strip(faults).await;
    let started = Instant::now();
    let mut stream = TcpStream::connect(device.http_addr().unwrap())
        .await
        .unwrap();
    let request =
        b"GET /?cmd=200&json=%7B%22port%22:9,%22state%22:1%7D HTTP/1.1\r\nHost: d\r\n\r\n";
    stream.write_all(request).await.unwrap();
    let mut response = Vec::new();
    let read = timeout(LIMIT, stream.read_to_end(&mut response))
        .await
        .unwrap();
    assert!(read.is_err() || response.is_empty(), "{response:?}");
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(device.requests()[0].result, RequestResult::Silent);
    device.stop().await;
}

#[tokio::test]
async fn truncated_body_keeps_http_framing() {
    let device = strip(Faults::none().truncated_json()).await;
    let response = http_get(device.http_addr().unwrap(), "/?cmd=511").await;
    assert!(response.starts_with("HTTP/1.1 200 OK"));
    let text = body(&response);
    assert!(text.starts_with(r#"{"response":511"#), "{text}");
    assert!(serde_json::from_str::<Value>(text).is_err(), "{text}");
    let length = format!("Content-Length: {}\r\n", text.len());
    assert!(response.contains(&length), "{response}");
    device.stop().await;
}

#[tokio::test]
async fn faults_change_at_run_time() {
    let device = strip(Faults::none()).await;
    let addr = device.udp_addr();
    let clean: Value = serde_json::from_str(&udp_request(addr, "00dv=all;").await).unwrap();
    assert_eq!(clean["response"], 0);

    device.set_faults(Faults::none().trailing_commas());
    assert_eq!(device.faults(), Faults::none().trailing_commas());
    let broken = udp_request(addr, "00dv=all;").await;
    assert!(broken.ends_with(",},}"), "{broken}");
    device.stop().await;
}

#[tokio::test]
async fn strip511_refuses_tcp_and_answers_v3() {
    let device = SimDevice::start(SimConfig::new(Profile::Strip511))
        .await
        .unwrap();
    assert_eq!(device.http_addr(), None);

    let on = r#"V3{"sn":"SWW6000000000004","cmd":20,"port":3,"state":1}"#;
    assert_eq!(
        udp_request(device.udp_addr(), on).await,
        r#"V3{"response":20,"code":200}"#
    );
    let status = udp_request(device.udp_addr(), r#"V3{"sn":"SWW6000000000004","cmd":90}"#).await;
    let status: Value = serde_json::from_str(status.strip_prefix("V3").unwrap()).unwrap();
    assert!(status["data"]["watt"][2].as_u64().unwrap() > 0, "{status}");
    assert_eq!(status["data"]["watt"][0], 0);

    // Nothing listens on TCP at the UDP address: a connection attempt is refused.
    assert!(TcpStream::connect(device.udp_addr()).await.is_err());
    device.stop().await;
}
