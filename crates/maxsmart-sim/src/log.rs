//! Request log: one entry per request a simulated device received, serializable as JSON lines.

use std::net::SocketAddr;

use serde::Serialize;
use serde_json::Value;

/// Transport a request arrived on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// TCP, one HTTP request.
    Http,
    /// One UDP datagram.
    Udp,
}

/// Kind of a request, as decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RequestKind {
    /// HTTP command (`GET /?cmd=N&json=...`).
    Http,
    /// UDP discovery (`00dv=all...;` or `00sw=all...;`).
    Discovery,
    /// UDP V3 command (`V3{...}`).
    V3,
    /// Anything that decodes as none of the above.
    Unknown,
}

/// Handling result of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RequestResult {
    /// A reply with `code` 200 (or a discovery reply) was sent.
    Ok,
    /// A reply with `code` 400 was sent for a well-formed request.
    Error,
    /// Nothing was sent, by profile behaviour or by the silence fault.
    Silent,
    /// A fault dropped the datagram before the device saw it.
    Dropped,
    /// A fault refused the request, for example a second request on a reused connection.
    Refused,
    /// The request itself could not be decoded (bad target, bad JSON, unknown datagram). The
    /// device replied with `code` 400 or stayed silent.
    Malformed,
}

/// One request received by a simulated device.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogEntry {
    /// Wall-clock time of reception, RFC 3339 in UTC.
    pub time: String,
    /// Serial number of the device that received the request.
    pub serial: String,
    /// Transport the request arrived on.
    pub transport: Transport,
    /// Address of the sender.
    pub peer: SocketAddr,
    /// Kind of request, as decoded.
    pub kind: RequestKind,
    /// Command number, when the request has one.
    pub cmd: Option<u16>,
    /// Decoded JSON arguments, or `null` when the request carried none or they did not decode.
    pub args: Value,
    /// Request target (HTTP) or datagram text (UDP, invalid UTF-8 replaced).
    pub raw: String,
    /// Handling result.
    pub result: RequestResult,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_serializes_lowercase_names() {
        let entry = LogEntry {
            time: "2024-01-01T00:00:00Z".to_owned(),
            serial: "SWP6000000000001".to_owned(),
            transport: Transport::Udp,
            peer: "127.0.0.1:40000".parse().unwrap(),
            kind: RequestKind::Discovery,
            cmd: None,
            args: Value::Null,
            raw: "00dv=all;".to_owned(),
            result: RequestResult::Ok,
        };
        let json: Value = serde_json::to_value(&entry).unwrap();
        assert_eq!(json["transport"], "udp");
        assert_eq!(json["kind"], "discovery");
        assert_eq!(json["cmd"], Value::Null);
        assert_eq!(json["peer"], "127.0.0.1:40000");
        assert_eq!(json["result"], "ok");
    }
}
