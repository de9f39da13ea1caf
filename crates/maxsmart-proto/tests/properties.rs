//! Property tests: builders round-trip through the request decoders, names survive
//! encoding, and no parser or machine panics on arbitrary input.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use maxsmart_proto::clock::parse_device_time;
use maxsmart_proto::command::Request;
use maxsmart_proto::config::master::parse_master_slave;
use maxsmart_proto::config::random::parse_random_mode;
use maxsmart_proto::config::rules::parse_rules;
use maxsmart_proto::config::timer::parse_timer;
use maxsmart_proto::config::{
    Currency, MasterSlave, PortAction, PortRole, PowerThreshold, Price, RandomMode, Rule,
    RuleChange, Schedule, TimerSetting, Weekdays,
};
use maxsmart_proto::datetime::DateTime;
use maxsmart_proto::ids::parse_hardware_ids;
use maxsmart_proto::machine::{
    DeviceContext, DiscoveryCollector, DiscoveryOptions, Initialise, InitialiseOptions, Input,
    Operation, PollConfig, Poller, Protocol,
};
use maxsmart_proto::names::NameTarget;
use maxsmart_proto::port::PortSelector;
use maxsmart_proto::stats::{Period, StatisticsKind, parse_statistics};
use maxsmart_proto::status::{parse_status, parse_switch_states};
use maxsmart_proto::{Instant, discovery, http, v3};
use proptest::prelude::*;
use serde_json::Value;

const FIXTURES: &[&[u8]] = &[
    include_bytes!("fixtures/v1.30/v1.30-strip-511.json"),
    include_bytes!("fixtures/v1.30/v1.30-strip-510-hourly.json"),
    include_bytes!("fixtures/v1.30/516.json"),
    include_bytes!("fixtures/v1.30/512.json"),
    include_bytes!("fixtures/v1.30/v1.30-strip-discovery-renamed.json"),
    include_bytes!("fixtures/v2.11/v2.11-strip-511.json"),
    include_bytes!("fixtures/v5.11/v5.11-strip-v3-90.txt"),
    include_bytes!("fixtures/other/124.json"),
];

/// Keys the parsers look for, so generated objects reach past the first missing field.
const KEYS: &[&str] = &[
    "response", "code", "data", "sn", "cmd", "watt", "amp", "switch", "date", "type", "cost",
    "money", "rule", "id", "en", "port", "time", "day", "week", "master", "limit", "start",
    "delay", "cpuid", "plcmac", "pclmac", "server", "total", "page", "name", "pname", "ver",
    "mode", "state",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (0u64..4).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[0-9.,: -]{0,20}".prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 96, 8, |inner| {
        let key = prop_oneof![prop::sample::select(KEYS).prop_map(String::from), ".{0,6}",];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..10).prop_map(Value::Array),
            prop::collection::btree_map(key, inner, 0..10)
                .prop_map(|map: BTreeMap<String, Value>| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn date_time() -> impl Strategy<Value = DateTime> {
    (
        1970u16..=9999,
        1u8..=12,
        1u8..=31,
        0u8..24,
        0u8..60,
        0u8..60,
    )
        .prop_filter_map(
            "the day lies beyond the end of the month",
            |(year, month, day, hour, minute, second)| {
                DateTime::new(year, month, day, hour, minute, second).ok()
            },
        )
}

fn weekdays() -> impl Strategy<Value = Weekdays> {
    any::<[bool; 7]>().prop_map(Weekdays::from_wire)
}

fn rule() -> impl Strategy<Value = Rule> {
    let action = prop::sample::select(vec![PortAction::Off, PortAction::On, PortAction::Unchanged]);
    let schedule = prop_oneof![
        weekdays().prop_map(Schedule::Weekly),
        (1u64..).prop_map(|unix_seconds| Schedule::Once { unix_seconds }),
    ];
    (
        any::<u64>(),
        any::<bool>(),
        prop::collection::vec(action, 0..8),
        any::<u16>(),
        schedule,
    )
        .prop_map(|(id, enabled, actions, minute_of_day, schedule)| Rule {
            id,
            enabled,
            actions,
            minute_of_day,
            schedule,
        })
}

fn http_request() -> impl Strategy<Value = Request> {
    let role = prop::sample::select(vec![PortRole::Slave, PortRole::Master, PortRole::None]);
    let threshold = (0u64..4).prop_map(|code| PowerThreshold::from_wire(code).unwrap());
    let kind = (0u64..3).prop_map(|code| StatisticsKind::from_wire(code).unwrap());
    let cost = "[0-9]{1,5}(\\.[0-9]{1,4})?";
    prop_oneof![
        Just(Request::Status),
        (any::<u8>(), any::<bool>()).prop_map(|(port, on)| Request::Switch {
            port: PortSelector::from_wire(port),
            on
        }),
        Just(Request::FactoryReset),
        Just(Request::HardwareIds),
        (any::<u8>(), any::<String>()).prop_map(|(port, name)| Request::Rename {
            target: NameTarget::from_wire(port),
            name
        }),
        (prop::collection::vec(role, 0..8), threshold).prop_map(|(roles, threshold)| {
            Request::SetMasterSlave(MasterSlave { roles, threshold })
        }),
        Just(Request::MasterSlave),
        (any::<u8>(), date_time(), any::<u16>()).prop_map(|(port, start, delay_minutes)| {
            Request::SetTimer(TimerSetting {
                port,
                start,
                delay_minutes,
            })
        }),
        any::<u8>().prop_map(|port| Request::Timer { port }),
        (cost, any::<u64>()).prop_map(|(cost, code)| Request::SetPrice(
            Price::new(&cost, Currency::from_wire(code)).unwrap()
        )),
        (0u8..3, rule()).prop_map(|(mode, rule)| Request::ChangeRule(match mode {
            0 => RuleChange::Create(rule),
            1 => RuleChange::Edit(rule),
            _ => RuleChange::Delete(rule),
        })),
        any::<u8>().prop_map(|page| Request::Rules { page }),
        (
            any::<bool>(),
            weekdays(),
            any::<u16>(),
            any::<u16>(),
            prop::collection::vec(any::<bool>(), 0..8)
        )
            .prop_map(|(enabled, days, start_minute, stop_minute, ports)| {
                Request::SetRandomMode(RandomMode {
                    enabled,
                    days,
                    start_minute,
                    stop_minute,
                    ports,
                })
            }),
        Just(Request::RandomMode),
        Just(Request::DeviceTime),
        kind.prop_map(|kind| Request::Statistics { kind }),
        Just(Request::SwitchStates),
    ]
}

fn address(last: u8, port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, last], port))
}

