//! Fuzzes the V3 request parser and the typed request reader behind it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use maxsmart_proto::command::Request;
use maxsmart_proto::v3;

fuzz_target!(|datagram: &[u8]| {
    if let Ok(request) = v3::parse_request(datagram) {
        let _ = Request::from_v3(&request);
    }
});
