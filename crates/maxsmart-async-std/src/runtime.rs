//! The async-std implementation of the client's runtime trait.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Instant;

use maxsmart_client::Runtime;
use smol_hyper::rt::FuturesIo;

/// The async-std runtime.
///
/// Sockets and timers run on the `async-io` reactor that async-std starts on its own thread,
/// and background tasks run on async-std's global executor, so operations work from any
/// executor, smol's included.
#[derive(Debug, Clone, Copy, Default)]
pub struct AsyncStd;

impl Runtime for AsyncStd {
    type TcpStream = FuturesIo<async_std::net::TcpStream>;
    type UdpSocket = AsyncStdUdp;

    async fn connect(&self, address: SocketAddr) -> io::Result<Self::TcpStream> {
        let stream = async_std::net::TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        Ok(FuturesIo::new(stream))
    }

    async fn bind_udp(&self, local: SocketAddr) -> io::Result<AsyncStdUdp> {
        async_std::net::UdpSocket::bind(local)
            .await
            .map(AsyncStdUdp)
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        let delay = deadline.saturating_duration_since(Instant::now());
        Box::pin(async_std::task::sleep(delay))
    }

    fn spawn(&self, task: Pin<Box<dyn Future<Output = ()> + Send>>) {
        // Dropping the join handle detaches the task.
        drop(async_std::task::spawn(task));
    }
}

/// An async-std UDP socket.
#[derive(Debug)]
pub struct AsyncStdUdp(async_std::net::UdpSocket);

maxsmart_client::delegate_udp_socket!(AsyncStdUdp);
