//! The tokio client against the simulator over real loopback sockets.

use std::time::Duration;

use maxsmart_sim::{Profile, SimDevice};
use maxsmart_tests::{LOOPBACK, loopback_config};
use maxsmart_tokio::{Device, DiscoverOptions, Error, PortSelector, Protocol, Tokio, discover_host};

async fn start(profile: Profile, switches: &[bool]) -> SimDevice {
    let config = loopback_config(profile).switches(switches);
    SimDevice::start(config).await.expect("simulator starts on loopback")
}

fn options(device: &SimDevice) -> DiscoverOptions {
    DiscoverOptions {
        port: device.udp_addr().port(),
        timeout: Duration::from_secs(2),
        ..DiscoverOptions::default()
    }
}

async fn connect(device: &SimDevice) -> Device {
    let http_port = device.http_addr().expect("profile serves HTTP").port();
    Device::builder(Tokio, LOOPBACK)
        .http_port(http_port)
        .udp_port(device.udp_addr().port())
        .timeout(Duration::from_secs(2))
        .connect()
        .await
        .expect("device connects")
}

#[tokio::test]
async fn unicast_discovery_reports_strip_identity() {
    let simulator = start(Profile::Strip130, &[false; 6]).await;
    let found = discover_host(LOOPBACK, &options(&simulator)).await.unwrap();
    assert_eq!(found.address, simulator.udp_addr());
    assert_eq!(found.reply.serial, simulator.serial());
    assert_eq!(found.reply.firmware.as_deref(), Some("1.30"));
    assert_eq!(found.reply.port_names.as_ref().map(Vec::len), Some(6));
    simulator.stop().await;
}

#[tokio::test]
async fn unicast_discovery_of_silent_port_is_not_found() {
    let simulator = start(Profile::Strip130, &[false; 6]).await;
    let mut options = options(&simulator);
    simulator.stop().await;
    options.timeout = Duration::from_millis(300);
    let error = discover_host(LOOPBACK, &options).await.unwrap_err();
    assert!(matches!(error, Error::NotFound { .. }), "{error}");
}

#[tokio::test]
async fn status_reads_switch_states_and_watts() {
    let simulator = start(Profile::Strip130, &[true, false, false, true, false, false]).await;
    let device = connect(&simulator).await;
    assert_eq!(device.protocol().await, Protocol::Http);
    assert_eq!(device.port_count().await, 6);
    let status = device.status().await.unwrap();
    let on: Vec<bool> = status.ports.iter().map(|port| port.on).collect();
    assert_eq!(on, [true, false, false, true, false, false]);
    assert!(status.ports[0].watts.unwrap() > 0.0);
    assert_eq!(status.ports[1].watts, Some(0.0));
    simulator.stop().await;
}

#[tokio::test]
async fn switching_port_on_draws_power_and_is_logged() {
    let simulator = start(Profile::Strip130, &[false; 6]).await;
    let device = connect(&simulator).await;
    let status = device.turn_on(1).await.unwrap();
    assert!(status.ports[0].on);
    assert!(status.ports[0].watts.unwrap() > 0.0);
    assert_eq!(simulator.switch_states()[0], true);
    let commands: Vec<Option<u16>> = simulator.requests().iter().map(|entry| entry.cmd).collect();
    assert!(commands.contains(&Some(200)), "{commands:?}");

    let status = device.turn_off(1).await.unwrap();
    assert!(!status.ports[0].on);
    assert_eq!(status.ports[0].watts, Some(0.0));
    simulator.stop().await;
}

#[tokio::test]
async fn switching_all_ports_sets_every_port() {
    let simulator = start(Profile::Strip130, &[false, true, false, true, false, true]).await;
    let device = connect(&simulator).await;
    let status = device.switch(PortSelector::All, true).await.unwrap();
    assert!(status.ports.iter().all(|port| port.on));
    assert_eq!(simulator.switch_states(), [true; 6]);
    simulator.stop().await;
}

#[tokio::test]
async fn invalid_port_sends_nothing() {
    let simulator = start(Profile::Strip130, &[false; 6]).await;
    let device = connect(&simulator).await;
    simulator.clear_requests();
    let error = device.turn_on(7).await.unwrap_err();
    assert!(matches!(error, Error::InvalidArgument(_)), "{error}");
    assert!(simulator.requests().is_empty());
    simulator.stop().await;
}
