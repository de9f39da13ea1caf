//! HTTP task of one device: hyper 1 server, one request per connection, with connection faults.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{CONNECTION, CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::Shared;
use crate::fault::Faults;
use crate::log::{RequestKind, RequestResult, Transport};
use crate::model::Outcome;

/// Pause between attempts to reopen the listener after the refuse-connections fault ends.
const REBIND_PAUSE: Duration = Duration::from_millis(50);

/// Accepts connections until `shutdown` turns true.
///
/// While the refuse-connections fault is set, the listener is closed, so connection attempts
/// fail with "connection refused" as on a device without HTTP; it is reopened on the same
/// address when the fault is cleared.
pub(crate) async fn serve(
    listener: TcpListener,
    addr: SocketAddr,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut faults = shared.faults.subscribe();
    let mut listener = Some(listener);
    let mut connections = JoinSet::new();
    loop {
        let refusing = faults.borrow_and_update().refuse_connections;
        if refusing && listener.take().is_some() {
            tracing::debug!(serial = %shared.serial, %addr, "listener closed to refuse connections");
        }
        if !refusing && listener.is_none() {
            match TcpListener::bind(addr).await {
                Ok(reopened) => listener = Some(reopened),
                Err(error) => {
                    tracing::warn!(serial = %shared.serial, %addr, %error, "reopening listener failed, retrying");
                    tokio::select! {
                        _ = tokio::time::sleep(REBIND_PAUSE) => continue,
                        _ = super::stopped(&mut shutdown) => break,
                    }
                }
            }
        }
        while connections.try_join_next().is_some() {}

        let Some(active) = listener.as_ref() else {
            tokio::select! {
                _ = faults.changed() => continue,
                _ = super::stopped(&mut shutdown) => break,
            }
        };
        tokio::select! {
            accepted = active.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(serve_connection(stream, peer, Arc::clone(&shared)));
                }
                Err(error) => {
                    tracing::warn!(serial = %shared.serial, %error, "accept failed");
                    tokio::time::sleep(REBIND_PAUSE).await;
                }
            },
            _ = faults.changed() => continue,
            _ = super::stopped(&mut shutdown) => break,
        }
    }
    // Waiting for the aborted connections guarantees that every stream is closed after `stop`.
    connections.shutdown().await;
}

/// Serves one TCP connection with hyper, or by hand for the silent-close fault.
async fn serve_connection(stream: TcpStream, peer: SocketAddr, shared: Arc<Shared>) {
    let faults = shared.current_faults();
    if faults.silent_close && !faults.keep_alive_refusal {
        super::raw_http::serve_once(stream, peer, &shared).await;
        return;
    }
    let keep_alive = faults.keep_alive_refusal;
    let served = Arc::new(AtomicUsize::new(0));
    let service = service_fn(move |request: Request<Incoming>| {
        let shared = Arc::clone(&shared);
        let sequence = served.fetch_add(1, Ordering::Relaxed);
        async move { handle_request(request, peer, sequence, &shared).await }
    });
    let mut builder = http1::Builder::new();
    builder
        .keep_alive(keep_alive)
        .title_case_headers(true)
        .auto_date_header(false)
        .timer(TokioTimer::new());
    let io = TokioIo::new(stream);
    if let Err(error) = builder.serve_connection(io, service).await {
        tracing::debug!(%peer, %error, "HTTP connection ended with an error");
    }
}

/// Handles one request. An `Err` makes hyper close the connection without a response.
async fn handle_request(
    request: Request<Incoming>,
    peer: SocketAddr,
    sequence: usize,
    shared: &Shared,
) -> Result<Response<Full<Bytes>>, io::Error> {
    let faults = shared.current_faults();
    let target = request
        .uri()
        .path_and_query()
        .map(|target| target.as_str().to_owned())
        .unwrap_or_else(|| "/".to_owned());

    if sequence > 0 && faults.keep_alive_refusal {
        let outcome = Outcome {
            kind: RequestKind::Http,
            cmd: None,
            args: Value::Null,
            reply: None,
            result: RequestResult::Refused,
        };
        shared.record(Transport::Http, peer, target, &outcome);
        return Err(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "second request on a reused connection refused",
        ));
    }

    match reply_for(target, peer, shared, &faults).await {
        Some(body) => Ok(build_response(body, &faults)),
        None => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "device stayed silent",
        )),
    }
}

/// Runs one request target through the model, logs it and waits out the latency fault.
///
/// Returns the reply body, or `None` after holding the connection for the silence time when
/// the device stays silent.
pub(super) async fn reply_for(
    target: String,
    peer: SocketAddr,
    shared: &Shared,
    faults: &Faults,
) -> Option<String> {
    let now = shared.now();
    let outcome = shared.model().handle_http(now, &target, faults);
    shared.record(Transport::Http, peer, target, &outcome);
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    if outcome.reply.is_none() {
        tokio::time::sleep(faults.effective_silence_hold()).await;
    }
    outcome.reply
}

/// Builds the 200 response with a `text/plain` body, as devices label their JSON.
fn build_response(body: String, faults: &Faults) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    if !faults.keep_alive_refusal {
        headers.insert(CONNECTION, HeaderValue::from_static("close"));
    }
    response
}
