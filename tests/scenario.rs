//! Scenario tests: protocol state machines against simulated device models, in memory,
//! under a virtual clock.

#[path = "scenario/virtual_net.rs"]
mod virtual_net;

use std::net::SocketAddr;
use std::time::Duration;

use maxsmart_proto::machine::{
    DeviceContext, DiscoveryCollector, DiscoveryOptions, Initialise, InitialiseOptions, PollConfig,
    PollEvent, Poller, Protocol, RetryPolicy, Transmit, TransportFailure, VerifyPolicy,
};
use maxsmart_proto::port::PortSelector;
use maxsmart_proto::status::WattFormat;
use maxsmart_proto::{DeviceError, Instant, OperationError};
use maxsmart_sim::{Faults, Profile};
use virtual_net::VirtualNet;

fn context(net: &VirtualNet, index: usize, protocol: Protocol) -> DeviceContext {
    let device = &net.devices[index];
    let mut context = DeviceContext::new(device.http.ip());
    context.protocol = protocol;
    context.serial = Some(device.model.serial().to_owned());
    context.port_count = Some(u8::try_from(device.model.port_count()).unwrap());
    context.retry = RetryPolicy {
        timeout: Duration::from_secs(2),
        attempts: 4,
        backoff: Duration::from_millis(250),
        max_backoff: Duration::from_secs(2),
    };
    context
}

fn udp_sends(net: &VirtualNet) -> usize {
    net.sent
        .iter()
        .filter(|t| matches!(t, Transmit::Udp { .. }))
        .count()
}

#[test]
fn strip_130_switch_is_verified_over_http() {
    let mut net = VirtualNet::new();
    let strip = net.add(Profile::Strip130, 2, Faults::none());
    let context = context(&net, strip, Protocol::Http);
    let status = net
        .run(context.switch(PortSelector::One(3), true).unwrap())
        .unwrap();
    assert!(status.ports[2].on);
    assert!(status.ports[2].watts.unwrap() > 0.0);
    assert_eq!(status.watt_format, WattFormat::Watts);
    assert!(net.devices[strip].model.switch_states()[2]);
}

#[test]
fn strip_211_reads_milliwatts_over_http() {
    let mut net = VirtualNet::new();
    let strip = net.add(Profile::Strip211, 3, Faults::none());
    let wall_clock = net.wall_clock();
    net.devices[strip]
        .model
        .set_switch(wall_clock, 1, true)
        .unwrap();
    let status = net
        .run(context(&net, strip, Protocol::Http).read_status())
        .unwrap();
    assert_eq!(status.watt_format, WattFormat::Milliwatts);
    let expected = net.devices[strip].model.loads()[0];
    let watts = status.ports[0].watts.unwrap();
    assert!(watts > 0.0);
    assert!(
        (watts - expected).abs() < expected * 0.2,
        "{watts} vs load {expected}"
    );
}

#[test]
fn strip_511_answers_v3_but_refuses_http() {
    let mut net = VirtualNet::new();
    let strip = net.add(Profile::Strip511, 4, Faults::none());
    let error = net
        .run(context(&net, strip, Protocol::Http).read_status())
        .unwrap_err();
    assert_eq!(
        error,
        OperationError::Transport {
            command: 511,
            attempts: 4,
            failure: TransportFailure::ConnectionRefused
        }
    );
    let status = net
        .run(context(&net, strip, Protocol::UdpV3).read_status())
        .unwrap();
    assert_eq!(status.port_count(), 6);
    assert_eq!(status.watt_format, WattFormat::Milliwatts);
}

#[test]
fn v3_switch_survives_thirty_percent_loss() {
    let mut net = VirtualNet::new();
    let faults = Faults::none().drop_probability(0.3);
    let strip = net.add(Profile::Strip511, 5, faults);
    let mut context = context(&net, strip, Protocol::UdpV3);
    context.retry.attempts = 8;
    for port in 1..=6 {
        let status = net
            .run(context.switch(PortSelector::One(port), true).unwrap())
            .unwrap();
        assert!(status.port(port).unwrap().on, "port {port}");
    }
    assert_eq!(net.devices[strip].model.switch_states(), [true; 6]);
    assert!(
        udp_sends(&net) > 12,
        "loss forced retries: {} sends",
        udp_sends(&net)
    );
}

