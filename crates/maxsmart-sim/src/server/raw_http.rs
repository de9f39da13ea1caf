//! Hand-written HTTP/1.1 exchange for the silent-close fault: one reply without
//! `Connection: close`, then the connection closes.
//!
//! hyper adds `Connection: close` whenever it plans to close, so this fault bypasses it.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::Shared;
use super::http::reply_for;

/// Maximum size of a request head read by hand; longer heads are dropped unanswered.
const MAX_HEAD_BYTES: usize = 8192;

/// Reads one request head, writes one reply without `Connection: close`, and closes.
pub(super) async fn serve_once(mut stream: TcpStream, peer: SocketAddr, shared: &Shared) {
    let Some(target) = read_target(&mut stream).await else {
        tracing::debug!(%peer, "incomplete or oversized request head, connection closed");
        return;
    };
    let faults = shared.current_faults();
    let Some(body) = reply_for(target, peer, shared, &faults).await else {
        return;
    };
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let written = stream.write_all(response.as_bytes()).await;
    if let Err(error) = written.and(stream.shutdown().await) {
        tracing::debug!(%peer, %error, "failed to write reply");
    }
}

/// Reads until the end of the request head and returns the request target.
async fn read_target(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 1024];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        if head.len() > MAX_HEAD_BYTES {
            return None;
        }
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        head.extend_from_slice(chunk.get(..read)?);
    }
    let text = String::from_utf8_lossy(&head);
    let request_line = text.lines().next()?;
    let mut parts = request_line.split(' ');
    let _method = parts.next()?;
    parts.next().map(str::to_owned)
}
