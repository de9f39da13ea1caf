//! Discovery cases: unicast, streaming, several devices, clock setting and relocation.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use futures::StreamExt;
use maxsmart_client::proto::InvalidArgument;
use maxsmart_client::proto::datetime::DateTime;
use maxsmart_client::{
    ClockSetting, DeviceBuilder, DiscoverOptions, DiscoveryRequest, Error, Protocol, Runtime,
    discover, discover_host, discover_stream, find_by_serial,
};
use maxsmart_sim::{Profile, SimConfig};

use crate::{LOOPBACK, Sim, loopback_config};

/// Returns the protocol each profile replies on.
fn expected_protocol(profile: Profile) -> Protocol {
    if profile.has_http() {
        Protocol::Http
    } else {
        Protocol::UdpV3
    }
}

/// Unicast discovery reports identity, protocol and port count for every profile.
pub async fn unicast_reports_every_profile<R: Runtime>(runtime: R) {
    for profile in Profile::all() {
        let sim = Sim::profile(profile).await;
        let found = discover_host(&runtime, LOOPBACK, &sim.discover_options())
            .await
            .unwrap_or_else(|error| panic!("{profile}: {error}"));
        assert_eq!(found.address, sim.udp_addr(), "{profile}");
        assert_eq!(found.serial(), sim.serial(), "{profile}");
        assert_eq!(found.firmware(), Some(profile.firmware()), "{profile}");
        assert_eq!(
            found.protocol,
            Some(expected_protocol(profile)),
            "{profile}"
        );
        let port_count = u8::try_from(profile.port_count()).unwrap();
        assert_eq!(found.port_count, Some(port_count), "{profile}");
        let mac = found.mac().unwrap_or_else(|| panic!("{profile}: no MAC"));
        assert_eq!(mac.split(':').count(), 6, "{profile}: {mac}");
        assert!(found.name().is_some(), "{profile}: no name");
        let names = found.port_names().map(<[String]>::len);
        let expected_names = profile.sends_port_names().then_some(6);
        assert_eq!(names, expected_names, "{profile}");
        sim.stop().await;
    }
}

/// Unicast discovery of a port where nothing listens ends in `NotFound` within its window.
pub async fn unicast_of_silent_port_is_not_found<R: Runtime>(runtime: R) {
    let sim = Sim::profile(Profile::Strip130).await;
    let mut options = sim.discover_options();
    options.timeout = Duration::from_millis(200);
    sim.stop().await;
    let error = discover_host(&runtime, LOOPBACK, &options)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::NotFound { .. }), "{error}");
}

/// Without a probe, discovery reports no protocol and guesses the port count from the
/// serial number.
pub async fn probe_off_leaves_protocol_unknown<R: Runtime>(runtime: R) {
    let sim = Sim::profile(Profile::Plug130).await;
    let options = DiscoverOptions {
        probe: false,
        ..sim.discover_options()
    };
    let found = discover_host(&runtime, LOOPBACK, &options).await.unwrap();
    assert_eq!(found.protocol, None);
    assert_eq!(found.port_count, Some(1));
    let http = sim
        .requests()
        .iter()
        .filter(|entry| entry.cmd == Some(511))
        .count();
    assert_eq!(http, 0, "no probe request expected");
    sim.stop().await;
}

/// Starts one device per profile, each on its own loopback address with the same ports.
async fn start_spread(profiles: &[Profile], first: u8) -> Vec<Sim> {
    let udp_port = crate::closed_port();
    let mut sims = Vec::new();
    for (index, profile) in profiles.iter().enumerate() {
        let ip = IpAddr::V4(Ipv4Addr::new(127, 0, 0, first + index as u8));
        let config = SimConfig::numbered(*profile, index)
            .http_addr(SocketAddr::new(ip, 0))
            .udp_addr(SocketAddr::new(ip, udp_port));
        sims.push(Sim::start(config).await);
    }
    sims
}

/// Options that ask every simulator of `sims` directly; they must share one UDP port.
fn options_for(sims: &[Sim]) -> DiscoverOptions {
    DiscoverOptions {
        port: sims[0].udp_addr().port(),
        timeout: Duration::from_millis(400),
        spacing: Duration::from_millis(100),
        probe_timeout: crate::TIMEOUT,
        http_port: crate::closed_port(),
        ..DiscoverOptions::unicast(sims.iter().map(|sim| sim.ip()))
    }
}

