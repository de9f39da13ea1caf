//! The tokio implementation of the client's runtime trait.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Instant;

use hyper_util::rt::TokioIo;
use maxsmart_client::{Runtime, UdpSocket};

/// The tokio runtime. Operations must run inside a tokio runtime with I/O and time enabled.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tokio;

impl Runtime for Tokio {
    type TcpStream = TokioIo<tokio::net::TcpStream>;
    type UdpSocket = TokioUdp;

    async fn connect(&self, address: SocketAddr) -> io::Result<Self::TcpStream> {
        let stream = tokio::net::TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        Ok(TokioIo::new(stream))
    }

    fn udp_from_std(&self, socket: std::net::UdpSocket) -> io::Result<TokioUdp> {
        tokio::net::UdpSocket::from_std(socket).map(TokioUdp)
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep_until(deadline.into()))
    }

    fn spawn(&self, task: Pin<Box<dyn Future<Output = ()> + Send>>) {
        tokio::spawn(task);
    }
}

/// A tokio UDP socket.
#[derive(Debug)]
pub struct TokioUdp(tokio::net::UdpSocket);

impl UdpSocket for TokioUdp {
    fn send_to(
        &self,
        payload: &[u8],
        target: SocketAddr,
    ) -> impl Future<Output = io::Result<usize>> + Send {
        self.0.send_to(payload, target)
    }

    fn recv_from(
        &self,
        buffer: &mut [u8],
    ) -> impl Future<Output = io::Result<(usize, SocketAddr)>> + Send {
        self.0.recv_from(buffer)
    }
}
