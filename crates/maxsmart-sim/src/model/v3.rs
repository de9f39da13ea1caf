//! V3 datagram commands: 20 (switch) and 90 (status), with replies prefixed by `V3`.

use serde_json::Value;

use super::args::{self, ArgError};
use super::json::{ObjectWriter, envelope};
use super::ports;
use super::request::Args;
use super::{DeviceModel, Outcome, switch};
use crate::fault::Faults;
use crate::log::{RequestKind, RequestResult};
use crate::profile::ReadingFormat;

/// Runs a V3 command and builds its `V3`-prefixed reply.
///
/// Profiles without V3 stay silent, and so does every profile for a datagram that names another
/// serial (inferred: whether devices ignore a V3 command for another serial is unknown, but
/// staying silent keeps a broadcast from switching every device). Commands other than 20 and 90
/// get `code` 400 (inferred: no source shows another command working on the LAN).
pub(super) fn handle(model: &mut DeviceModel, cmd: u16, args: Args, faults: &Faults) -> Outcome {
    let mut outcome = Outcome {
        kind: RequestKind::V3,
        cmd: Some(cmd),
        args: Value::Object(args.clone()),
        reply: None,
        result: RequestResult::Silent,
    };
    if !model.profile.has_v3() {
        tracing::debug!(cmd, "profile without V3 ignores datagram");
        return outcome;
    }
    if let Err(error) = args::check_serial(&args, model.serial()) {
        tracing::debug!(cmd, %error, "ignoring V3 datagram for another device");
        return outcome;
    }

    let result = if faults.always_400 {
        Err(ArgError::Rejected("always-400 fault"))
    } else {
        match cmd {
            20 => switch::switch(model, &args, faults),
            90 => Ok(Some(status(model, faults))),
            _ => Err(ArgError::Rejected("V3 command not supported")),
        }
    };

    let response = if faults.wrong_response {
        cmd.wrapping_add(1)
    } else {
        cmd
    };
    let (code, data, result) = match result {
        Ok(data) => (200, data, RequestResult::Ok),
        Err(error) => {
            tracing::debug!(cmd, %error, "V3 command failed");
            if faults.silent_on_malformed {
                return outcome;
            }
            (400, None, RequestResult::Error)
        }
    };
    let body = format!("V3{}", envelope(response, code, data.as_deref()));
    outcome.reply = Some(faults.corrupt_body(body));
    outcome.result = result;
    outcome
}

/// Builds the cmd 90 `data` object in milli-units, key order `switch`, `watt`, `amp`.
fn status(model: &mut DeviceModel, faults: &Faults) -> String {
    let states = switch::reported_states(model);
    let readings = switch::read_ports(model, &states);
    let switches: Vec<u8> = states.iter().map(|on| u8::from(*on)).collect();
    ObjectWriter::new()
        .field("switch", &switches)
        .field(
            "watt",
            &ports::encode_watts(&readings, ReadingFormat::MilliUnits, faults.integer_watts),
        )
        .field(
            "amp",
            &ports::encode_amps(&readings, ReadingFormat::MilliUnits),
        )
        .finish()
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::super::test_support::{at, datagram, fixture, model};
    use crate::fault::Faults;
    use crate::profile::Profile;

    fn parse(reply: &str) -> Value {
        let json = reply.strip_prefix("V3").expect("V3 prefix");
        serde_json::from_str(json).unwrap_or_else(|error| panic!("{reply}: {error}"))
    }

    #[test]
    fn idle_status_matches_fixture() {
        let mut strip = model(Profile::Strip511);
        let reply = datagram(&mut strip, at(1), &fixture("requests/v3-90.txt"));
        assert_eq!(reply, Some(fixture("v5.11/v5.11-strip-v3-90-idle.txt")));
    }

    #[test]
    fn switch_all_off_matches_fixture() {
        let mut strip = model(Profile::Strip511);
        strip.set_switch(at(0), 2, true).unwrap();
        let reply = datagram(&mut strip, at(1), &fixture("requests/v3-20-all-off.txt"));
        assert_eq!(reply, Some(fixture("v5.11/v5.11-strip-v3-20.txt")));
        assert_eq!(strip.switch_states(), [false; 6]);
    }

    #[test]
    fn switching_on_reports_milliwatts() {
        let mut strip = model(Profile::Strip511);
        let on = r#"V3{"sn":"SWW6000000000004","cmd":20,"port":2,"state":1}"#;
        assert!(datagram(&mut strip, at(1), on).is_some());
        let reply = parse(&datagram(&mut strip, at(2), r#"V3{"cmd":90}"#).unwrap());
        assert_eq!(reply["response"], 90);
        assert_eq!(reply["code"], 200);
        assert_eq!(reply["data"]["switch"][1], 1);
        let milliwatts = reply["data"]["watt"][1].as_u64().unwrap();
        assert!(milliwatts > 1000, "{reply}");
        assert!(reply["data"]["amp"][1].as_u64().unwrap() > 0);
        assert_eq!(reply["data"]["watt"][0], 0);
    }

    #[test]
    fn port_seven_gets_code_400() {
        let mut strip = model(Profile::Strip511);
        let request = r#"V3{"sn":"SWW6000000000004","cmd":20,"port":7,"state":1}"#;
        let reply = datagram(&mut strip, at(1), request);
        assert_eq!(reply, Some(fixture("v5.11/v5.11-strip-v3-20-error.txt")));
    }

    #[test]
    fn unsupported_command_gets_code_400() {
        let mut strip = model(Profile::Strip511);
        let reply = datagram(&mut strip, at(1), r#"V3{"cmd":73,"regid":"x"}"#).unwrap();
        assert_eq!(reply, r#"V3{"response":73,"code":400}"#);
    }

    #[test]
    fn other_serial_is_ignored() {
        let mut strip = model(Profile::Strip511);
        let request = r#"V3{"sn":"SWW6000000000099","cmd":20,"port":0,"state":1}"#;
        assert_eq!(datagram(&mut strip, at(1), request), None);
        assert_eq!(strip.switch_states(), [false; 6]);
    }

    #[test]
    fn http_profiles_without_v3_stay_silent() {
        for profile in [Profile::Strip130, Profile::Plug130, Profile::Strip349] {
            let mut device = model(profile);
            assert_eq!(
                datagram(&mut device, at(1), r#"V3{"cmd":90}"#),
                None,
                "{profile}"
            );
        }
    }

    #[test]
    fn strip211_replies_to_v3_status() {
        let mut strip = model(Profile::Strip211);
        let reply = parse(&datagram(&mut strip, at(1), r#"V3{"cmd":90}"#).unwrap());
        assert_eq!(reply["code"], 200);
        assert_eq!(reply["data"]["switch"].as_array().unwrap().len(), 6);
    }

    #[test]
    fn integer_watts_fault_sends_whole_watts() {
        let mut strip = model(Profile::Strip511);
        strip.set_load(at(0), 1, 60.0).unwrap();
        strip.set_switch(at(0), 1, true).unwrap();
        let faults = Faults::none().integer_watts();
        let reply = strip
            .handle_datagram(at(1), br#"V3{"cmd":90}"#, &faults)
            .reply
            .unwrap();
        let watts = parse(&reply)["data"]["watt"][0].as_u64().unwrap();
        assert!((59..=61).contains(&watts), "{reply}");
    }
}