fn at(millis: u64) -> Instant {
    Instant::from_elapsed(Duration::from_millis(millis))
}

proptest! {
    #[test]
    fn http_builders_decode_to_the_same_request(request in http_request()) {
        let target = request.http().target();
        let decoded = http::parse_target(&target).unwrap();
        prop_assert_eq!(&decoded, &request.http());
        prop_assert_eq!(Request::from_http(&decoded).unwrap(), request);
    }

    #[test]
    fn v3_builders_decode_to_the_same_request(
        serial in proptest::option::of(any::<String>()),
        port in any::<u8>(),
        on in any::<bool>(),
        status in any::<bool>(),
    ) {
        let request = if status {
            Request::Status
        } else {
            Request::Switch { port: PortSelector::from_wire(port), on }
        };
        let datagram = request.v3(serial.as_deref()).unwrap();
        let decoded = v3::parse_request(&datagram).unwrap();
        prop_assert_eq!(&decoded.serial, &serial);
        prop_assert_eq!(Some(decoded.command), request.v3_command());
        prop_assert_eq!(decoded.trailer.as_str(), "");
        prop_assert_eq!(Request::from_v3(&decoded).unwrap(), request);
    }

    #[test]
    fn any_port_name_survives_encoding(port in 0u8..=6, name in any::<String>()) {
        let request = Request::Rename { target: NameTarget::from_wire(port), name: name.clone() };
        let target = request.http().target();
        let query = target.strip_prefix("/?cmd=201&json=").unwrap();
        let unreserved = |byte: u8| byte.is_ascii_alphanumeric() || b"-._~%".contains(&byte);
        prop_assert!(query.bytes().all(unreserved), "raw byte in {}", query);
        let Request::Rename { name: decoded, .. } =
            Request::from_http(&http::parse_target(&target).unwrap()).unwrap()
        else {
            panic!("a rename decodes as a rename");
        };
        prop_assert_eq!(decoded, name);
    }

    #[test]
    fn byte_parsers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = http::parse_envelope(&bytes);
        let _ = http::parse_reply(&bytes, 511);
        let _ = http::parse_target(&String::from_utf8_lossy(&bytes));
        let _ = v3::parse_reply(&bytes);
        let _ = v3::parse_request(&bytes);
        let _ = v3::peek_response(&bytes);
        let _ = discovery::parse_reply(&bytes);
        let _ = discovery::parse_request(&bytes);
    }

    #[test]
    fn discovery_requests_parse_back(
        sw in any::<bool>(),
        local in proptest::option::of(date_time()),
        offset in proptest::option::of(-12i8..=14),
    ) {
        let selector = if sw { discovery::Selector::Sw } else { discovery::Selector::Dv };
        let clock = local.map(|local| discovery::ClockSetting::new(local, offset).unwrap());
        let request = discovery::DiscoveryRequest { selector, clock };
        prop_assert_eq!(discovery::parse_request(&request.encode()).unwrap(), request);
    }

    #[test]
    fn damaged_fixtures_never_panic(
        index in 0..FIXTURES.len(),
        cut in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
    ) {
        let mut bytes = FIXTURES[index].to_vec();
        for (position, byte) in flips {
            let position = position.index(bytes.len());
            bytes[position] = byte;
        }
        bytes.truncate(cut.index(bytes.len() + 1));
        let _ = discovery::parse_reply(&bytes);
        let _ = v3::parse_reply(&bytes);
        if let Ok(envelope) = http::parse_envelope(&bytes) {
            let data = envelope.data.as_ref();
            let _ = parse_status(data, None);
            let _ = parse_statistics(data, StatisticsKind::Hourly);
            let _ = parse_rules(data);
            let _ = parse_master_slave(data);
            let _ = parse_hardware_ids(data);
        }
    }

    #[test]
    fn data_parsers_never_panic(value in json_value(), command in any::<u16>()) {
        let data = Some(&value);
        let _ = parse_status(data, None);
        let _ = parse_switch_states(data);
        let _ = parse_statistics(data, StatisticsKind::Daily);
        let _ = parse_rules(data);
        let _ = parse_master_slave(data);
        let _ = parse_timer(data);
        let _ = parse_random_mode(data);
        let _ = parse_device_time(data);
        let _ = parse_hardware_ids(data);
        let arguments = Some(value.to_string());
        let _ = Request::from_http(&http::HttpRequest { command, arguments });
    }

    #[test]
    fn machines_survive_arbitrary_datagrams(
        payloads in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..120), 1..8),
    ) {
        let mut context = DeviceContext::new([127, 0, 0, 40].into());
        context.protocol = Protocol::UdpV3;
        let mut poller = Poller::new(&context, PollConfig::default(), at(0));
        let options = InitialiseOptions { discover: true, ..InitialiseOptions::default() };
        let mut initialise = Initialise::new(&context, None, options);
        let targets = vec![address(255, 8888)];
        let mut collector = DiscoveryCollector::new(targets, DiscoveryOptions::default());
        let _ = poller.poll_transmit(at(0));
        let _ = initialise.poll_transmit(at(0));
        let _ = collector.poll_transmit(at(0));
        for payload in &payloads {
            let input = Input::Datagram { from: address(40, 8888), payload };
            poller.handle_input(at(1), input);
            initialise.handle_input(at(1), input);
            collector.handle_input(at(1), input);
        }
        prop_assert!(poller.poll_timeout().is_some());
        let _ = initialise.poll_output();
        let _ = collector.poll_output();
    }

    #[test]
    fn period_offsets_undo_each_other(
        kind in (0u64..3).prop_map(|code| StatisticsKind::from_wire(code).unwrap()),
        start in date_time(),
        steps in -100_000i64..100_000,
    ) {
        let text = match kind {
            StatisticsKind::Hourly => format!("{}-{:02}", start.date_text(), start.hour),
            StatisticsKind::Daily => start.date_text(),
            StatisticsKind::Monthly => format!("{:04}-{:02}", start.year, start.month),
        };
        if let Some(period) = Period::parse(kind, &text) {
            prop_assert_eq!(period.to_string(), text);
            if let Some(moved) = period.offset(steps) {
                prop_assert_eq!(moved.offset(-steps), Some(period));
            }
        }
    }

    #[test]
    fn unix_seconds_round_trip(seconds in 0u64..253_402_300_800) {
        let moment = DateTime::from_unix_seconds(seconds).unwrap();
        prop_assert_eq!(moment.to_unix_seconds(), seconds);
    }
}
