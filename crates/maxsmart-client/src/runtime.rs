//! The small trait each async runtime implements.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Instant;

/// What the client needs from an async runtime: TCP connections, UDP sockets, timers and
/// tasks.
///
/// A runtime crate implements this once; everything else is shared.
pub trait Runtime: Clone + Send + Sync + 'static {
    /// A connected TCP stream that hyper can drive.
    type TcpStream: hyper::rt::Read + hyper::rt::Write + Send + Unpin + 'static;
    /// A UDP socket registered with the runtime.
    type UdpSocket: UdpSocket;

    /// Opens a TCP connection to `address`.
    fn connect(
        &self,
        address: SocketAddr,
    ) -> impl Future<Output = io::Result<Self::TcpStream>> + Send;

    /// Registers a bound, non-blocking standard library socket with the runtime.
    ///
    /// # Errors
    ///
    /// Returns the runtime's error when it cannot register the socket.
    fn udp_from_std(&self, socket: std::net::UdpSocket) -> io::Result<Self::UdpSocket>;

    /// Returns a future that completes at `deadline`.
    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn Future<Output = ()> + Send>>;

    /// Runs `task` in the background. The task ends by itself; the client signals it to stop
    /// and waits for it, so no handle is needed.
    fn spawn(&self, task: Pin<Box<dyn Future<Output = ()> + Send>>);
}

/// A UDP socket of a runtime.
pub trait UdpSocket: Send + Sync + 'static {
    /// Sends one datagram to `target`.
    fn send_to(
        &self,
        payload: &[u8],
        target: SocketAddr,
    ) -> impl Future<Output = io::Result<usize>> + Send;

    /// Receives one datagram into `buffer`, returning its length and source.
    fn recv_from(
        &self,
        buffer: &mut [u8],
    ) -> impl Future<Output = io::Result<(usize, SocketAddr)>> + Send;
}
