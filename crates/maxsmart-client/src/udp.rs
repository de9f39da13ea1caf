//! Opening UDP sockets with the options discovery and V3 need.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

use socket2::{Domain, Protocol, Socket, Type};

use crate::runtime::Runtime;

/// Binds a non-blocking UDP socket on an ephemeral port, able to reach `target`, with
/// broadcast allowed, and registers it with the runtime.
pub(crate) fn bind_for<R: Runtime>(runtime: &R, target: SocketAddr) -> io::Result<R::UdpSocket> {
    let (domain, local) = match target {
        SocketAddr::V4(_) => (Domain::IPV4, SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0))),
        SocketAddr::V6(_) => (Domain::IPV6, SocketAddr::from((Ipv6Addr::UNSPECIFIED, 0))),
    };
    let socket = Socket::new(domain, Type::DGRAM, Some(Protocol::UDP))?;
    if target.is_ipv4() {
        socket.set_broadcast(true)?;
    }
    socket.set_nonblocking(true)?;
    socket.bind(&local.into())?;
    runtime.udp_from_std(socket.into())
}
