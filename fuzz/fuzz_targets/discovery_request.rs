//! Fuzzes the discovery request parser, which a simulated device runs on every datagram.
#![no_main]

use libfuzzer_sys::fuzz_target;
use maxsmart_proto::discovery;

fuzz_target!(|datagram: &[u8]| {
    if let Ok(request) = discovery::parse_request(datagram) {
        // A parsed request must encode again without panicking.
        let _ = request.encode();
    }
});
