//! Cases for every command beyond status and switching: initialisation, names, statistics,
//! clock, identifiers, settings, health, and what each firmware rejects.

use std::time::Duration;

use maxsmart_client::{
    Currency, Error, MasterSlave, NameTarget, PortAction, PortRole, PortSelector, PowerThreshold,
    Price, Protocol, RandomMode, Rule, RuleChange, Runtime, Schedule, StatisticsKind, TimerSetting,
    WattFormat, Weekdays,
};
use maxsmart_sim::{Faults, Profile, RequestResult};

use crate::Sim;

/// Starts `profile` and connects to it.
async fn connect<R: Runtime>(runtime: &R, profile: Profile) -> (Sim, maxsmart_client::Device<R>) {
    let sim = Sim::profile(profile).await;
    let device = sim
        .builder(runtime.clone())
        .connect()
        .await
        .unwrap_or_else(|error| panic!("{profile}: {error}"));
    (sim, device)
}

/// Initialisation learns protocol, firmware, watt format, port count, names and MAC for
/// every profile.
pub async fn initialisation_learns_every_profile<R: Runtime>(runtime: R) {
    for profile in Profile::all() {
        let (sim, device) = connect(&runtime, profile).await;
        let info = device.info();
        let (protocol, format) = match profile {
            Profile::Strip130 | Profile::Plug130 => (Protocol::Http, WattFormat::Watts),
            Profile::Strip211 | Profile::Strip349 => (Protocol::Http, WattFormat::Milliwatts),
            Profile::Strip511 => (Protocol::UdpV3, WattFormat::Milliwatts),
        };
        assert_eq!(info.protocol, protocol, "{profile}");
        assert_eq!(info.watt_format, format, "{profile}");
        assert_eq!(
            info.firmware.as_deref(),
            Some(profile.firmware()),
            "{profile}"
        );
        assert_eq!(
            usize::from(info.port_count),
            profile.port_count(),
            "{profile}"
        );
        assert_eq!(
            info.serial.as_deref(),
            Some(sim.serial().as_str()),
            "{profile}"
        );
        assert!(info.mac.is_some(), "{profile}");
        let (device_name, port_names) =
            sim.with_state(|model, _| (model.device_name().to_owned(), model.port_names()));
        assert_eq!(
            info.names.device.as_deref(),
            Some(device_name.as_str()),
            "{profile}"
        );
        let expected: Vec<Option<String>> = if profile.sends_port_names() {
            port_names.into_iter().map(Some).collect()
        } else {
            vec![None; profile.port_count()]
        };
        assert_eq!(info.names.ports, expected, "{profile}");

        let again = device.initialise().await.unwrap();
        assert_eq!(again.protocol, protocol, "{profile}");
        device.close().await;
        sim.stop().await;
    }
}

/// Renaming a port and the device changes what discovery reports; invalid names and ports
/// send nothing; firmware without renaming rejects it before sending.
pub async fn renaming_ports_and_device<R: Runtime>(runtime: R) {
    let (sim, device) = connect(&runtime, Profile::Strip130).await;
    device.rename_port(2, "Desk lamp").await.unwrap();
    device.rename_device("Office").await.unwrap();
    let names = sim.with_state(|model, _| (model.device_name().to_owned(), model.port_names()));
    assert_eq!(names.0, "Office");
    assert_eq!(names.1[1], "Desk lamp");
    let read = device.names().await.unwrap();
    assert_eq!(read.device.as_deref(), Some("Office"));
    assert_eq!(read.port(2), Some("Desk lamp"));
    assert_eq!(device.info().names.port(2), Some("Desk lamp"));

    sim.clear_requests();
    let long = "x".repeat(22);
    let error = device.rename_port(1, &long).await.unwrap_err();
    assert!(matches!(error, Error::InvalidArgument(_)), "{error}");
    let error = device.rename_port(7, "Seven").await.unwrap_err();
    assert!(matches!(error, Error::InvalidArgument(_)), "{error}");
    assert!(sim.requests().is_empty(), "{:?}", sim.requests());
    device.close().await;
    sim.stop().await;

    for profile in [Profile::Strip211, Profile::Strip511] {
        let (sim, device) = connect(&runtime, profile).await;
        sim.clear_requests();
        let error = device.rename_port(1, "TV").await.unwrap_err();
        assert!(
            matches!(error, Error::Unsupported { .. }),
            "{profile}: {error}"
        );
        assert!(sim.requests().is_empty(), "{profile}: {:?}", sim.requests());
        device.close().await;
        sim.stop().await;
    }
}

