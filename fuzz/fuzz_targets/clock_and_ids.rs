//! Fuzzes the device clock (502) and hardware identifier (124) parsers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use maxsmart_proto::clock::parse_device_time;
use maxsmart_proto::ids::parse_hardware_ids;
use serde_json::Value;

fuzz_target!(|bytes: &[u8]| {
    let Ok(data) = serde_json::from_slice::<Value>(bytes) else {
        return;
    };
    let _ = parse_device_time(Some(&data));
    let _ = parse_hardware_ids(Some(&data));
});