#[test]
fn silence_times_out_after_every_attempt() {
    let mut net = VirtualNet::new();
    let faults = Faults::none().drop_every(1);
    let strip = net.add(Profile::Strip511, 6, faults);
    let context = context(&net, strip, Protocol::UdpV3);
    let error = net.run(context.read_status()).unwrap_err();
    assert_eq!(
        error,
        OperationError::Timeout {
            command: 90,
            attempts: 4
        }
    );
    // Four 2 s waits and pauses of 0.25, 0.5 and 1 s between them.
    assert_eq!(net.now, Instant::from_elapsed(Duration::from_millis(9750)));
    assert_eq!(udp_sends(&net), 4);
}

#[test]
fn late_replies_still_answer_a_retried_request() {
    let mut net = VirtualNet::new();
    let faults = Faults::none().late_datagrams(Duration::from_millis(2500));
    let strip = net.add(Profile::Strip511, 7, faults);
    let status = net
        .run(context(&net, strip, Protocol::UdpV3).read_status())
        .unwrap();
    assert_eq!(status.port_count(), 6);
    assert_eq!(
        udp_sends(&net),
        2,
        "the first reply arrived after the first timeout"
    );
}

#[test]
fn duplicate_replies_do_not_confuse_switching() {
    let mut net = VirtualNet::new();
    let faults = Faults::none().duplicate_datagrams();
    let strip = net.add(Profile::Strip511, 8, faults);
    let context = context(&net, strip, Protocol::UdpV3);
    let on = net
        .run(context.switch(PortSelector::One(2), true).unwrap())
        .unwrap();
    assert!(on.ports[1].on);
    let off = net
        .run(context.switch(PortSelector::One(2), false).unwrap())
        .unwrap();
    assert!(!off.ports[1].on);
    assert_eq!(off.ports[1].watts, Some(0.0));
}

#[test]
fn code_400_is_not_retried() {
    let mut net = VirtualNet::new();
    let strip = net.add(Profile::Strip130, 9, Faults::none().always_400());
    let context = context(&net, strip, Protocol::Http);
    let error = net
        .run(context.switch(PortSelector::All, true).unwrap())
        .unwrap_err();
    assert_eq!(
        error,
        OperationError::Device(DeviceError {
            command: 200,
            code: 400
        })
    );
    assert_eq!(net.sent.len(), 1);
    assert_eq!(net.devices[strip].model.switch_states(), [false; 6]);
}

#[test]
fn plug_has_one_port_and_rejects_port_two() {
    let mut net = VirtualNet::new();
    let plug = net.add(Profile::Plug130, 10, Faults::none());
    let mut context = context(&net, plug, Protocol::Http);
    let status = net.run(context.read_status()).unwrap();
    assert_eq!(status.port_count(), 1);
    context.learn_from_status(&status);
    assert!(context.switch(PortSelector::One(2), true).is_err());
    let status = net
        .run(context.switch(PortSelector::One(1), true).unwrap())
        .unwrap();
    assert!(status.ports[0].on);
}

#[test]
fn discovery_collects_each_device_once() {
    let mut net = VirtualNet::new();
    net.add(Profile::Strip130, 11, Faults::none());
    net.add(Profile::Plug130, 12, Faults::none().duplicate_datagrams());
    net.add(Profile::Strip511, 13, Faults::none());
    let broadcast: SocketAddr = "255.255.255.255:8888".parse().unwrap();
    let collector = DiscoveryCollector::new(vec![broadcast], DiscoveryOptions::default());
    let found = net.run(collector).unwrap();
    let mut serials: Vec<&str> = found.iter().map(|d| d.reply.serial.as_str()).collect();
    serials.sort_unstable();
    assert_eq!(serials.len(), 3);
    assert_eq!(
        found
            .iter()
            .filter(|d| d.reply.port_names.is_some())
            .count(),
        1
    );
    let plug = found
        .iter()
        .find(|d| d.reply.serial.starts_with("SWP1"))
        .unwrap();
    assert_eq!(plug.address, "127.0.0.12:8888".parse().unwrap());
    // Two rounds 0.5 s apart, then a 1.5 s window.
    assert_eq!(net.now, Instant::from_elapsed(Duration::from_millis(2000)));
}

fn secs(seconds: f64) -> Instant {
    Instant::from_elapsed(Duration::from_secs_f64(seconds))
}

