//! Broadcast discovery inside network namespaces this case creates: interface broadcast,
//! limited broadcast, the stream, and finding a device again after its address changed.

use std::net::IpAddr;
use std::time::Duration;

use futures::StreamExt;
use maxsmart_client::{
    DeviceBuilder, DiscoverOptions, Protocol, Runtime, discover, discover_stream, find_by_serial,
};
use maxsmart_sim::Profile;

use crate::Executor;
use crate::netns::{NamespacedSim, Network, device_ip, run_in};

const STRIP_SERIAL: &str = "SWP6000000000071";
const V3_SERIAL: &str = "SWW6000000000072";

/// Options for broadcast on the test network with short windows.
fn broadcast_options() -> DiscoverOptions {
    DiscoverOptions {
        timeout: Duration::from_millis(500),
        spacing: Duration::from_millis(100),
        probe_timeout: crate::TIMEOUT,
        ..DiscoverOptions::default()
    }
}

/// Discovers a 1.30 strip and a 5.11 strip by broadcast, each with its protocol, then
/// follows the 5.11 strip to a new address. Skips, with a message, where namespaces are
/// not available.
pub fn broadcast_in_namespaces<R: Runtime, E: Executor>(runtime: R) {
    let Some(network) = Network::create(2) else {
        return;
    };
    let strip = NamespacedSim::start(network.device(0), Profile::Strip130, STRIP_SERIAL);
    let v3 = NamespacedSim::start(network.device(1), Profile::Strip511, V3_SERIAL);
    let client = network.client().to_owned();
    let network = std::sync::Arc::new(network);
    let moved = std::sync::Arc::clone(&network);

    run_in(&client, move || {
        E::block_on(async move {
            let found = discover(&runtime, &broadcast_options()).await.unwrap();
            assert_eq!(found.len(), 2, "{found:?}");
            let strip_found = found.iter().find(|d| d.serial() == STRIP_SERIAL).unwrap();
            assert_eq!(strip_found.ip(), IpAddr::V4(device_ip(0)));
            assert_eq!(strip_found.protocol, Some(Protocol::Http));
            assert_eq!(strip_found.port_count, Some(6));
            let v3_found = found.iter().find(|d| d.serial() == V3_SERIAL).unwrap();
            assert_eq!(v3_found.ip(), IpAddr::V4(device_ip(1)));
            assert_eq!(v3_found.protocol, Some(Protocol::UdpV3));

            let limited = DiscoverOptions {
                broadcast: false,
                limited_broadcast: true,
                ..broadcast_options()
            };
            let mut stream = discover_stream(runtime.clone(), limited);
            let mut serials = Vec::new();
            while let Some(device) = stream.next().await {
                serials.push(device.unwrap().serial().to_owned());
            }
            serials.sort();
            assert_eq!(serials, [STRIP_SERIAL, V3_SERIAL]);

            let device = DeviceBuilder::from_discovery(runtime.clone(), v3_found)
                .retry(crate::RETRY)
                .connect()
                .await
                .unwrap();
            device.turn_on(4).await.unwrap();

            let new_ip = std::net::Ipv4Addr::new(198, 18, 0, 77);
            moved.readdress_device(1, device_ip(1), new_ip);
            let again = find_by_serial(&runtime, V3_SERIAL, &broadcast_options())
                .await
                .unwrap();
            assert_eq!(again.ip(), IpAddr::V4(new_ip));
            let address = device.relocate(&broadcast_options()).await.unwrap();
            assert_eq!(address.ip(), IpAddr::V4(new_ip));
            assert!(device.is_on(4).await.unwrap());
            device.close().await;
        });
    });
    assert!(v3.device().switch_states()[3]);
    let discovery_requests = strip
        .device()
        .requests()
        .iter()
        .filter(|entry| entry.kind == maxsmart_sim::RequestKind::Discovery)
        .count();
    assert!(discovery_requests >= 2, "{discovery_requests}");
    drop(strip);
    drop(v3);
    drop(network);
}
