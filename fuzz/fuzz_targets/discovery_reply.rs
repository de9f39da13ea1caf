//! Fuzzes the discovery reply parser with raw datagrams.
#![no_main]

use libfuzzer_sys::fuzz_target;
use maxsmart_proto::discovery;
use maxsmart_proto::names::Names;

fuzz_target!(|datagram: &[u8]| {
    if let Ok(reply) = discovery::parse_reply(datagram) {
        let port_count = reply.port_count_hint().unwrap_or(6);
        let _ = Names::from_discovery(&reply, port_count);
    }
});
