//! Discovery replies and the clock setting that a dated discovery request carries.

use jiff::Timestamp;
use serde_json::Value;

use super::json::ObjectWriter;
use super::request::{ClockField, Discovery};
use super::{DeviceModel, Outcome};
use crate::fault::Faults;
use crate::log::{RequestKind, RequestResult};
use crate::profile::DiscoveryLayout;

/// Builds the discovery reply and sets the clock when the request carries a date and time.
///
/// Every profile replies to both `00dv` and `00sw`, with or without a date. Firmware 5.11 is
/// reported to reply to both selectors. For 1.30 only `dv` is documented, and whether 5.x
/// replies to `00dv=all;` without a date is unknown (inferred: clients rely on a reply).
/// Fields that do not parse as a date and time get a reply and leave the clock alone (inferred).
pub(super) fn handle(
    model: &mut DeviceModel,
    now: Timestamp,
    discovery: Discovery,
    faults: &Faults,
) -> Outcome {
    match discovery.clock {
        ClockField::Set(value, zone) => model.set_clock_with_zone(now, value, zone),
        ClockField::Absent => {}
        ClockField::Invalid => tracing::debug!("discovery date or time invalid, clock unchanged"),
    }

    let response: u16 = if faults.wrong_response { 1 } else { 0 };
    let body = ObjectWriter::new()
        .field("response", &response)
        .raw("data", &discovery_data(model))
        .finish();
    Outcome {
        kind: RequestKind::Discovery,
        cmd: None,
        args: Value::Null,
        reply: Some(faults.corrupt_body(body)),
        result: RequestResult::Ok,
    }
}

/// Builds the discovery `data` object in the key order of the profile's family.
fn discovery_data(model: &DeviceModel) -> String {
    let identity = &model.identity;
    let firmware = model.profile.firmware();
    let name = model.device_name.as_str();
    let writer = ObjectWriter::new().field("sn", &identity.serial);
    match model.profile.discovery_layout() {
        DiscoveryLayout::MaxSmart130 => {
            let mut writer = writer.field("name", name);
            if model.profile.sends_port_names() {
                writer = writer.field("pname", &model.port_names());
            }
            writer
                .field("mac", &identity.mac)
                .field("sak", &identity.sak)
                .field("ver", firmware)
                .field("register", &0)
                .field("nver", firmware)
                .field("protect", &0)
                .finish()
        }
        DiscoveryLayout::Minimal => writer
            .field("name", name)
            .field("ver", firmware)
            .field("mac", &identity.mac)
            .field("sak", &identity.sak)
            .finish(),
        DiscoveryLayout::Revogi => writer
            .field("name", name)
            .field("regid", &identity.regid)
            .field("ver", firmware)
            .field("mac", &identity.mac)
            .field("sak", &identity.sak)
            .field("active", &1)
            .field("resettime", &1)
            .finish(),
        DiscoveryLayout::Revogi511 => writer
            .field("regid", &identity.regid)
            .field("sak", &identity.sak)
            .field("name", name)
            .field("mac", &identity.mac)
            .field("ver", firmware)
            .finish(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::super::test_support::{at, datagram, fixture, model};
    use crate::fault::Faults;
    use crate::profile::Profile;

    #[test]
    fn default_replies_match_family_fixtures() {
        let cases = [
            (Profile::Strip130, "v1.30/v1.30-strip-discovery.json"),
            (Profile::Strip211, "v2.11/v2.11-strip-discovery.json"),
            (Profile::Strip349, "v3.49/v3.49-strip-discovery.json"),
            (Profile::Strip511, "v5.11/v5.11-strip-discovery.json"),
        ];
        for (profile, path) in cases {
            let mut device = model(profile);
            let reply = datagram(&mut device, at(1), "00dv=all;");
            assert_eq!(reply.as_deref(), Some(fixture(path).as_str()), "{profile}");
        }
    }

    #[test]
    fn plug_reply_has_no_port_names() {
        let mut plug = model(Profile::Plug130);
        let reply = datagram(&mut plug, at(1), "00dv=all;").unwrap();
        let reply: Value = serde_json::from_str(&reply).unwrap();
        let expected: Value =
            serde_json::from_str(&fixture("v1.30/v1.30-plug-discovery.json")).unwrap();
        assert!(reply["data"].get("pname").is_none());
        assert_eq!(reply["data"]["sn"], "SWP1000000000001");
        assert_eq!(reply["data"]["mac"], expected["data"]["mac"]);
        assert_eq!(reply["data"]["ver"], "1.30");
    }

    #[test]
    fn every_profile_replies_to_both_selectors() {
        for profile in Profile::all() {
            let mut device = model(profile);
            assert!(
                datagram(&mut device, at(1), "00dv=all;").is_some(),
                "{profile}"
            );
            assert!(
                datagram(&mut device, at(2), "00sw=all,,,;").is_some(),
                "{profile}"
            );
        }
    }

    #[test]
    fn wrong_response_fault_changes_number() {
        let mut strip = model(Profile::Strip130);
        let faults = Faults::none().wrong_response();
        let reply = strip
            .handle_datagram(at(1), b"00dv=all;", &faults)
            .reply
            .unwrap();
        assert!(reply.starts_with(r#"{"response":1,"#), "{reply}");
    }

    #[test]
    fn invalid_date_replies_and_keeps_clock() {
        let mut strip = model(Profile::Strip130);
        let before = strip.clock(at(1));
        assert!(datagram(&mut strip, at(1), "00dv=all,2018-13-40,99:00:00;").is_some());
        assert_eq!(strip.clock(at(1)), before);
    }

    #[test]
    fn zone_field_is_stored() {
        let mut strip = model(Profile::Strip130);
        datagram(&mut strip, at(1), "00dv=all,2018-10-07,10:48:42,13;").unwrap();
        assert_eq!(strip.clock_zone(), Some(13));
    }
}