/// A 1-port plug reports no port names, and its only port is port 1.
pub async fn plug_names_and_ports<R: Runtime>(runtime: R) {
    let (sim, device) = connect(&runtime, Profile::Plug130).await;
    let names = device.names().await.unwrap();
    assert_eq!(names.ports, [None]);
    assert_eq!(names.device.as_deref(), Some("PLUG"));
    device.rename_port(1, "Kettle").await.unwrap();
    assert_eq!(sim.with_state(|model, _| model.port_names()), ["Kettle"]);
    sim.clear_requests();
    let error = device
        .execute(|context| context.rename(NameTarget::Port(2), "Two"))
        .await;
    assert!(matches!(error, Err(Error::InvalidArgument(_))));
    assert!(sim.requests().is_empty());
    device.close().await;
    sim.stop().await;
}

/// Statistics come as 24, 31 or 12 samples per port; one port or the sum can be read; a
/// plug sends no date.
pub async fn statistics_of_every_kind<R: Runtime>(runtime: R) {
    let config = crate::loopback_config(Profile::Strip130).switches(&[true, true]);
    let sim = Sim::start(config).await;
    let device = sim.builder(runtime.clone()).connect().await.unwrap();
    for (kind, samples) in [
        (StatisticsKind::Hourly, 24),
        (StatisticsKind::Daily, 31),
        (StatisticsKind::Monthly, 12),
    ] {
        let statistics = device.statistics(kind).await.unwrap();
        assert_eq!(statistics.kind, kind);
        assert_eq!(statistics.port_count(), 6, "{kind:?}");
        assert_eq!(statistics.sample_count(), samples, "{kind:?}");
        assert!(statistics.date.is_some(), "{kind:?}");
        let port = device
            .port_statistics(kind, PortSelector::One(2))
            .await
            .unwrap();
        assert_eq!(port.len(), samples, "{kind:?}");
        let summed = device
            .port_statistics(kind, PortSelector::All)
            .await
            .unwrap();
        assert_eq!(summed.len(), samples, "{kind:?}");
        for (total, single) in summed.iter().zip(&port) {
            assert!(
                total >= single,
                "{kind:?}: sum {total} below port 2's {single}"
            );
        }
    }
    let hourly = sim.with_state(|model, now| model.hourly_energy(now));
    let read = device.statistics(StatisticsKind::Hourly).await.unwrap();
    assert_eq!(read.series.len(), hourly.len());
    for (port, (read, simulated)) in read.series.iter().zip(&hourly).enumerate() {
        // The newest hour may grow between the two reads; the older ones are settled.
        let settled = simulated.len() - 1;
        assert_eq!(read[..settled], simulated[..settled], "port {}", port + 1);
    }

    sim.clear_requests();
    let error = device
        .port_statistics(StatisticsKind::Daily, PortSelector::One(9))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidArgument(_)), "{error}");
    assert!(sim.requests().is_empty());
    device.close().await;
    sim.stop().await;

    let (sim, plug) = connect(&runtime, Profile::Plug130).await;
    let statistics = plug.statistics(StatisticsKind::Daily).await.unwrap();
    assert_eq!(statistics.port_count(), 1);
    assert_eq!(statistics.date, None, "the plug sends a null date");
    plug.close().await;
    sim.stop().await;
}

/// The device clock reads back what the simulator was set to.
pub async fn device_time_reads_clock<R: Runtime>(runtime: R) {
    let start = jiff::civil::date(2020, 1, 2).at(3, 4, 5, 0);
    let sim = Sim::start(crate::loopback_config(Profile::Strip130).clock(start)).await;
    let device = sim.builder(runtime).connect().await.unwrap();
    let time = device.device_time().await.unwrap();
    assert_eq!((time.year, time.month, time.day), (2020, 1, 2));
    assert_eq!((time.hour, time.minute), (3, 4));
    device.close().await;
    sim.stop().await;
}