/// The stream yields every device once, each with its own serial and address.
pub async fn stream_yields_each_device_once<R: Runtime>(runtime: R) {
    let profiles = [Profile::Strip130, Profile::Strip211, Profile::Strip511];
    let sims = start_spread(&profiles, 21).await;
    let options = DiscoverOptions {
        attempts: 3,
        ..options_for(&sims)
    };
    let mut stream = discover_stream(runtime, options);
    let mut found = Vec::new();
    while let Some(device) = stream.next().await {
        found.push(device.unwrap());
    }
    assert_eq!(found.len(), 3, "{found:?}");
    for sim in &sims {
        let device = found
            .iter()
            .find(|device| device.serial() == sim.serial())
            .unwrap_or_else(|| panic!("{} not found", sim.serial()));
        assert_eq!(device.address, sim.udp_addr());
        assert_eq!(device.firmware(), Some(sim.profile().firmware()));
    }
    let v3 = found
        .iter()
        .find(|device| device.firmware() == Some("5.11"));
    assert_eq!(v3.and_then(|device| device.protocol), Some(Protocol::UdpV3));
    let discovery_requests = sims[0]
        .requests()
        .iter()
        .filter(|entry| entry.raw == "00dv=all;")
        .count();
    assert_eq!(discovery_requests, 3, "one datagram per round");
    for sim in sims {
        sim.stop().await;
    }
}

/// Collecting discovery returns the same devices as the stream.
pub async fn collected_discovery_lists_devices<R: Runtime>(runtime: R) {
    let sims = start_spread(&[Profile::Plug130, Profile::Strip349], 24).await;
    let found = discover(&runtime, &options_for(&sims)).await.unwrap();
    let mut serials: Vec<&str> = found.iter().map(|device| device.serial()).collect();
    serials.sort_unstable();
    let mut expected: Vec<String> = sims.iter().map(|sim| sim.serial()).collect();
    expected.sort_unstable();
    assert_eq!(serials, expected);
    for sim in sims {
        sim.stop().await;
    }
}

/// The dated request sets the device clock and its zone field.
pub async fn dated_request_sets_device_clock<R: Runtime>(runtime: R) {
    let sim = Sim::profile(Profile::Strip130).await;
    let local = DateTime::new(2021, 3, 4, 5, 6, 7).unwrap();
    let options = DiscoverOptions {
        request: DiscoveryRequest::with_clock(ClockSetting::new(local, Some(1)).unwrap()),
        probe: false,
        ..sim.discover_options()
    };
    discover_host(&runtime, LOOPBACK, &options).await.unwrap();
    let raw = sim.requests()[0].raw.clone();
    assert_eq!(raw, "00dv=all,2021-03-04,05:06:07,13;");
    let (clock, zone) = sim.with_state(|model, now| (model.clock(now), model.clock_zone()));
    assert_eq!((clock.year(), clock.month(), clock.day()), (2021, 3, 4));
    assert_eq!(clock.hour(), 5);
    assert_eq!(zone, Some(13));
    sim.stop().await;
}

/// After the device moves to another address, finding it by serial number and relocating
/// the device handle makes requests reach it again.
pub async fn relocation_follows_address_change<R: Runtime>(runtime: R) {
    let first = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 31));
    let second = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 32));
    let udp_port = crate::closed_port();
    let config = |ip| {
        loopback_config(Profile::Strip511)
            .serial("SWW6000000000031")
            .udp_addr(SocketAddr::new(ip, udp_port))
    };
    let sim = Sim::start(config(first)).await;
    let device = sim.builder(runtime.clone()).connect().await.unwrap();
    assert_eq!(device.address().await.ip(), first);
    sim.stop().await;

    let moved = Sim::start(config(second)).await;
    moved.set_switch(2, true).unwrap();
    let error = device.status().await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error}");

    let options = DiscoverOptions {
        port: udp_port,
        ..moved.discover_options()
    };
    let options = DiscoverOptions {
        hosts: vec![first, second],
        ..options
    };
    let found = find_by_serial(&runtime, "SWW6000000000031", &options)
        .await
        .unwrap();
    assert_eq!(found.ip(), second);
    let address = device.relocate(&options).await.unwrap();
    assert_eq!(address.ip(), second);
    assert!(device.status().await.unwrap().ports[1].on);
    device.close().await;
    moved.stop().await;
}

