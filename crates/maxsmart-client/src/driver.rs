//! The one loop that drives every protocol state machine over a runtime's sockets.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::Poll;

use bytes::Bytes;
use futures::FutureExt;
use maxsmart_proto::OperationError;
use maxsmart_proto::machine::{Input, Operation, Transmit, TransportFailure};

use crate::clock::Clock;
use crate::error::Error;
use crate::runtime::{Runtime, UdpSocket};
use crate::{http, udp};

/// The largest datagram read; longer replies would be cut.
const DATAGRAM_BUFFER: usize = 4096;

type HttpFuture =
    Pin<Box<dyn Future<Output = (SocketAddr, Result<Bytes, TransportFailure>)> + Send>>;

/// The event that ended one wait of the loop.
enum Event {
    Http(SocketAddr, Result<Bytes, TransportFailure>),
    Datagram(usize, SocketAddr),
    ReceiveFailed(std::io::Error),
    Deadline,
}

/// Drives `operation` until it yields its output.
///
/// Each HTTP transmit starts a request on a new connection; a newer one replaces a stale
/// request still in flight. UDP transmits go out on one ephemeral socket opened for this
/// operation, so datagrams from earlier operations never reach it.
pub(crate) async fn drive<R: Runtime, O: Operation>(
    runtime: &R,
    clock: Clock,
    mut operation: O,
    on_step: &mut (dyn FnMut(&mut O) + Send),
) -> Result<O::Output, DriveError> {
    let mut socket: Option<R::UdpSocket> = None;
    let mut in_flight: Option<HttpFuture> = None;
    let mut buffer = vec![0u8; DATAGRAM_BUFFER];
    loop {
        let now = clock.now();
        while let Some(transmit) = operation.poll_transmit(now) {
            match transmit {
                Transmit::Http { to, target } => {
                    let runtime = runtime.clone();
                    in_flight = Some(Box::pin(async move {
                        (to, http::get(&runtime, to, &target).await)
                    }));
                }
                Transmit::Udp { to, payload } => {
                    if socket.is_none() {
                        let bound = udp::bind_for(runtime, to).await;
                        let bound = bound.map_err(|error| DriveError::Bind { target: to, error });
                        socket = Some(bound?);
                    }
                    if let Some(socket) = &socket {
                        if let Err(error) = socket.send_to(&payload, to).await {
                            tracing::debug!(%error, "sending datagram failed");
                        }
                    }
                }
            }
        }
        on_step(&mut operation);
        if let Some(output) = operation.poll_output() {
            return output.map_err(DriveError::Operation);
        }
        let Some(deadline) = operation.poll_timeout() else {
            return Err(DriveError::Stalled);
        };

        let event = wait(
            runtime,
            clock,
            deadline,
            &mut in_flight,
            socket.as_ref(),
            &mut buffer,
        )
        .await;
        let now = clock.now();
        match event {
            Event::Http(from, result) => {
                in_flight = None;
                let input = match &result {
                    Ok(body) => Input::HttpResponse { from, body },
                    Err(failure) => Input::HttpFailed {
                        from,
                        failure: *failure,
                    },
                };
                operation.handle_input(now, input);
            }
            Event::Datagram(length, from) => {
                let payload = &buffer[..length];
                operation.handle_input(now, Input::Datagram { from, payload });
            }
            Event::ReceiveFailed(error) => {
                // ICMP port-unreachable surfaces here on Linux; the deadline still bounds the wait.
                tracing::debug!(%error, "receiving datagram failed");
            }
            Event::Deadline => operation.handle_timeout(now),
        }
    }
}

/// Waits for the first of an HTTP response, a datagram and the deadline.
async fn wait<R: Runtime>(
    runtime: &R,
    clock: Clock,
    deadline: maxsmart_proto::Instant,
    in_flight: &mut Option<HttpFuture>,
    socket: Option<&R::UdpSocket>,
    buffer: &mut [u8],
) -> Event {
    let mut sleep = runtime.sleep_until(clock.to_std(deadline));
    let mut receive = match socket {
        Some(socket) => socket.recv_from(buffer).boxed(),
        None => futures::future::pending().boxed(),
    };
    futures::future::poll_fn(|cx| {
        if let Some(request) = in_flight.as_mut() {
            if let Poll::Ready((from, result)) = request.as_mut().poll(cx) {
                return Poll::Ready(Event::Http(from, result));
            }
        }
        if let Poll::Ready(received) = receive.as_mut().poll(cx) {
            return Poll::Ready(match received {
                Ok((length, from)) => Event::Datagram(length, from),
                Err(error) => Event::ReceiveFailed(error),
            });
        }
        if sleep.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Event::Deadline);
        }
        Poll::Pending
    })
    .await
}

/// The reason driving an operation stopped without its output.
#[derive(Debug)]
pub(crate) enum DriveError {
    /// The state machine failed.
    Operation(OperationError),
    /// No local UDP socket could be opened to send to `target`.
    Bind {
        /// The destination the socket was for.
        target: SocketAddr,
        /// The operating system's error.
        error: std::io::Error,
    },
    /// The machine neither finished nor asked to be woken, which is a bug in the machine.
    Stalled,
}

impl DriveError {
    /// Converts to the client's error, naming `device` as the address involved.
    pub(crate) fn into_error(self, device: SocketAddr) -> Error {
        match self {
            DriveError::Operation(error) => Error::from_operation(device, error),
            DriveError::Bind { target, error } => {
                Error::io(format!("opening a UDP socket for {target}"), error)
            }
            DriveError::Stalled => Error::Stalled { device },
        }
    }
}
