//! HTTP commands: decoding, dispatch, and the name, status, clock and statistics commands.

use jiff::Timestamp;
use serde_json::Value;

use super::args::{self, ArgError};
use super::json::{ObjectWriter, envelope};
use super::ports;
use super::request::{self, Args};
use super::stats::Granularity;
use super::{DeviceModel, Outcome, config, switch};
use crate::fault::Faults;
use crate::log::{RequestKind, RequestResult};

/// Maximum length of a port or device name in command 201, in characters.
///
/// The altery docs give 32 characters and python lib 2.1.0 enforces 21. The simulator takes
/// the documented device limit. Whether devices count bytes or characters is unknown (inferred:
/// characters).
pub const MAX_NAME_CHARS: usize = 32;

/// Result of a command handler: the reply `data` JSON when the command has one.
type CommandResult = Result<Option<String>, ArgError>;

/// Handles one HTTP request target and returns the reply and log facts.
pub(super) fn handle(
    model: &mut DeviceModel,
    now: Timestamp,
    target: &str,
    faults: &Faults,
) -> Outcome {
    let (cmd, args) = match request::decode_http_target(target) {
        Ok(decoded) => decoded,
        Err(error) => {
            tracing::debug!(%error, "malformed HTTP request");
            let cmd = request::peek_http_cmd(target);
            let reply = if faults.silent_on_malformed {
                None
            } else {
                Some(reply_body(cmd.unwrap_or(0), 400, None, faults))
            };
            return Outcome {
                kind: RequestKind::Http,
                cmd,
                args: Value::Null,
                reply,
                result: RequestResult::Malformed,
            };
        }
    };

    let result = if faults.always_400 {
        Err(ArgError::Rejected("always-400 fault"))
    } else {
        run_command(model, now, cmd, &args, faults)
    };

    let (reply, result) = match result {
        Ok(data) => (
            Some(reply_body(cmd, 200, data.as_deref(), faults)),
            RequestResult::Ok,
        ),
        Err(error) => {
            tracing::debug!(cmd, %error, "command rejected");
            if faults.silent_on_malformed && !matches!(error, ArgError::Rejected(_)) {
                (None, RequestResult::Silent)
            } else {
                (
                    Some(reply_body(cmd, 400, None, faults)),
                    RequestResult::Error,
                )
            }
        }
    };
    Outcome {
        kind: RequestKind::Http,
        cmd: Some(cmd),
        args: Value::Object(args),
        reply,
        result,
    }
}

/// Checks the serial and the profile's command list, then runs `cmd`.
fn run_command(
    model: &mut DeviceModel,
    now: Timestamp,
    cmd: u16,
    args: &Args,
    faults: &Faults,
) -> CommandResult {
    args::check_serial(args, model.serial())?;
    if !model.profile.supports_http_command(cmd) {
        return Err(ArgError::Rejected("command not supported by this firmware"));
    }
    match cmd {
        120 => {
            model.factory_reset();
            Ok(None)
        }
        124 => Ok(Some(hardware_ids(model))),
        200 => switch::switch(model, args, faults),
        201 => rename(model, args),
        202 => config::set_master_slave(model, args),
        204 => config::set_timer(model, args),
        205 => config::set_price(model, args),
        206 => config::edit_rule(model, args),
        207 => config::set_random(model, args),
        502 => Ok(Some(clock(model, now))),
        510 => statistics(model, now, args),
        511 => Ok(Some(status(model, faults))),
        512 => Ok(Some(config::master_slave(model))),
        513 => Ok(Some(switch_states(model))),
        515 => config::timer(model, now, args),
        516 => config::rules(model, args),
        _ => Err(ArgError::Rejected("unknown command")),
    }
}

/// Builds a reply envelope and applies the `response` and body faults.
fn reply_body(cmd: u16, code: u16, data: Option<&str>, faults: &Faults) -> String {
    let response = if faults.wrong_response {
        cmd.wrapping_add(1)
    } else {
        cmd
    };
    faults.corrupt_body(envelope(response, code, data))
}

/// Runs cmd 201: port 0 renames the device, 1 to N a port.
///
/// Empty names are rejected (inferred).
fn rename(model: &mut DeviceModel, args: &Args) -> CommandResult {
    let ports = model.ports.len() as u64;
    let port = args::integer(args, "port", 0..=ports)?;
    let name = args::string(args, "name")?;
    let length = name.chars().count();
    if length == 0 || length > MAX_NAME_CHARS {
        return Err(args::invalid("name", &Value::String(name.to_owned())));
    }
    match port
        .checked_sub(1)
        .and_then(|index| usize::try_from(index).ok())
    {
        None => model.device_name = name.to_owned(),
        Some(index) => {
            if let Some(state) = model.ports.get_mut(index) {
                state.name = name.to_owned();
            }
        }
    }
    Ok(None)
}

