//! Unit tests of the device model, driven in memory with a virtual clock.

use jiff::SignedDuration;
use jiff::civil::date;
use serde_json::Value;

use super::*;
use crate::fault::Faults;

use super::test_support::{at, datagram, fixture, http, model};

fn strip() -> DeviceModel {
    DeviceModel::new(Profile::Strip130, "SWP6000000000001", 1, at(0))
}

fn switch_target(port: u64, state: u64) -> String {
    format!("/?cmd=200&json=%7B%22port%22%3A{port}%2C%22state%22%3A{state}%7D")
}

fn watts_130(reply: &Value) -> Vec<f64> {
    reply["data"]["watt"]
        .as_array()
        .expect("watt array")
        .iter()
        .map(|value| {
            value
                .as_str()
                .expect("string watt")
                .parse()
                .expect("decimal")
        })
        .collect()
}

#[test]
fn fresh_strip_is_off_and_reads_zero() {
    let mut strip = strip();
    let reply = http(&mut strip, at(1), "/?cmd=511");
    assert_eq!(reply["response"], 511);
    assert_eq!(reply["code"], 200);
    assert_eq!(
        reply["data"]["switch"],
        serde_json::json!([0, 0, 0, 0, 0, 0])
    );
    assert_eq!(reply["data"]["watt"][0], "0.00");
    assert_eq!(reply["data"]["amp"][0], "0.0");
}

#[test]
fn switching_on_draws_power() {
    let mut strip = strip();
    let ack = http(&mut strip, at(1), &switch_target(2, 1));
    assert_eq!(ack, serde_json::json!({"response": 200, "code": 200}));

    let reply = http(&mut strip, at(2), "/?cmd=511");
    let watts = watts_130(&reply);
    assert!(watts[1] > 0.0, "{watts:?}");
    assert_eq!(watts[0], 0.0);
    assert_eq!(reply["data"]["switch"][1], 1);
}

#[test]
fn switching_off_reads_exactly_zero() {
    let mut strip = strip();
    http(&mut strip, at(1), &switch_target(0, 1));
    http(&mut strip, at(2), &switch_target(3, 0));
    let reply = http(&mut strip, at(3), "/?cmd=511");
    let watts = watts_130(&reply);
    assert_eq!(watts[2], 0.0);
    assert_eq!(reply["data"]["watt"][2], "0.00");
    assert!(
        watts
            .iter()
            .enumerate()
            .all(|(index, watts)| index == 2 || *watts > 0.0)
    );
    assert_eq!(strip.switch_states(), [true, true, false, true, true, true]);
}

#[test]
fn port_seven_is_rejected_on_six_port_strip() {
    let mut strip = strip();
    let reply = http(&mut strip, at(1), &switch_target(7, 1));
    assert_eq!(reply["response"], 200);
    assert_eq!(reply["code"], 400);
    assert_eq!(strip.switch_states(), [false; 6]);
}

#[test]
fn invalid_state_is_rejected() {
    let mut strip = strip();
    let reply = http(&mut strip, at(1), &switch_target(1, 2));
    assert_eq!(reply["code"], 400);
}

#[test]
fn altery_fixture_request_switches_port_one() {
    let mut strip = strip();
    strip.set_switch(at(0), 1, true).unwrap();
    let target = fixture("requests/http-200-altery-style.txt");
    let reply = http(&mut strip, at(1), &target);
    assert_eq!(reply["code"], 200);
    assert!(!strip.switch_states()[0]);
}

#[test]
fn wrong_serial_is_rejected() {
    let mut strip = strip();
    let target =
        "/?cmd=200&json=%7B%22sn%22%3A%22SWP6000000000009%22%2C%22port%22%3A1%2C%22state%22%3A1%7D";
    let reply = http(&mut strip, at(1), target);
    assert_eq!(reply["code"], 400);
    assert!(!strip.switch_states()[0]);
}

#[test]
fn malformed_target_gets_400_or_silence() {
    let mut strip = strip();
    let outcome = strip.handle_http(at(1), "/?cmd=200&json=%7B%22port", &Faults::none());
    assert_eq!(outcome.result, RequestResult::Malformed);
    let reply: Value = serde_json::from_str(outcome.reply.as_deref().unwrap()).unwrap();
    assert_eq!(reply["code"], 400);
    assert_eq!(reply["response"], 200);

    let silent = Faults::none().silent_on_malformed();
    let outcome = strip.handle_http(at(2), "/?cmd=200&json=%7B%22port", &silent);
    assert_eq!(outcome.reply, None);
}