/// Drives `poller` until the virtual clock would pass `until`, collecting its events.
fn poll_until(net: &mut VirtualNet, poller: &mut Poller, until: Instant) -> Vec<PollEvent> {
    let mut events = Vec::new();
    loop {
        net.transmit_all(poller);
        while let Some(event) = poller.poll_event() {
            events.push(event);
        }
        match net.next_event(poller) {
            Some(next) if next <= until => net.step(poller),
            _ => break,
        }
    }
    net.now = net.now.max(until);
    events
}

fn fast_poll() -> PollConfig {
    PollConfig {
        timeout: Duration::from_secs(1),
        ..PollConfig::default()
    }
}

#[test]
fn initialise_falls_back_to_v3_on_firmware_511() {
    let mut net = VirtualNet::new();
    let strip = net.add(Profile::Strip511, 20, Faults::none());
    let context = DeviceContext::new(net.devices[strip].http.ip());
    let info = net
        .run(Initialise::new(
            &context,
            None,
            InitialiseOptions::default(),
        ))
        .unwrap();
    assert_eq!(info.protocol, Protocol::UdpV3);
    assert_eq!(info.firmware.as_deref(), Some("5.11"));
    assert_eq!(info.port_count, 6);
    assert_eq!(info.watt_format, WattFormat::Milliwatts);
    let mut context = context;
    info.apply_to(&mut context);
    assert_eq!(context.protocol, Protocol::UdpV3);
    assert_eq!(
        context.serial.as_deref(),
        Some(net.devices[strip].model.serial())
    );
}

#[test]
fn initialise_learns_plug_and_strip_shapes() {
    let mut net = VirtualNet::new();
    let plug = net.add(Profile::Plug130, 21, Faults::none());
    let strip = net.add(Profile::Strip130, 22, Faults::none());

    let plug_context = DeviceContext::new(net.devices[plug].http.ip());
    let plug_info = net
        .run(Initialise::new(
            &plug_context,
            None,
            InitialiseOptions::default(),
        ))
        .unwrap();
    assert_eq!(plug_info.protocol, Protocol::Http);
    assert_eq!(plug_info.port_count, 1);
    assert_eq!(plug_info.watt_format, WattFormat::Watts);

    let strip_context = DeviceContext::new(net.devices[strip].http.ip());
    let strip_info = net
        .run(Initialise::new(
            &strip_context,
            None,
            InitialiseOptions::default(),
        ))
        .unwrap();
    assert_eq!(strip_info.port_count, 6);
    assert_eq!(strip_info.firmware.as_deref(), Some("1.30"));
}

#[test]
fn poller_bursts_after_a_command_then_slows_down() {
    let mut net = VirtualNet::new();
    let strip = net.add(Profile::Strip130, 23, Faults::none());
    let context = context(&net, strip, Protocol::Http);
    let mut poller = Poller::new(&context, fast_poll(), Instant::ZERO);

    poll_until(&mut net, &mut poller, secs(11.0));
    poller.command_sent(net.now);
    poll_until(&mut net, &mut poller, secs(30.0));

    let starts: Vec<Instant> = net.send_times().to_vec();
    let expected: Vec<Instant> = [0.0, 5.0, 10.0, 13.0, 15.0, 17.0, 19.0, 24.0, 29.0]
        .into_iter()
        .map(secs)
        .collect();
    assert_eq!(starts, expected);
}

#[test]
fn poller_reports_switches_and_power_changes() {
    let mut net = VirtualNet::new();
    let strip = net.add(Profile::Strip130, 24, Faults::none());
    let context = context(&net, strip, Protocol::Http);
    let mut poller = Poller::new(&context, fast_poll(), Instant::ZERO);
    let first = poll_until(&mut net, &mut poller, secs(1.0));
    assert!(
        matches!(first.as_slice(), [PollEvent::Polled { .. }]),
        "{first:?}"
    );

    let wall_clock = net.wall_clock();
    net.devices[strip]
        .model
        .set_switch(wall_clock, 2, true)
        .unwrap();
    let events = poll_until(&mut net, &mut poller, secs(6.0));
    assert!(
        events.contains(&PollEvent::PortSwitched { port: 2, on: true }),
        "{events:?}"
    );
    let power = events.iter().find_map(|event| match event {
        PollEvent::PowerChanged {
            port: 2,
            watts,
            previous_watts,
        } => Some((*previous_watts, *watts)),
        _ => None,
    });
    let (previous, now) = power.expect("power change of port 2 reported");
    assert_eq!(previous, 0.0);
    assert!(now > 1.0);
    assert!(poller.latest().unwrap().ports[1].on);
}