/// Builds the cmd 124 `data` object.
fn hardware_ids(model: &DeviceModel) -> String {
    let identity = &model.identity;
    ObjectWriter::new()
        .field("cpuid", &identity.cpuid)
        .field("plcmac", &identity.plcmac)
        .field("plcdak", &identity.plcdak)
        .field("server", "www.maxsmart.ch")
        .finish()
}

/// Builds the cmd 502 `data` object: the device clock as `yyyy-MM-dd,HH:mm:ss`.
fn clock(model: &DeviceModel, now: Timestamp) -> String {
    let time = config::format_device_time(model.clock.read(now));
    ObjectWriter::new().field("time", &time).finish()
}

/// Builds the cmd 511 `data` object: `watt`, `amp`, `switch` in the profile's format.
fn status(model: &mut DeviceModel, faults: &Faults) -> String {
    let states = switch::reported_states(model);
    let readings = switch::read_ports(model, &states);
    let format = model.profile.reading_format();
    ObjectWriter::new()
        .field(
            "watt",
            &ports::encode_watts(&readings, format, faults.integer_watts),
        )
        .field("amp", &ports::encode_amps(&readings, format))
        .field("switch", &switch_array(&states))
        .finish()
}

/// Builds the cmd 513 `data` object.
fn switch_states(model: &mut DeviceModel) -> String {
    let states = switch::reported_states(model);
    ObjectWriter::new()
        .field("switch", &switch_array(&states))
        .finish()
}

/// Returns the switch states as 0 and 1.
fn switch_array(states: &[bool]) -> Vec<u8> {
    states.iter().map(|on| u8::from(*on)).collect()
}

