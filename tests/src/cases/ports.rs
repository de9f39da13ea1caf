//! Port cases: status, single-port reads and switching on every profile.

use maxsmart_client::{Error, PortSelector, Protocol, Runtime, WattFormat};
use maxsmart_sim::{Profile, RequestKind};

use crate::Sim;

/// Starts `profile` with ports 1 and 4 on, and connects to it.
async fn start_with_ports_on<R: Runtime>(
    runtime: &R,
    profile: Profile,
) -> (Sim, maxsmart_client::Device<R>) {
    let config = crate::loopback_config(profile).switches(&[true, false, false, true]);
    let sim = Sim::start(config).await;
    let device = sim
        .builder(runtime.clone())
        .connect()
        .await
        .unwrap_or_else(|error| panic!("{profile}: {error}"));
    (sim, device)
}

/// Status reads the switch states, the port count and power in the profile's format.
pub async fn status_reads_every_profile<R: Runtime>(runtime: R) {
    for profile in Profile::all() {
        let (sim, device) = start_with_ports_on(&runtime, profile).await;
        let expected_protocol = if profile.has_http() {
            Protocol::Http
        } else {
            Protocol::UdpV3
        };
        assert_eq!(device.protocol().await, expected_protocol, "{profile}");
        let port_count = u8::try_from(profile.port_count()).unwrap();
        assert_eq!(device.port_count().await, port_count, "{profile}");

        let status = device.status().await.unwrap();
        let states: Vec<bool> = status.ports.iter().map(|port| port.on).collect();
        assert_eq!(states, sim.switch_states(), "{profile}");
        let expected_format = match (profile.has_http(), profile) {
            (true, Profile::Strip130 | Profile::Plug130) => WattFormat::Watts,
            _ => WattFormat::Milliwatts,
        };
        assert_eq!(status.watt_format, expected_format, "{profile}");
        let load = sim.with_state(|model, _| model.loads()[0]);
        let watts = status.ports[0].watts.unwrap();
        assert!(
            (watts - load).abs() <= load * 0.1 + 0.5,
            "{profile}: port 1 reads {watts} W, load is {load} W"
        );
        if port_count > 1 {
            assert_eq!(status.ports[1].watts, Some(0.0), "{profile}");
        }
        device.close().await;
        sim.stop().await;
    }
}

/// Single-port reads validate the port and return that port's values.
pub async fn single_port_reads<R: Runtime>(runtime: R) {
    for profile in [Profile::Strip130, Profile::Plug130, Profile::Strip511] {
        let (sim, device) = start_with_ports_on(&runtime, profile).await;
        assert!(device.is_on(1).await.unwrap(), "{profile}");
        let power = device.power(1).await.unwrap().unwrap();
        assert!(power > 0.0, "{profile}: {power}");
        let port = device.port_status(1).await.unwrap();
        assert_eq!(port.port, 1);
        let states = device.switch_states().await.unwrap();
        assert_eq!(states, sim.switch_states(), "{profile}");

        let beyond = device.port_count().await + 1;
        sim.clear_requests();
        let error = device.port_status(beyond).await.unwrap_err();
        assert!(
            matches!(error, Error::InvalidArgument(_)),
            "{profile}: {error}"
        );
        assert!(
            sim.requests().is_empty(),
            "{profile}: sent {:?}",
            sim.requests()
        );
        device.close().await;
        sim.stop().await;
    }
}

/// Switching one port on and off changes the device and is verified, on every profile.
pub async fn switching_one_port_every_profile<R: Runtime>(runtime: R) {
    for profile in Profile::all() {
        let sim = Sim::profile(profile).await;
        let device = sim.builder(runtime.clone()).connect().await.unwrap();
        let status = device
            .turn_on(1)
            .await
            .unwrap_or_else(|error| panic!("{profile}: {error}"));
        assert!(status.ports[0].on, "{profile}");
        assert!(status.ports[0].watts.unwrap() > 0.0, "{profile}");
        assert!(sim.switch_states()[0], "{profile}");
        let expected_command = if profile.has_http() { 200 } else { 20 };
        let commands: Vec<Option<u16>> = sim.requests().iter().map(|entry| entry.cmd).collect();
        assert!(
            commands.contains(&Some(expected_command)),
            "{profile}: {commands:?}"
        );

        let status = device.turn_off(1).await.unwrap();
        assert!(!status.ports[0].on, "{profile}");
        assert_eq!(status.ports[0].watts, Some(0.0), "{profile}");
        assert!(!sim.switch_states()[0], "{profile}");
        device.close().await;
        sim.stop().await;
    }
}

/// Switching all ports sets every port, over HTTP and V3.
pub async fn switching_all_ports<R: Runtime>(runtime: R) {
    for profile in [Profile::Strip130, Profile::Strip511] {
        let config = crate::loopback_config(profile).switches(&[false, true, false, true]);
        let sim = Sim::start(config).await;
        let device = sim.builder(runtime.clone()).connect().await.unwrap();
        let status = device.switch(PortSelector::All, true).await.unwrap();
        assert!(status.ports.iter().all(|port| port.on), "{profile}");
        assert_eq!(sim.switch_states(), [true; 6], "{profile}");
        let status = device.turn_all_off().await.unwrap();
        assert!(status.ports.iter().all(|port| !port.on), "{profile}");
        assert_eq!(sim.switch_states(), [false; 6], "{profile}");
        device.close().await;
        sim.stop().await;
    }
}

/// A port the device lacks is rejected before anything is sent; on a plug that is port 2.
pub async fn invalid_port_sends_nothing<R: Runtime>(runtime: R) {
    for (profile, port) in [
        (Profile::Strip130, 7),
        (Profile::Plug130, 2),
        (Profile::Strip511, 0),
    ] {
        let sim = Sim::profile(profile).await;
        let device = sim.builder(runtime.clone()).connect().await.unwrap();
        sim.clear_requests();
        let error = device.turn_on(port).await.unwrap_err();
        assert!(
            matches!(error, Error::InvalidArgument(_)),
            "{profile}: {error}"
        );
        assert!(error.to_string().contains(&port.to_string()), "{error}");
        assert!(
            sim.requests().is_empty(),
            "{profile}: sent {:?}",
            sim.requests()
        );
        device.close().await;
        sim.stop().await;
    }
}

/// A device forced to V3 sends datagrams only, carrying its serial number.
pub async fn forced_v3_sends_serial<R: Runtime>(runtime: R) {
    let sim = Sim::profile(Profile::Strip211).await;
    let device = sim
        .builder(runtime)
        .protocol(maxsmart_client::ProtocolChoice::UdpV3)
        .connect()
        .await
        .unwrap();
    device.turn_on(3).await.unwrap();
    assert!(sim.switch_states()[2]);
    let requests = sim.requests();
    assert!(requests.iter().all(|entry| entry.kind == RequestKind::V3));
    let serial = sim.serial();
    assert!(
        requests
            .iter()
            .all(|entry| entry.args["sn"].as_str() == Some(serial.as_str())),
        "{requests:?}"
    );
    device.close().await;
    sim.stop().await;
}
