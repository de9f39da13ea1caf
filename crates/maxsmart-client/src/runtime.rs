//! The small trait each async runtime implements.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Instant;

/// The services the client needs from an async runtime: TCP connections, UDP sockets,
/// timers and tasks.
///
/// A runtime crate implements this once, and every runtime shares the discovery, device
/// operations and polling built on it.
pub trait Runtime: Clone + std::fmt::Debug + Send + Sync + 'static {
    /// A connected TCP stream that hyper can drive.
    type TcpStream: hyper::rt::Read + hyper::rt::Write + Send + Unpin + 'static;
    /// A UDP socket registered with the runtime.
    type UdpSocket: UdpSocket;

    /// Opens a TCP connection to `address`.
    fn connect(
        &self,
        address: SocketAddr,
    ) -> impl Future<Output = io::Result<Self::TcpStream>> + Send;

    /// Binds a UDP socket to `local` and registers it with the runtime.
    fn bind_udp(
        &self,
        local: SocketAddr,
    ) -> impl Future<Output = io::Result<Self::UdpSocket>> + Send;

    /// Returns a future that completes at `deadline`.
    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn Future<Output = ()> + Send>>;

    /// Runs `task` in the background and detaches it.
    ///
    /// The client wraps every task so that it can cancel it and learn when its future was
    /// dropped, so no join handle is needed.
    fn spawn(&self, task: Pin<Box<dyn Future<Output = ()> + Send>>);
}

/// A UDP socket of a runtime.
pub trait UdpSocket: Send + Sync + 'static {
    /// Allows or forbids sending to broadcast addresses.
    ///
    /// # Errors
    ///
    /// Returns the operating system's error.
    fn set_broadcast(&self, on: bool) -> io::Result<()>;

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

/// Implements [`UdpSocket`] for a newtype around a runtime's UDP socket whose inherent
/// methods `set_broadcast`, `send_to` and `recv_from` have the usual shapes, as tokio's and
/// async-std's do: `delegate_udp_socket!(TokioUdp);` for `struct TokioUdp(tokio::net::UdpSocket)`.
#[macro_export]
macro_rules! delegate_udp_socket {
    ($socket:ty) => {
        impl $crate::UdpSocket for $socket {
            fn set_broadcast(&self, on: bool) -> ::std::io::Result<()> {
                self.0.set_broadcast(on)
            }

            fn send_to(
                &self,
                payload: &[u8],
                target: ::std::net::SocketAddr,
            ) -> impl ::std::future::Future<Output = ::std::io::Result<usize>> + Send {
                self.0.send_to(payload, target)
            }

            fn recv_from(
                &self,
                buffer: &mut [u8],
            ) -> impl ::std::future::Future<
                Output = ::std::io::Result<(usize, ::std::net::SocketAddr)>,
            > + Send {
                self.0.recv_from(buffer)
            }
        }
    };
}
