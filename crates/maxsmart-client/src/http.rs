//! One HTTP `GET` on its own connection, through hyper's client connection API.

use std::io;
use std::net::SocketAddr;

use bytes::Bytes;
use futures::future::{self, Either};
use http_body_util::{BodyExt, Empty};
use hyper::header::{CONNECTION, HOST, USER_AGENT};
use maxsmart_proto::machine::TransportFailure;

use crate::runtime::Runtime;

/// The `User-Agent` sent with every request.
const AGENT: &str = concat!("maxsmart-rs/", env!("CARGO_PKG_VERSION"));

/// Sends `GET target` to `to` on a new connection and returns the response body.
///
/// The HTTP status is ignored because devices answer 200 whatever happened; the body says.
/// The connection closes after the response. No timeout is applied here: the caller bounds
/// the whole request by the state machine's deadline.
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
        .header(HOST, to.ip().to_string())
        .header(CONNECTION, "close")
        .header(USER_AGENT, AGENT)
        .body(Empty::<Bytes>::new())
        .map_err(|error| {
            tracing::debug!(%error, "request target rejected by the HTTP library");
            TransportFailure::SendFailed
        })?;

    let exchange = Box::pin(async move {
        let response = sender.send_request(request).await?;
        let body = response.into_body().collect().await?;
        Ok::<Bytes, hyper::Error>(body.to_bytes())
    });
    let result = match future::select(exchange, connection).await {
        Either::Left((result, _connection)) => result,
        Either::Right((_closed, exchange)) => exchange.await,
    };
    result.map_err(|error| {
        tracing::debug!(%error, "http exchange failed");
        if error.is_parse() {
            TransportFailure::InvalidResponse
        } else {
            TransportFailure::ConnectionClosed
        }
    })
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
