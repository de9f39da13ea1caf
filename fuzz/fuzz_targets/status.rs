//! Fuzzes the status parsers (commands 511, 513 and V3 90) with arbitrary JSON `data`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use maxsmart_proto::status::{WattFormat, parse_status, parse_status_expecting, parse_switch_states};
use serde_json::Value;

fuzz_target!(|bytes: &[u8]| {
    let Ok(data) = serde_json::from_slice::<Value>(bytes) else {
        return;
    };
    let _ = parse_status(Some(&data), None);
    let _ = parse_status_expecting(Some(&data), Some(WattFormat::Milliwatts), None);
    let _ = parse_status(Some(&data), Some(WattFormat::WholeWatts));
    let _ = parse_switch_states(Some(&data));
});
