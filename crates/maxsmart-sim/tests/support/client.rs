//! Shared helpers for the integration tests: raw HTTP and UDP clients on loopback.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use tokio::time::timeout;

/// Upper bound for any single wait in these tests.
pub const LIMIT: Duration = Duration::from_secs(5);

/// Sends one raw HTTP GET and returns the whole response once the server closes.
pub async fn http_get(addr: SocketAddr, target: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let request = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = String::new();
    timeout(LIMIT, stream.read_to_string(&mut response))
        .await
        .expect("server closes the connection")
        .expect("read");
    response
}

/// Returns the body of an HTTP response.
pub fn body(response: &str) -> &str {
    response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body)
        .expect("head and body")
}

/// Returns the JSON body of an HTTP response.
pub fn body_json(response: &str) -> Value {
    let body = body(response);
    serde_json::from_str(body).unwrap_or_else(|error| panic!("{body}: {error}"))
}

/// Binds a client UDP socket on 127.0.0.1.
pub async fn udp_client() -> UdpSocket {
    UdpSocket::bind("127.0.0.1:0").await.expect("bind")
}

/// Waits up to `wait` for one datagram and returns its text, or `None` on timeout.
pub async fn receive(socket: &UdpSocket, wait: Duration) -> Option<String> {
    let mut buffer = [0u8; 2048];
    let (length, _) = timeout(wait, socket.recv_from(&mut buffer))
        .await
        .ok()?
        .ok()?;
    Some(String::from_utf8_lossy(&buffer[..length]).into_owned())
}

/// Sends one datagram from a fresh socket and returns the reply text.
pub async fn udp_request(addr: SocketAddr, payload: &str) -> String {
    let socket = udp_client().await;
    socket
        .send_to(payload.as_bytes(), addr)
        .await
        .expect("send");
    receive(&socket, LIMIT)
        .await
        .expect("reply within the limit")
}
