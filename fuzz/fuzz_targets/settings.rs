//! Fuzzes the settings parsers (commands 512, 515, 516 and 517) with arbitrary JSON `data`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use maxsmart_proto::config::master::parse_master_slave;
use maxsmart_proto::config::random::parse_random_mode;
use maxsmart_proto::config::rules::parse_rules;
use maxsmart_proto::config::timer::parse_timer;
use serde_json::Value;

fuzz_target!(|bytes: &[u8]| {
    let Ok(data) = serde_json::from_slice::<Value>(bytes) else {
        return;
    };
    let _ = parse_master_slave(Some(&data));
    let _ = parse_timer(Some(&data));
    let _ = parse_rules(Some(&data));
    let _ = parse_random_mode(Some(&data));
});
