//! Fuzzes the statistics parser (command 510) with arbitrary JSON `data`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use maxsmart_proto::port::PortSelector;
use maxsmart_proto::stats::{StatisticsKind, parse_statistics};
use serde_json::Value;

fuzz_target!(|bytes: &[u8]| {
    let Ok(data) = serde_json::from_slice::<Value>(bytes) else {
        return;
    };
    for kind in [StatisticsKind::Hourly, StatisticsKind::Daily, StatisticsKind::Monthly] {
        if let Ok(stats) = parse_statistics(Some(&data), kind) {
            let _ = stats.samples(PortSelector::All);
            let _ = stats.port_totals();
            for index in 0..stats.sample_count() {
                let _ = stats.period(index);
            }
        }
    }
});