/// Hardware identifiers come from command 124.
pub async fn hardware_ids_are_read<R: Runtime>(runtime: R) {
    let (sim, device) = connect(&runtime, Profile::Strip130).await;
    let ids = device.hardware_ids().await.unwrap();
    let cpu = ids.cpu_id.expect("cpuid");
    assert!(cpu.chars().all(|c| c.is_ascii_hexdigit()), "{cpu}");
    assert!(ids.plc_mac.is_some());
    assert!(ids.plc_dak.is_some());
    assert_eq!(ids.server.as_deref(), Some("www.maxsmart.ch"));
    device.close().await;
    sim.stop().await;
}

/// The master/slave setup is written and read back, slaves follow the master, and two
/// masters send nothing.
pub async fn master_slave_round_trip<R: Runtime>(runtime: R) {
    let (sim, device) = connect(&runtime, Profile::Strip130).await;
    let setup = MasterSlave {
        roles: vec![
            PortRole::Master,
            PortRole::Slave,
            PortRole::Slave,
            PortRole::None,
            PortRole::None,
            PortRole::None,
        ],
        threshold: PowerThreshold::Watts10,
    };
    device.set_master_slave(&setup).await.unwrap();
    assert_eq!(device.master_slave().await.unwrap(), setup);

    // With the master drawing more than 2 W, the device keeps its slaves on, so switching a
    // slave off is acknowledged but never shows: verification reports the unchanged state.
    let low = MasterSlave {
        threshold: PowerThreshold::Watts2,
        ..setup.clone()
    };
    device.set_master_slave(&low).await.unwrap();
    let master_load = sim.with_state(|model, _| model.loads()[0]);
    assert!(master_load > 2.0, "port 1 draws {master_load} W");
    let status = device.turn_on(1).await.unwrap();
    assert!(status.ports[1].on, "the slave follows the master");
    let error = device.turn_off(2).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::StateUnchanged {
                port: 2,
                on: false,
                checks: 3,
                ..
            }
        ),
        "{error}"
    );

    sim.clear_requests();
    let mut two_masters = setup.clone();
    two_masters.roles[1] = PortRole::Master;
    let error = device.set_master_slave(&two_masters).await.unwrap_err();
    assert!(matches!(error, Error::InvalidArgument(_)), "{error}");
    assert!(sim.requests().is_empty());
    device.close().await;
    sim.stop().await;
}

/// A switch-off timer is set and read back; a port beyond the plug's one sends nothing.
pub async fn timer_round_trip<R: Runtime>(runtime: R) {
    let (sim, device) = connect(&runtime, Profile::Plug130).await;
    device.turn_on(1).await.unwrap();
    let start = device.device_time().await.unwrap();
    let setting = TimerSetting {
        port: 1,
        start,
        delay_minutes: 5,
    };
    device.set_timer(&setting).await.unwrap();
    let timer = device.timer(1).await.unwrap();
    assert_eq!(timer.delay_minutes, 5);
    assert_eq!(timer.start, Some(start));

    sim.clear_requests();
    let error = device.timer(2).await.unwrap_err();
    assert!(matches!(error, Error::InvalidArgument(_)), "{error}");
    let error = device
        .set_timer(&TimerSetting { port: 2, ..setting })
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidArgument(_)), "{error}");
    assert!(sim.requests().is_empty());
    device.close().await;
    sim.stop().await;
}

/// A rule is created, listed, and deleted; a rule without days sends nothing.
pub async fn rules_round_trip<R: Runtime>(runtime: R) {
    let (sim, device) = connect(&runtime, Profile::Strip130).await;
    let rule = Rule {
        id: 0,
        enabled: true,
        actions: vec![
            PortAction::On,
            PortAction::Off,
            PortAction::Unchanged,
            PortAction::Unchanged,
            PortAction::Unchanged,
            PortAction::Unchanged,
        ],
        minute_of_day: 7 * 60 + 30,
        schedule: Schedule::Weekly(Weekdays::WORKDAYS),
    };
    device
        .change_rule(&RuleChange::Create(rule.clone()))
        .await
        .unwrap();
    let listed = device.rules().await.unwrap();
    assert_eq!(listed.rules.len(), 1);
    let stored = listed.rules[0].clone();
    assert_eq!(stored.actions, rule.actions);
    assert_eq!(stored.minute_of_day, rule.minute_of_day);
    assert_eq!(stored.schedule, rule.schedule);
    assert!(stored.enabled);

    device
        .change_rule(&RuleChange::Delete(stored))
        .await
        .unwrap();
    assert!(device.rules().await.unwrap().rules.is_empty());

    sim.clear_requests();
    let no_days = Rule {
        schedule: Schedule::Weekly(Weekdays::NONE),
        ..rule
    };
    let error = device
        .change_rule(&RuleChange::Create(no_days))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidArgument(_)), "{error}");
    assert!(sim.requests().is_empty());
    device.close().await;
    sim.stop().await;
}

