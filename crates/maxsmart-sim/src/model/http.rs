//! HTTP commands: decoding, dispatch, and the switch, name, status, clock and statistics commands.

use jiff::Timestamp;
use serde_json::Value;

use super::args::{self, ArgError};
use super::json::{ObjectWriter, envelope};
use super::ports::{self, Reading};
use super::request::{self, Args};
use super::stats::Granularity;
use super::{DeviceModel, Outcome, config};
use crate::fault::Faults;
use crate::log::{RequestKind, RequestResult};

/// Longest port or device name accepted by command 201, in characters.
///
/// The altery docs give 32 characters and python lib 2.1.0 enforces 21; the simulator takes
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
    if !model.profile.answers_http(cmd) {
        return Err(ArgError::Rejected("command not supported by this firmware"));
    }
    match cmd {
        120 => {
            model.factory_reset();
            Ok(None)
        }
        124 => Ok(Some(hardware_ids(model))),
        200 => switch(model, args),
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

/// Runs cmd 200: `port` 0 switches every port, 1 to N one port; `state` 0 off, 1 on.
///
/// A 1-port plug rejects port 0 (inferred: whether plugs accept port 0 is unknown, and the
/// strict choice exposes clients that rely on it).
fn switch(model: &mut DeviceModel, args: &Args) -> CommandResult {
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
    let readings: Vec<Reading> = model
        .ports
        .iter()
        .map(|port| ports::read(port, &mut model.noise))
        .collect();
    let format = model.profile.reading_format();
    ObjectWriter::new()
        .field(
            "watt",
            &ports::encode_watts(&readings, format, faults.integer_watts),
        )
        .field("amp", &ports::encode_amps(&readings, format))
        .field("switch", &switch_array(model))
        .finish()
}

/// Builds the cmd 513 `data` object.
fn switch_states(model: &DeviceModel) -> String {
    ObjectWriter::new()
        .field("switch", &switch_array(model))
        .finish()
}

/// Returns the switch states as 0 and 1.
fn switch_array(model: &DeviceModel) -> Vec<u8> {
    model.ports.iter().map(|port| u8::from(port.on)).collect()
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
