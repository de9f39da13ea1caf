//! The switch command, shared by both transports: HTTP command 200 and V3 command 20.

use super::DeviceModel;
use super::args::{self, ArgError};
use super::request::Args;

/// Runs a switch command: `port` 0 switches every port and 1 to N one port, `state` 0 is off
/// and 1 on. The command has no reply `data`.
///
/// A 1-port plug rejects port 0, which becomes a `code` 400 reply (inferred: whether plugs
/// accept port 0 is unknown, and the strict choice exposes clients that rely on it).
pub(super) fn switch(model: &mut DeviceModel, args: &Args) -> Result<Option<String>, ArgError> {
    let ports = model.ports.len() as u64;
    let lowest = if ports == 1 { 1 } else { 0 };
    let port = args::integer(args, "port", lowest..=ports)?;
    let on = args::integer(args, "state", 0..=1)? == 1;
    if port == 0 {
        model.switch_all(on);
    } else {
        model.switch(usize::try_from(port).unwrap_or(0), on);
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::test_support::{at, command, datagram, model};
    use super::*;
    use crate::profile::Profile;

    fn args(value: Value) -> Args {
        match value {
            Value::Object(map) => map,
            _ => Args::new(),
        }
    }

    #[test]
    fn plug_rejects_port_zero() {
        let mut plug = model(Profile::Plug130);
        let result = switch(&mut plug, &args(json!({"port": 0, "state": 1})));
        assert_eq!(result, Err(args::invalid("port", &json!(0))));
        assert_eq!(plug.switch_states(), [false]);
        let result = switch(&mut plug, &args(json!({"port": 1, "state": 1})));
        assert_eq!(result, Ok(None));
        assert_eq!(plug.switch_states(), [true]);
    }

    #[test]
    fn strip_port_zero_switches_every_port() {
        let mut strip = model(Profile::Strip511);
        let result = switch(&mut strip, &args(json!({"port": 0, "state": 1})));
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
}
