//! One HTTP `GET` on its own connection, through hyper's client connection API.

use std::io;
use std::net::{IpAddr, SocketAddr};

use bytes::Bytes;
use futures::future::{self, Either};
use http_body_util::{BodyExt, Empty, LengthLimitError, Limited};
use hyper::header::{CONNECTION, HOST, USER_AGENT};
use maxsmart_proto::http::HTTP_PORT;
use maxsmart_proto::machine::TransportFailure;

use crate::runtime::Runtime;

/// The `User-Agent` sent with every request.
const AGENT: &str = concat!("maxsmart-rs/", env!("CARGO_PKG_VERSION"));

/// The largest response body read, in bytes. The longest reply among the captured
/// fixtures, daily statistics of a 6-port strip, has under 1 KiB, so a longer body is not a
/// device reply, and the limit keeps a misbehaving server from filling memory.
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024;

/// Sends `GET target` to `to` on a new connection and returns the response body.
///
/// The HTTP status is ignored because devices answer 200 whatever happened; the body says.
/// The connection closes after the response. No timeout is applied here: the caller bounds
/// the whole request by the state machine's deadline. A body longer than
/// [`MAX_BODY_BYTES`] fails with [`TransportFailure::InvalidResponse`].
pub(crate) async fn get<R: Runtime>(
    runtime: &R,
    to: SocketAddr,
    target: &str,
) -> Result<Bytes, TransportFailure> {
    let stream = runtime.connect(to).await.map_err(connect_failure)?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(stream)
        .await
        .map_err(|error| {
            tracing::debug!(%error, "http handshake failed");
            TransportFailure::ConnectionClosed
        })?;
    let request = hyper::Request::get(target)
        .header(HOST, host_header(to))
        .header(CONNECTION, "close")
        .header(USER_AGENT, AGENT)
        .body(Empty::<Bytes>::new())
        .map_err(|error| {
            tracing::debug!(%error, "request target rejected by the HTTP library");
            TransportFailure::SendFailed
        })?;

    let exchange = Box::pin(async move {
        let response = sender.send_request(request).await?;
        let body = Limited::new(response.into_body(), MAX_BODY_BYTES);
        let body = body.collect().await?;
        Ok::<Bytes, BoxError>(body.to_bytes())
    });
    let result = match future::select(exchange, connection).await {
        Either::Left((result, _connection)) => result,
        Either::Right((_closed, exchange)) => exchange.await,
    };
    result.map_err(exchange_failure)
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Classifies the failure of a request or its body: an oversized or unparsable response is
/// invalid, anything else a closed connection.
fn exchange_failure(error: BoxError) -> TransportFailure {
    tracing::debug!(%error, "http exchange failed");
    if error.is::<LengthLimitError>() {
        return TransportFailure::InvalidResponse;
    }
    match error.downcast_ref::<hyper::Error>() {
        Some(error) if error.is_parse() => TransportFailure::InvalidResponse,
        _ => TransportFailure::ConnectionClosed,
    }
}

/// Returns the `Host` header for a request to `to`: the IP address, in brackets for IPv6,
/// and the port unless it is 80.
fn host_header(to: SocketAddr) -> String {
    let host = match to.ip() {
        IpAddr::V4(ip) => ip.to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
    };
    match to.port() {
        HTTP_PORT => host,
        port => format!("{host}:{port}"),
    }
}

fn connect_failure(error: io::Error) -> TransportFailure {
    tracing::debug!(%error, "tcp connect failed");
    match error.kind() {
        io::ErrorKind::ConnectionRefused => TransportFailure::ConnectionRefused,
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => {
            TransportFailure::ConnectionClosed
        }
        _ => TransportFailure::SendFailed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_header_brackets_ipv6_and_adds_other_ports() {
        let cases = [
            ("192.0.2.10:80", "192.0.2.10"),
            ("192.0.2.10:8080", "192.0.2.10:8080"),
            ("[2001:db8::1]:80", "[2001:db8::1]"),
            ("[2001:db8::1]:8080", "[2001:db8::1]:8080"),
            ("[fe80::1%2]:80", "[fe80::1]"),
        ];
        for (address, expected) in cases {
            let address: SocketAddr = address.parse().unwrap();
            assert_eq!(host_header(address), expected, "{address}");
        }
    }
}
