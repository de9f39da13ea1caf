//! The tokio implementation of the client's runtime trait.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Instant;

use hyper_util::rt::TokioIo;
use maxsmart_client::Runtime;

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

    async fn bind_udp(&self, local: SocketAddr) -> io::Result<TokioUdp> {
        tokio::net::UdpSocket::bind(local).await.map(TokioUdp)
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

maxsmart_client::delegate_udp_socket!(TokioUdp);
