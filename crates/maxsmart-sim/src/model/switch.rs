//! The switch command, shared by both transports: HTTP command 200 and V3 command 20, and the
//! `switch-lag` and `switch-ignored` faults that act on it.

use super::DeviceModel;
use super::args::{self, ArgError};
use super::ports::{self, Reading};
use super::request::Args;
use crate::fault::Faults;

/// Switch states that status reads report in place of the real ones while a `switch-lag`
/// fault delays a switch.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct SwitchLag {
    /// States from before the first delayed switch command, port 1 first.
    old_states: Vec<bool>,
    /// Number of status reads that still report `old_states`.
    reads_left: u32,
}

/// Runs a switch command: `port` 0 switches every port and 1 to N one port, `state` 0 is off
/// and 1 on. The command has no reply `data`.
///
/// A 1-port plug rejects port 0, which becomes a `code` 400 reply (inferred: whether plugs
/// accept port 0 is unknown, and the strict choice exposes clients that rely on it). With the
/// `switch-ignored` fault a valid command changes nothing. With `switch-lag=N` the next N
/// status reads report the states from before the command. A second switch during the lag
/// keeps those older states and restarts the count at N.
pub(super) fn switch(
    model: &mut DeviceModel,
    args: &Args,
    faults: &Faults,
) -> Result<Option<String>, ArgError> {
    let ports = model.ports.len() as u64;
    let lowest = if ports == 1 { 1 } else { 0 };
    let port = args::integer(args, "port", lowest..=ports)?;
    let on = args::integer(args, "state", 0..=1)? == 1;
    if faults.switch_ignored {
        return Ok(None);
    }
    let before = model.switch_states();
    if port == 0 {
        model.switch_all(on);
    } else {
        model.switch(usize::try_from(port).unwrap_or(0), on);
    }
    if faults.switch_lag_reads > 0 {
        let old_states = match model.switch_lag.take() {
            Some(lag) => lag.old_states,
            None => before,
        };
        model.switch_lag = Some(SwitchLag {
            old_states,
            reads_left: faults.switch_lag_reads,
        });
    }
    Ok(None)
}

/// Returns the switch states one status read reports, port 1 first, and counts the read
/// against a pending `switch-lag`.
///
/// NOTE: while a lag is pending, the reported states hide every change since the delayed
/// command, including button presses, timers and rules.
pub(super) fn reported_states(model: &mut DeviceModel) -> Vec<bool> {
    let Some(lag) = model.switch_lag.as_mut() else {
        return model.switch_states();
    };
    let old_states = lag.old_states.clone();
    lag.reads_left = lag.reads_left.saturating_sub(1);
    if lag.reads_left == 0 {
        model.switch_lag = None;
    }
    old_states
}