/// Random mode is accepted, and the price set is echoed by statistics. Reading random mode
/// back (command 517) fails with code 400, because no source shows its reply format and
/// the simulator rejects it.
pub async fn random_mode_and_price<R: Runtime>(runtime: R) {
    let (sim, device) = connect(&runtime, Profile::Strip130).await;
    let mode = RandomMode {
        enabled: true,
        days: Weekdays::EVERY_DAY,
        start_minute: 18 * 60,
        stop_minute: 60,
        ports: vec![true, false, false, false, false, true],
    };
    device.set_random_mode(&mode).await.unwrap();
    let error = device.random_mode().await.unwrap_err();
    assert!(
        matches!(&error, Error::Device { error, .. } if error.code == 400 && error.command == 517),
        "{error}"
    );
    sim.clear_requests();
    let short = RandomMode {
        ports: vec![true],
        ..mode
    };
    let error = device.set_random_mode(&short).await.unwrap_err();
    assert!(matches!(error, Error::InvalidArgument(_)), "{error}");
    assert!(sim.requests().is_empty());

    let price = Price::new("0.27", Currency::SwissFranc).unwrap();
    device.set_price(&price).await.unwrap();
    let statistics = device.statistics(StatisticsKind::Monthly).await.unwrap();
    assert_eq!(statistics.price(), Some(price));
    device.close().await;
    sim.stop().await;
}

/// A factory reset restores the default names.
pub async fn factory_reset_restores_names<R: Runtime>(runtime: R) {
    let (sim, device) = connect(&runtime, Profile::Strip130).await;
    device.rename_port(1, "Fridge").await.unwrap();
    device.factory_reset().await.unwrap();
    let names = device.names().await.unwrap();
    assert_eq!(names.port(1), Some("PORT1"));
    device.close().await;
    sim.stop().await;
}

/// The health check reports the status and a response time at least the device's latency;
/// a silent device is unhealthy with a timeout.
pub async fn health_check<R: Runtime>(runtime: R) {
    let (sim, device) = connect(&runtime, Profile::Strip349).await;
    sim.set_faults(Faults::none().latency(Duration::from_millis(60)));
    let health = device.health().await.unwrap();
    assert!(
        health.response_time >= Duration::from_millis(60),
        "{health:?}"
    );
    assert_eq!(health.status.port_count(), 6);
    sim.set_faults(Faults::none().latency(Duration::from_secs(2)));
    let error = device.health().await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error}");
    device.close().await;
    sim.stop().await;
}

/// Commands a firmware lacks are rejected before sending (V3, renaming on 2.11), or sent and
/// rejected by the device with code 400 where no source settles it (statistics on 2.11).
pub async fn firmware_limits<R: Runtime>(runtime: R) {
    let (sim, device) = connect(&runtime, Profile::Strip511).await;
    sim.clear_requests();
    let checks = [
        device.statistics(StatisticsKind::Hourly).await.err(),
        device.device_time().await.err(),
        device.hardware_ids().await.err(),
        device.rules().await.err(),
        device.master_slave().await.err(),
        device.timer(1).await.err(),
        device.factory_reset().await.err(),
    ];
    for error in checks {
        let error = error.expect("V3 offers only status and switching");
        assert!(matches!(error, Error::Unsupported { .. }), "{error}");
    }
    assert!(sim.requests().is_empty(), "{:?}", sim.requests());
    device.close().await;
    sim.stop().await;

    let (sim, device) = connect(&runtime, Profile::Strip211).await;
    sim.clear_requests();
    let error = device.statistics(StatisticsKind::Daily).await.unwrap_err();
    assert!(
        matches!(&error, Error::Device { error, .. } if error.code == 400),
        "{error}"
    );
    let requests = sim.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].result, RequestResult::Error);
    device.close().await;
    sim.stop().await;
}