#[test]
fn poller_reports_plug_switch_events() {
    let mut net = VirtualNet::new();
    let plug = net.add(Profile::Plug130, 25, Faults::none());
    let context = context(&net, plug, Protocol::Http);
    let mut poller = Poller::new(&context, fast_poll(), Instant::ZERO);
    poll_until(&mut net, &mut poller, secs(1.0));
    let wall_clock = net.wall_clock();
    net.devices[plug]
        .model
        .set_switch(wall_clock, 1, true)
        .unwrap();
    let events = poll_until(&mut net, &mut poller, secs(6.0));
    assert!(
        events.contains(&PollEvent::PortSwitched { port: 1, on: true }),
        "{events:?}"
    );
}

#[test]
fn poller_keeps_polling_through_silence() {
    let mut net = VirtualNet::new();
    let strip = net.add(Profile::Strip511, 26, Faults::none().drop_every(1));
    let context = context(&net, strip, Protocol::UdpV3);
    let mut poller = Poller::new(&context, fast_poll(), Instant::ZERO);
    let events = poll_until(&mut net, &mut poller, secs(16.0));
    let failures: Vec<u32> = events
        .iter()
        .filter_map(|event| match event {
            PollEvent::PollFailed {
                consecutive_failures,
                ..
            } => Some(*consecutive_failures),
            _ => None,
        })
        .collect();
    assert_eq!(failures, [1, 2, 3, 4]);
    assert_eq!(poller.consecutive_failures(), 4);

    net.devices[strip].faults = Faults::none();
    let events = poll_until(&mut net, &mut poller, secs(21.0));
    assert!(
        matches!(events.last(), Some(PollEvent::Polled { .. })),
        "{events:?}"
    );
    assert_eq!(poller.consecutive_failures(), 0);
}

#[test]
fn plug_switch_all_switches_its_only_port() {
    let mut net = VirtualNet::new();
    let plug = net.add(Profile::Plug130, 27, Faults::none());
    let context = context(&net, plug, Protocol::Http);
    let status = net
        .run(context.switch(PortSelector::All, true).unwrap())
        .unwrap();
    assert!(status.ports[0].on);
    assert_eq!(net.devices[plug].model.switch_states(), [true]);
}

/// Returns the HTTP command number of every transmit, in order.
fn http_commands(net: &VirtualNet) -> Vec<u16> {
    net.sent
        .iter()
        .filter_map(|transmit| match transmit {
            Transmit::Http { target, .. } => {
                let query = target.split_once("cmd=")?.1;
                let digits: String = query.chars().take_while(char::is_ascii_digit).collect();
                digits.parse().ok()
            }
            Transmit::Udp { .. } => None,
        })
        .collect()
}

#[test]
fn switch_lag_within_checks_is_verified() {
    let mut net = VirtualNet::new();
    let strip = net.add(Profile::Strip130, 28, Faults::none().switch_lag(2));
    let context = context(&net, strip, Protocol::Http);
    assert_eq!(context.verify, VerifyPolicy::default());
    let status = net
        .run(context.switch(PortSelector::One(4), true).unwrap())
        .unwrap();
    assert!(status.ports[3].on);
    assert!(status.ports[3].watts.unwrap() > 0.0);
    assert_eq!(http_commands(&net), [200, 511, 511, 511]);
}

#[test]
fn switch_lag_beyond_checks_fails() {
    let mut net = VirtualNet::new();
    let strip = net.add(Profile::Strip130, 29, Faults::none().switch_lag(5));
    let context = context(&net, strip, Protocol::Http);
    let error = net
        .run(context.switch(PortSelector::One(4), true).unwrap())
        .unwrap_err();
    assert_eq!(
        error,
        OperationError::StateUnchanged {
            port: 4,
            on: true,
            checks: 3
        }
    );
    assert_eq!(http_commands(&net), [200, 511, 511, 511]);
    assert!(
        net.devices[strip].model.switch_states()[3],
        "the device switched, only its status reads lag"
    );
}

#[test]
fn v3_switch_lag_within_checks_is_verified() {
    let mut net = VirtualNet::new();
    let strip = net.add(Profile::Strip511, 30, Faults::none().switch_lag(2));
    let context = context(&net, strip, Protocol::UdpV3);
    let status = net
        .run(context.switch(PortSelector::One(1), true).unwrap())
        .unwrap();
    assert!(status.ports[0].on);
    assert_eq!(udp_sends(&net), 4, "one command and three status reads");
}
