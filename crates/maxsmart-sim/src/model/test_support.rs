//! Helpers for the model's unit tests: a virtual clock, fixtures and request shortcuts.

use jiff::Timestamp;
use serde_json::Value;

use super::DeviceModel;
use crate::fault::Faults;
use crate::profile::Profile;

/// Fixture folder, relative to the crate manifest.
const FIXTURES: &str = "../maxsmart-proto/tests/fixtures";

/// Returns an instant on 2018-10-11 at 21:00 UTC plus `seconds`.
pub(super) fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_539_291_600 + seconds).expect("valid timestamp")
}

/// Creates a device of `profile` with its default serial and seed 1 at `at(0)`.
pub(super) fn model(profile: Profile) -> DeviceModel {
    DeviceModel::new(profile, profile.default_serial(), 1, at(0))
}

/// Reads a fixture file, such as `v1.30/ack-200.json`.
pub(super) fn fixture(path: &str) -> String {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(FIXTURES)
        .join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|error| panic!("{}: {error}", full.display()))
}

/// Sends an HTTP target without faults and returns the parsed reply.
pub(super) fn http(model: &mut DeviceModel, now: Timestamp, target: &str) -> Value {
    let outcome = model.handle_http(now, target, &Faults::none());
    let reply = outcome.reply.expect("reply expected");
    serde_json::from_str(&reply).unwrap_or_else(|error| panic!("{reply}: {error}"))
}

/// Sends an HTTP command with `json` as its argument object, percent-encoded.
pub(super) fn command(model: &mut DeviceModel, now: Timestamp, cmd: u16, json: Value) -> Value {
    let text = json.to_string();
    let encoded = percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC);
    http(model, now, &format!("/?cmd={cmd}&json={encoded}"))
}

/// Sends a datagram without faults and returns the reply text.
pub(super) fn datagram(model: &mut DeviceModel, now: Timestamp, bytes: &str) -> Option<String> {
    model
        .handle_datagram(now, bytes.as_bytes(), &Faults::none())
        .reply
}