/// Searching for a serial no device has ends in `SerialNotFound`.
pub async fn unknown_serial_is_not_found<R: Runtime>(runtime: R) {
    let sim = Sim::profile(Profile::Strip211).await;
    let error = find_by_serial(&runtime, "SWP6999999999999", &sim.discover_options())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::SerialNotFound { serial } if serial == "SWP6999999999999"),
        "{error}"
    );
    sim.stop().await;
}

/// A device built from a discovery result uses the protocol the probe found.
pub async fn builder_from_discovery_skips_detection<R: Runtime>(runtime: R) {
    let sim = Sim::profile(Profile::Strip511).await;
    let found = discover_host(&runtime, LOOPBACK, &sim.discover_options())
        .await
        .unwrap();
    sim.clear_requests();
    let device = DeviceBuilder::from_discovery(runtime, &found)
        .retry(crate::RETRY)
        .connect()
        .await
        .unwrap();
    assert_eq!(device.protocol().await, Protocol::UdpV3);
    assert_eq!(device.port_count().await, 6);
    let requests = sim.requests();
    assert!(!requests.is_empty());
    assert!(
        requests
            .iter()
            .all(|entry| entry.kind == maxsmart_sim::RequestKind::V3)
    );
    device.close().await;
    sim.stop().await;
}

/// A device built from discovery reports the names, MAC address and reply of that
/// discovery, also when the probe settled the protocol and no detection runs.
pub async fn builder_from_discovery_keeps_names<R: Runtime>(runtime: R) {
    for profile in [Profile::Strip130, Profile::Strip511] {
        let sim = Sim::profile(profile).await;
        let found = discover_host(&runtime, LOOPBACK, &sim.discover_options())
            .await
            .unwrap();
        assert_eq!(
            found.protocol,
            Some(expected_protocol(profile)),
            "{profile}"
        );
        let device = DeviceBuilder::from_discovery(runtime.clone(), &found)
            .http_port(sim.http_port())
            .retry(crate::RETRY)
            .connect()
            .await
            .unwrap();

        let info = device.info();
        assert!(
            found.name().is_some(),
            "{profile}: the simulator sends a name"
        );
        assert_eq!(info.names.device.as_deref(), found.name(), "{profile}");
        assert!(
            found.mac().is_some(),
            "{profile}: the simulator sends a MAC"
        );
        assert_eq!(info.mac.as_deref(), found.mac(), "{profile}");
        assert_eq!(info.discovery.as_ref(), Some(&found.reply), "{profile}");
        assert_eq!(info.serial.as_deref(), Some(found.serial()), "{profile}");
        assert_eq!(info.firmware.as_deref(), found.firmware(), "{profile}");
        let port_names: Vec<Option<&str>> = info.names.ports.iter().map(Option::as_deref).collect();
        let expected: Vec<Option<&str>> = match found.port_names() {
            Some(names) => names.iter().map(|name| Some(name.as_str())).collect(),
            None => vec![None; 6],
        };
        assert_eq!(port_names, expected, "{profile}");
        device.close().await;
        sim.stop().await;
    }
}

/// A serial number the device could not have is rejected before anything is sent.
pub async fn builder_rejects_invalid_serial<R: Runtime>(runtime: R) {
    let sim = Sim::profile(Profile::Strip130).await;
    sim.clear_requests();
    let error = sim
        .builder(runtime)
        .serial("SWP 6000")
        .connect()
        .await
        .unwrap_err();
    assert!(
        matches!(
            &error,
            Error::InvalidArgument(InvalidArgument::InvalidSerial { serial }) if serial == "SWP 6000"
        ),
        "{error}"
    );
    assert!(sim.requests().is_empty(), "nothing is sent");
    sim.stop().await;
}