/// Runs cmd 510: statistics of `type` 0 (hourly), 1 (daily) or 2 (monthly).
///
/// Samples are whole watt-hours as decimal strings without decimals, the format of the only
/// published sample. A 1-port plug sends `date` as `null`, as one was seen to do.
fn statistics(model: &mut DeviceModel, now: Timestamp, args: &Args) -> CommandResult {
    let kind = args::integer(args, "type", 0..=2)?;
    let granularity =
        Granularity::from_type(kind).ok_or_else(|| args::invalid("type", &Value::from(kind)))?;
    let device_now = model.clock.read(now);
    let window = model
        .stats
        .window(granularity, device_now, model.ports.len());
    let samples: Vec<Vec<String>> = window
        .series
        .iter()
        .map(|series| {
            series
                .iter()
                .map(|watt_hours| format!("{:.0}", watt_hours.max(0.0).floor()))
                .collect()
        })
        .collect();
    let date = if model.ports.len() == 1 {
        None
    } else {
        Some(window.date)
    };
    let data = ObjectWriter::new()
        .field("cost", &model.cost)
        .field("money", &model.money)
        .field("type", &kind)
        .field("date", &date)
        .field("watt", &samples)
        .finish();
    Ok(Some(data))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::test_support::{at, command, datagram, fixture, http, model};
    use super::MAX_NAME_CHARS;
    use crate::fault::Faults;
    use crate::profile::Profile;

    fn discovery(device: &mut super::DeviceModel) -> Value {
        serde_json::from_str(&datagram(device, at(1), "00dv=all;").unwrap()).unwrap()
    }

    #[test]
    fn rename_port_and_device() {
        let mut strip = model(Profile::Strip130);
        let target = fixture("requests/http-201-name-with-space.txt");
        assert_eq!(http(&mut strip, at(0), &target)["code"], 200);
        assert_eq!(
            command(&mut strip, at(0), 201, json!({"port": 0, "name": "Salon"}))["code"],
            200
        );
        assert_eq!(
            command(
                &mut strip,
                at(0),
                201,
                json!({"port": 4, "name": "Congélateur"})
            )["code"],
            200
        );
        let reply = discovery(&mut strip);
        assert_eq!(reply["data"]["name"], "Salon");
        assert_eq!(reply["data"]["pname"][0], "Living Room");
        assert_eq!(reply["data"]["pname"][3], "Congélateur");
        assert_eq!(reply["data"]["pname"][5], "PORT6");
    }

    #[test]
    fn rename_limits_name_length() {
        let mut strip = model(Profile::Strip130);
        let longest = "é".repeat(MAX_NAME_CHARS);
        let too_long = "x".repeat(MAX_NAME_CHARS + 1);
        assert_eq!(
            command(&mut strip, at(0), 201, json!({"port": 1, "name": longest}))["code"],
            200
        );
        assert_eq!(
            command(&mut strip, at(0), 201, json!({"port": 1, "name": too_long}))["code"],
            400
        );
        assert_eq!(
            command(&mut strip, at(0), 201, json!({"port": 1, "name": ""}))["code"],
            400
        );
        assert_eq!(
            command(&mut strip, at(0), 201, json!({"port": 7, "name": "TV"}))["code"],
            400
        );
    }

    #[test]
    fn strip211_rejects_rename_and_statistics() {
        let mut strip = model(Profile::Strip211);
        for (cmd, args) in [
            (201, json!({"port": 1, "name": "TV"})),
            (510, json!({"type": 0})),
        ] {
            let reply = command(&mut strip, at(0), cmd, args);
            assert_eq!(reply, json!({"response": cmd, "code": 400}));
        }
        assert!(discovery(&mut strip)["data"].get("pname").is_none());
    }

    #[test]
    fn strip211_reports_milli_units() {
        let mut strip = model(Profile::Strip211);
        strip.set_load(at(0), 2, 15.2).unwrap();
        command(&mut strip, at(0), 200, json!({"port": 2, "state": 1}));
        let reply = http(&mut strip, at(1), "/?cmd=511");
        let milliwatts = reply["data"]["watt"][1]
            .as_u64()
            .expect("integer milliwatts");
        assert!((14_800..=15_600).contains(&milliwatts), "{reply}");
        let milliamps = reply["data"]["amp"][1]
            .as_u64()
            .expect("integer milliamperes");
        assert!((60..=70).contains(&milliamps), "{reply}");
        assert_eq!(reply["data"]["watt"][0], 0);
    }

    #[test]
    fn strip349_handles_switch_and_status_only() {
        let mut strip = model(Profile::Strip349);
        assert_eq!(
            command(&mut strip, at(0), 200, json!({"port": 0, "state": 1}))["code"],
            200
        );
        let reply = http(&mut strip, at(1), "/?cmd=511");
        assert!(reply["data"]["watt"][0].as_u64().unwrap() > 0);
        for cmd in [124, 502, 510, 512, 513] {
            assert_eq!(
                http(&mut strip, at(1), &format!("/?cmd={cmd}"))["code"],
                400,
                "{cmd}"
            );
        }
    }

    #[test]
    fn unknown_and_undocumented_commands_get_400() {
        let mut strip = model(Profile::Strip130);
        for cmd in [1, 2, 5, 517, 999] {
            let reply = http(&mut strip, at(0), &format!("/?cmd={cmd}"));
            assert_eq!(reply, json!({"response": cmd, "code": 400}));
        }
    }

    #[test]
    fn plug_rejects_port_zero_and_two() {
        let mut plug = model(Profile::Plug130);
        assert_eq!(
            command(&mut plug, at(0), 200, json!({"port": 0, "state": 1}))["code"],
            400
        );
        assert_eq!(
            command(&mut plug, at(0), 200, json!({"port": 2, "state": 1}))["code"],
            400
        );
        assert_eq!(
            command(&mut plug, at(0), 200, json!({"port": 1, "state": 1}))["code"],
            200
        );
        let reply = http(&mut plug, at(1), "/?cmd=511");
        assert_eq!(reply["data"]["switch"], json!([1]));
        assert!(
            reply["data"]["watt"][0]
                .as_str()
                .unwrap()
                .parse::<f64>()
                .unwrap()
                > 0.0
        );
    }

    #[test]
    fn plug_statistics_date_is_null() {
        let mut plug = model(Profile::Plug130);
        let reply = command(&mut plug, at(0), 510, json!({"type": 1}));
        let expected: Value =
            serde_json::from_str(&fixture("v1.30/v1.30-plug-510-daily-null-date.json")).unwrap();
        assert_eq!(reply, expected);
    }

    #[test]
    fn statistics_follow_load() {
        let mut strip = model(Profile::Strip130);
        strip.set_load(at(0), 1, 120.0).unwrap();
        command(&mut strip, at(0), 200, json!({"port": 1, "state": 1}));
        let reply = command(&mut strip, at(2 * 3600), 510, json!({"type": 0}));
        assert_eq!(reply["data"]["date"], "2018-10-11-23");
        assert_eq!(reply["data"]["type"], 0);
        let series = reply["data"]["watt"].as_array().unwrap();
        assert_eq!(series.len(), 6);
        assert_eq!(series[0].as_array().unwrap().len(), 24);
        assert_eq!(series[0][21], "120");
        assert_eq!(series[0][22], "120");
        assert_eq!(series[0][23], "0");
        assert_eq!(series[1][22], "0");

        let daily = command(&mut strip, at(2 * 3600), 510, json!({"type": 1}));
        assert_eq!(daily["data"]["date"], "2018-10-11");
        assert_eq!(daily["data"]["watt"][0].as_array().unwrap().len(), 31);
        assert_eq!(daily["data"]["watt"][0][30], "240");
        assert_eq!(daily["data"]["watt"][0][29], "0");
        let monthly = command(&mut strip, at(2 * 3600), 510, json!({"type": 2}));
        assert_eq!(monthly["data"]["date"], "2018-10");
        assert_eq!(monthly["data"]["watt"][0][11], "240");
        assert_eq!(
            command(&mut strip, at(0), 510, json!({"type": 3}))["code"],
            400
        );
        assert_eq!(http(&mut strip, at(0), "/?cmd=510")["code"], 400);
    }

    #[test]
    fn switch_state_query_matches_fixture_shape() {
        let mut strip = model(Profile::Strip130);
        for (port, on) in [(1, true), (4, true), (5, true), (6, true)] {
            strip.set_switch(at(0), port, on).unwrap();
        }
        let reply = http(&mut strip, at(1), "/?cmd=513");
        let expected: Value = serde_json::from_str(&fixture("v1.30/513.json")).unwrap();
        assert_eq!(reply, expected);
    }

    #[test]
    fn hardware_ids_have_fixture_keys() {
        let mut strip = model(Profile::Strip130);
        let reply = http(&mut strip, at(0), "/?cmd=124");
        let expected: Value = serde_json::from_str(&fixture("other/124.json")).unwrap();
        assert_eq!(reply, expected);
    }

    #[test]
    fn factory_reset_restores_defaults() {
        let mut strip = model(Profile::Strip130);
        command(&mut strip, at(0), 201, json!({"port": 1, "name": "TV"}));
        command(&mut strip, at(0), 205, json!({"cost": "0.30", "money": 1}));
        command(&mut strip, at(0), 200, json!({"port": 0, "state": 1}));
        assert_eq!(http(&mut strip, at(3600), "/?cmd=120")["code"], 200);
        assert_eq!(strip.switch_states(), [false; 6]);
        assert_eq!(strip.port_names()[0], "PORT1");
        let stats = command(&mut strip, at(3601), 510, json!({"type": 2}));
        assert_eq!(stats["data"]["cost"], "0.00");
        assert!(
            stats["data"]["watt"][0]
                .as_array()
                .unwrap()
                .iter()
                .all(|value| value == "0")
        );
    }

    #[test]
    fn always_400_fault_blocks_commands() {
        let mut strip = model(Profile::Strip130);
        let faults = Faults::none().always_400();
        let target = "/?cmd=200&json=%7B%22port%22%3A1%2C%22state%22%3A1%7D";
        let outcome = strip.handle_http(at(0), target, &faults);
        assert_eq!(
            outcome.reply.as_deref(),
            Some(r#"{"response":200,"code":400}"#)
        );
        assert_eq!(strip.switch_states(), [false; 6]);
    }

    #[test]
    fn silence_fault_skips_invalid_arguments_only() {
        let mut strip = model(Profile::Strip130);
        let faults = Faults::none().silent_on_malformed();
        let bad = "/?cmd=200&json=%7B%22port%22%3A9%2C%22state%22%3A1%7D";
        assert_eq!(strip.handle_http(at(0), bad, &faults).reply, None);
        let good = strip.handle_http(at(0), "/?cmd=511", &faults);
        assert!(good.reply.is_some());
    }

    #[test]
    fn body_faults_corrupt_replies() {
        let mut strip = model(Profile::Strip130);
        let faults = Faults::none().trailing_commas().wrong_response();
        let reply = strip
            .handle_http(at(0), "/?cmd=120", &faults)
            .reply
            .unwrap();
        assert_eq!(reply, r#"{"response":121,"code":200,}"#);
        let truncated = Faults::none().truncated_json();
        let reply = strip
            .handle_http(at(0), "/?cmd=511", &truncated)
            .reply
            .unwrap();
        assert!(serde_json::from_str::<Value>(&reply).is_err(), "{reply}");
        let malformed = Faults::none().malformed_json();
        let reply = strip
            .handle_http(at(0), "/?cmd=511", &malformed)
            .reply
            .unwrap();
        assert!(serde_json::from_str::<Value>(&reply).is_err(), "{reply}");
    }

    #[test]
    fn integer_watts_fault_on_130() {
        let mut strip = model(Profile::Strip130);
        strip.set_load(at(0), 1, 35.4).unwrap();
        strip.set_switch(at(0), 1, true).unwrap();
        let reply = strip
            .handle_http(at(1), "/?cmd=511", &Faults::none().integer_watts())
            .reply;
        let reply: Value = serde_json::from_str(&reply.unwrap()).unwrap();
        let watts = reply["data"]["watt"][0].as_u64().unwrap();
        assert!((34..=36).contains(&watts), "{reply}");
        assert_eq!(reply["data"]["watt"][1], 0);
    }
}
