//! UDP task of one device: discovery and V3 datagrams on one socket, with datagram faults.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::Shared;
use crate::log::Transport;

/// Receive buffer size. Requests are short, so 2048 bytes leaves room for hostile input, and
/// longer datagrams are cut by the kernel, which the decoder then rejects.
const RECEIVE_BUFFER: usize = 2048;

/// Pause after a receive error, so a persistent error cannot spin the task.
const ERROR_PAUSE: Duration = Duration::from_millis(50);

/// Receives datagrams until `shutdown` turns true and replies to each through the model.
///
/// Delayed and duplicate replies are sent from child tasks, which end with this task.
pub(crate) async fn serve(
    socket: Arc<UdpSocket>,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut buffer = vec![0u8; RECEIVE_BUFFER];
    let mut senders = JoinSet::new();
    loop {
        let received = tokio::select! {
            received = socket.recv_from(&mut buffer) => received,
            _ = super::stopped(&mut shutdown) => break,
        };
        while senders.try_join_next().is_some() {}

        let (length, peer) = match received {
            Ok(received) => received,
            Err(error) => {
                tracing::warn!(serial = %shared.serial, %error, "UDP receive failed");
                tokio::time::sleep(ERROR_PAUSE).await;
                continue;
            }
        };
        let datagram = buffer.get(..length).unwrap_or_default();
        handle_datagram(&socket, &shared, &mut senders, datagram, peer).await;
    }
    // Waiting for the aborted senders guarantees that the socket is closed when `stop` returns.
    senders.shutdown().await;
}

/// Runs one datagram through the model, logs it and sends or schedules the reply.
async fn handle_datagram(
    socket: &Arc<UdpSocket>,
    shared: &Arc<Shared>,
    senders: &mut JoinSet<()>,
    datagram: &[u8],
    peer: SocketAddr,
) {
    let faults = shared.current_faults();
    let now = shared.now();
    let outcome = shared.model().handle_datagram(now, datagram, &faults);
    let raw = String::from_utf8_lossy(datagram).into_owned();
    shared.record(Transport::Udp, peer, raw, &outcome);

    let Some(reply) = outcome.reply else {
        return;
    };
    let delay = faults.latency + faults.late_datagrams.unwrap_or_default();
    let copies = if faults.duplicate_datagrams { 2 } else { 1 };
    if delay.is_zero() && copies == 1 {
        send(socket, shared, reply.as_bytes(), peer).await;
        return;
    }
    let socket = Arc::clone(socket);
    let shared = Arc::clone(shared);
    senders.spawn(async move {
        tokio::time::sleep(delay).await;
        for _ in 0..copies {
            send(&socket, &shared, reply.as_bytes(), peer).await;
        }
    });
}

/// Sends one reply datagram. Failures are logged and the reply is lost, as on a real device.
async fn send(socket: &UdpSocket, shared: &Shared, reply: &[u8], peer: SocketAddr) {
    if let Err(error) = socket.send_to(reply, peer).await {
        tracing::warn!(serial = %shared.serial, %peer, %error, "UDP send failed");
    }
}