#[test]
fn default_discovery_matches_fixture() {
    let mut strip = strip();
    let reply = datagram(&mut strip, at(1), "00dv=all;").unwrap();
    assert_eq!(reply, fixture("v1.30/v1.30-strip-discovery.json"));
}

#[test]
fn bare_discovery_keeps_clock() {
    let mut strip = strip();
    let before = strip.clock(at(10));
    datagram(&mut strip, at(10), "00dv=all;").unwrap();
    assert_eq!(strip.clock(at(10)), before);
    assert_eq!(before, date(2018, 10, 11).at(21, 0, 10, 0));
}

#[test]
fn dated_discovery_sets_clock_and_it_advances() {
    let mut strip = strip();
    datagram(&mut strip, at(10), "00dv=all,2024-02-29,23:59:30,13;").unwrap();
    let reply = http(&mut strip, at(10), "/?cmd=502");
    assert_eq!(reply["data"]["time"], "2024-02-29,23:59:30");

    let reply = http(&mut strip, at(75), "/?cmd=502");
    assert_eq!(reply["data"]["time"], "2024-03-01,00:00:35");
}

#[test]
fn vendor_sw_discovery_sets_clock() {
    let mut strip = strip();
    let reply = datagram(&mut strip, at(1), "00sw=all,2016-05-27,16:51:00,20;");
    assert!(reply.is_some());
    assert_eq!(strip.clock(at(1)), date(2016, 5, 27).at(16, 51, 0, 0));
}

#[test]
fn garbage_datagram_gets_no_reply() {
    let mut strip = strip();
    let outcome = strip.handle_datagram(at(1), b"hello", &Faults::none());
    assert_eq!(outcome.reply, None);
    assert_eq!(outcome.result, RequestResult::Malformed);
    assert_eq!(outcome.kind, RequestKind::Unknown);
}

#[test]
fn energy_accumulates_while_on() {
    let mut strip = strip();
    strip.set_load(at(0), 1, 100.0).unwrap();
    strip.set_switch(at(0), 1, true).unwrap();
    let hours = strip.hourly_energy(at(3600 + 1800));
    // 21:00 to 22:00 is the previous bucket, 22:00 to 22:30 the current one.
    assert!((hours[0][22] - 100.0).abs() < 0.01, "{:?}", hours[0]);
    assert!((hours[0][23] - 50.0).abs() < 0.01, "{:?}", hours[0]);
    assert_eq!(hours[1][23], 0.0);
}

#[test]
fn set_switch_checks_port_range() {
    let mut strip = strip();
    assert_eq!(
        strip.set_switch(at(0), 7, true),
        Err(StateError::PortOutOfRange { port: 7, ports: 6 })
    );
    assert!(strip.set_switch(at(0), 0, true).is_err());
    let plug = &mut model(Profile::Plug130);
    assert!(plug.set_switch(at(0), 2, true).is_err());
}

#[test]
fn names_set_directly_show_in_discovery() {
    let mut strip = strip();
    strip.set_device_name("Salon\u{1b}[2J");
    strip.set_port_name(2, "\u{1b}[31mLamp").unwrap();
    assert_eq!(
        strip.set_port_name(7, "x"),
        Err(StateError::PortOutOfRange { port: 7, ports: 6 })
    );
    assert_eq!(strip.device_name(), "Salon\u{1b}[2J");
    assert_eq!(strip.port_names()[1], "\u{1b}[31mLamp");
    let reply: Value = serde_json::from_str(&datagram(&mut strip, at(1), "00dv=all;").unwrap())
        .expect("discovery reply is JSON");
    assert_eq!(reply["data"]["name"], "Salon\u{1b}[2J");
    assert_eq!(reply["data"]["pname"][1], "\u{1b}[31mLamp");
}

#[test]
fn time_going_backwards_changes_nothing() {
    let mut strip = strip();
    strip.set_switch(at(100), 1, true).unwrap();
    let later = strip.hourly_energy(at(200));
    let earlier = strip.hourly_energy(at(50));
    assert_eq!(later, earlier);
    assert!(at(0).checked_add(SignedDuration::from_secs(1)).is_ok());
}