/// Takes one noisy power reading per port, with each port on or off as `states` gives it.
pub(super) fn read_ports(model: &mut DeviceModel, states: &[bool]) -> Vec<Reading> {
    model
        .ports
        .iter()
        .zip(states)
        .map(|(port, on)| ports::read(port, *on, &mut model.noise))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::test_support::{at, command, datagram, model};
    use super::*;
    use crate::profile::Profile;

    const SWITCH_PORT_2_ON: &str = "/?cmd=200&json=%7B%22port%22%3A2%2C%22state%22%3A1%7D";

    fn args(value: Value) -> Args {
        match value {
            Value::Object(map) => map,
            _ => Args::new(),
        }
    }

    #[test]
    fn plug_rejects_port_zero() {
        let mut plug = model(Profile::Plug130);
        let result = switch(
            &mut plug,
            &args(json!({"port": 0, "state": 1})),
            &Faults::none(),
        );
        assert_eq!(result, Err(args::invalid("port", &json!(0))));
        assert_eq!(plug.switch_states(), [false]);
        let result = switch(
            &mut plug,
            &args(json!({"port": 1, "state": 1})),
            &Faults::none(),
        );
        assert_eq!(result, Ok(None));
        assert_eq!(plug.switch_states(), [true]);
    }

    #[test]
    fn strip_port_zero_switches_every_port() {
        let mut strip = model(Profile::Strip511);
        let result = switch(
            &mut strip,
            &args(json!({"port": 0, "state": 1})),
            &Faults::none(),
        );
        assert_eq!(result, Ok(None));
        assert_eq!(strip.switch_states(), [true; 6]);
    }

    #[test]
    fn http_plug_gets_code_400_for_port_zero() {
        let mut plug = model(Profile::Plug130);
        let reply = command(&mut plug, at(0), 200, json!({"port": 0, "state": 1}));
        assert_eq!(reply, json!({"response": 200, "code": 400}));
        assert_eq!(plug.switch_states(), [false]);
    }

    #[test]
    fn v3_applies_the_same_ranges() {
        let mut strip = model(Profile::Strip511);
        let all_on = r#"V3{"cmd":20,"port":0,"state":1}"#;
        let reply = datagram(&mut strip, at(1), all_on);
        assert_eq!(reply.as_deref(), Some(r#"V3{"response":20,"code":200}"#));
        assert_eq!(strip.switch_states(), [true; 6]);

        let port_seven = r#"V3{"cmd":20,"port":7,"state":0}"#;
        let reply = datagram(&mut strip, at(2), port_seven);
        assert_eq!(reply.as_deref(), Some(r#"V3{"response":20,"code":400}"#));
        let bad_state = r#"V3{"cmd":20,"port":1,"state":2}"#;
        let reply = datagram(&mut strip, at(3), bad_state);
        assert_eq!(reply.as_deref(), Some(r#"V3{"response":20,"code":400}"#));
        assert_eq!(strip.switch_states(), [true; 6]);
    }

    #[test]
    fn http_and_v3_give_the_same_states() {
        let requests = [(2, 1), (0, 1), (4, 0), (0, 0), (6, 1)];
        let mut over_http = model(Profile::Strip211);
        let mut over_v3 = model(Profile::Strip211);
        for (index, (port, state)) in requests.into_iter().enumerate() {
            let now = at(i64::try_from(index).unwrap());
            let body = json!({"port": port, "state": state});
            assert_eq!(command(&mut over_http, now, 200, body)["code"], 200);
            let datagram_text = format!(r#"V3{{"cmd":20,"port":{port},"state":{state}}}"#);
            assert!(datagram(&mut over_v3, now, &datagram_text).is_some());
            assert_eq!(
                over_http.switch_states(),
                over_v3.switch_states(),
                "port {port}, state {state}"
            );
        }
        assert_eq!(
            over_http.switch_states(),
            [false, false, false, false, false, true]
        );
    }

    /// Sends `target` over HTTP with `faults` and returns the parsed reply.
    fn http_with(model: &mut DeviceModel, seconds: i64, target: &str, faults: &Faults) -> Value {
        let reply = model
            .handle_http(at(seconds), target, faults)
            .reply
            .expect("reply expected");
        serde_json::from_str(&reply).unwrap_or_else(|error| panic!("{reply}: {error}"))
    }

    #[test]
    fn lag_reports_old_states_for_two_reads() {
        let mut strip = model(Profile::Strip130);
        strip.set_load(at(0), 2, 40.0).unwrap();
        let faults = Faults::none().switch_lag(2);
        let ack = http_with(&mut strip, 1, SWITCH_PORT_2_ON, &faults);
        assert_eq!(ack, json!({"response": 200, "code": 200}));
        assert!(strip.switch_states()[1], "the port switches at once");

        for (seconds, target) in [(2, "/?cmd=511"), (3, "/?cmd=513")] {
            let reply = http_with(&mut strip, seconds, target, &faults);
            assert_eq!(
                reply["data"]["switch"],
                json!([0, 0, 0, 0, 0, 0]),
                "{target}"
            );
        }
        let reply = http_with(&mut strip, 4, "/?cmd=511", &faults);
        assert_eq!(reply["data"]["switch"], json!([0, 1, 0, 0, 0, 0]));
        let watts: f64 = reply["data"]["watt"][1].as_str().unwrap().parse().unwrap();
        assert!(watts > 30.0, "{reply}");
    }

    #[test]
    fn lagged_status_reads_zero_watts() {
        let mut strip = model(Profile::Strip130);
        strip.set_load(at(0), 2, 40.0).unwrap();
        let faults = Faults::none().switch_lag(1);
        http_with(&mut strip, 1, SWITCH_PORT_2_ON, &faults);
        let reply = http_with(&mut strip, 2, "/?cmd=511", &faults);
        assert_eq!(reply["data"]["switch"][1], 0);
        assert_eq!(reply["data"]["watt"][1], "0.00");
        assert_eq!(reply["data"]["amp"][1], "0.0");
    }

    #[test]
    fn v3_switch_lags_status_reads() {
        let mut strip = model(Profile::Strip511);
        let faults = Faults::none().switch_lag(2);
        let on = br#"V3{"cmd":20,"port":3,"state":1}"#;
        let ack = strip.handle_datagram(at(1), on, &faults).reply;
        assert_eq!(ack.as_deref(), Some(r#"V3{"response":20,"code":200}"#));

        let mut reported = Vec::new();
        for seconds in 2..=4 {
            let reply = strip
                .handle_datagram(at(seconds), br#"V3{"cmd":90}"#, &faults)
                .reply
                .expect("status reply");
            let json: Value = serde_json::from_str(reply.strip_prefix("V3").unwrap()).unwrap();
            reported.push(json["data"]["switch"][2].clone());
        }
        assert_eq!(reported, [json!(0), json!(0), json!(1)]);
    }

    #[test]
    fn second_switch_during_lag_keeps_oldest_states() {
        let mut strip = model(Profile::Strip130);
        let faults = Faults::none().switch_lag(2);
        http_with(&mut strip, 1, SWITCH_PORT_2_ON, &faults);
        http_with(&mut strip, 2, "/?cmd=513", &faults);
        let all_on = "/?cmd=200&json=%7B%22port%22%3A0%2C%22state%22%3A1%7D";
        http_with(&mut strip, 3, all_on, &faults);

        let first = http_with(&mut strip, 4, "/?cmd=513", &faults);
        let second = http_with(&mut strip, 5, "/?cmd=513", &faults);
        let third = http_with(&mut strip, 6, "/?cmd=513", &faults);
        assert_eq!(first["data"]["switch"], json!([0, 0, 0, 0, 0, 0]));
        assert_eq!(second["data"]["switch"], json!([0, 0, 0, 0, 0, 0]));
        assert_eq!(third["data"]["switch"], json!([1, 1, 1, 1, 1, 1]));
    }

    #[test]
    fn rejected_switch_starts_no_lag() {
        let mut strip = model(Profile::Strip130);
        strip.set_switch(at(0), 1, true).unwrap();
        let faults = Faults::none().switch_lag(3);
        let port_seven = "/?cmd=200&json=%7B%22port%22%3A7%2C%22state%22%3A0%7D";
        let reply = http_with(&mut strip, 1, port_seven, &faults);
        assert_eq!(reply["code"], 400);
        let status = http_with(&mut strip, 2, "/?cmd=513", &faults);
        assert_eq!(status["data"]["switch"], json!([1, 0, 0, 0, 0, 0]));
    }

    #[test]
    fn ignored_switch_is_acknowledged_only() {
        let mut strip = model(Profile::Strip130);
        let faults = Faults::none().switch_ignored();
        let ack = http_with(&mut strip, 1, SWITCH_PORT_2_ON, &faults);
        assert_eq!(ack, json!({"response": 200, "code": 200}));
        assert_eq!(strip.switch_states(), [false; 6]);
        let status = http_with(&mut strip, 2, "/?cmd=511", &faults);
        assert_eq!(status["data"]["switch"], json!([0, 0, 0, 0, 0, 0]));

        let mut v3_strip = model(Profile::Strip511);
        let all_on = br#"V3{"cmd":20,"port":0,"state":1}"#;
        let v3_ack = v3_strip.handle_datagram(at(3), all_on, &faults).reply;
        assert_eq!(v3_ack.as_deref(), Some(r#"V3{"response":20,"code":200}"#));
        assert_eq!(v3_strip.switch_states(), [false; 6]);
    }
}
