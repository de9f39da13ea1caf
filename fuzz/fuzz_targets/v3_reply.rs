//! Fuzzes the V3 reply parser with raw datagrams.
#![no_main]

use libfuzzer_sys::fuzz_target;
use maxsmart_proto::status::parse_status;
use maxsmart_proto::v3;

fuzz_target!(|datagram: &[u8]| {
    let _ = v3::peek_response(datagram);
    if let Ok(reply) = v3::parse_reply(datagram) {
        if let Ok(data) = reply.envelope.into_data(v3::CMD_STATUS) {
            let _ = parse_status(data.as_ref(), None);
        }
    }
});
