//! Fuzzes the HTTP request target decoder and the typed request reader behind it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use maxsmart_proto::command::Request;
use maxsmart_proto::http;

fuzz_target!(|bytes: &[u8]| {
    let Ok(target) = std::str::from_utf8(bytes) else {
        return;
    };
    let Ok(request) = http::parse_target(target) else {
        return;
    };
    if let Ok(typed) = Request::from_http(&request) {
        // A decoded request must encode again without panicking.
        let _ = typed.http().target();
    }
});
