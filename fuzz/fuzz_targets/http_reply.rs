//! Fuzzes the HTTP reply envelope parser with raw bodies.
#![no_main]

use libfuzzer_sys::fuzz_target;
use maxsmart_proto::http;

fuzz_target!(|body: &[u8]| {
    if let Ok(envelope) = http::parse_envelope(body) {
        let command = envelope.response;
        let _ = envelope.into_data(command);
    }
    let _ = http::parse_reply(body, 511);
});
