//! Opening UDP sockets with the options discovery and V3 need.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::runtime::{Runtime, UdpSocket};

/// Binds a UDP socket on an ephemeral port of the address family of `target`, with broadcast
/// allowed for IPv4.
pub(crate) async fn bind_for<R: Runtime>(
    runtime: &R,
    target: SocketAddr,
) -> io::Result<R::UdpSocket> {
    let local = match target {
        SocketAddr::V4(_) => SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)),
        SocketAddr::V6(_) => SocketAddr::from((Ipv6Addr::UNSPECIFIED, 0)),
    };
    let socket = runtime.bind_udp(local).await?;
    if target.is_ipv4() {
        socket.set_broadcast(true)?;
    }
    Ok(socket)
}
