//! The addresses a discovery round is sent to.

use std::net::{Ipv4Addr, SocketAddr};

use super::DiscoverOptions;
use crate::error::Error;

/// Lists every destination of one round: interface broadcasts, the limited broadcast when
/// asked, and the extra hosts, each once.
pub(crate) fn discovery_targets(options: &DiscoverOptions) -> Result<Vec<SocketAddr>, Error> {
    let mut targets = Vec::new();
    if options.broadcast {
        targets.extend(broadcast_addresses()?);
    }
    if options.limited_broadcast {
        targets.push(Ipv4Addr::BROADCAST);
    }
    let mut targets: Vec<SocketAddr> = targets
        .into_iter()
        .map(|ip| SocketAddr::from((ip, options.port)))
        .chain(
            options
                .hosts
                .iter()
                .map(|ip| SocketAddr::new(*ip, options.port)),
        )
        .collect();
    targets.sort();
    targets.dedup();
    Ok(targets)
}

/// Lists the directed broadcast address of every IPv4 interface that has one, leaving out
/// loopback interfaces.
fn broadcast_addresses() -> Result<Vec<Ipv4Addr>, Error> {
    let interfaces = if_addrs::get_if_addrs()
        .map_err(|error| Error::io("listing the network interfaces for broadcast", error))?;
    let addresses = interfaces
        .iter()
        .filter(|interface| !interface.is_loopback())
        .filter_map(|interface| match &interface.addr {
            if_addrs::IfAddr::V4(v4) => v4.broadcast,
            if_addrs::IfAddr::V6(_) => None,
        })
        .collect();
    Ok(addresses)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;

    #[test]
    fn unicast_targets_use_the_discovery_port() {
        let hosts = [IpAddr::from([127, 0, 0, 3]), IpAddr::from([127, 0, 0, 2])];
        let mut options = DiscoverOptions::unicast(hosts);
        options.port = 9999;
        let targets = discovery_targets(&options).unwrap();
        assert_eq!(
            targets,
            [
                "127.0.0.2:9999".parse::<SocketAddr>().unwrap(),
                "127.0.0.3:9999".parse().unwrap()
            ]
        );
    }

    #[test]
    fn duplicate_hosts_are_sent_once() {
        let host = IpAddr::from([127, 0, 0, 2]);
        let options = DiscoverOptions::unicast([host, host]);
        assert_eq!(discovery_targets(&options).unwrap().len(), 1);
    }
}
