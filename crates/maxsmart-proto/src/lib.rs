//! Sans-IO protocol core for MaxSmart and Revogi power strips and plugs.
//!
//! This crate holds everything the devices mean and nothing that moves bytes: request
//! builders, reply parsers, firmware and watt-format detection, and the state machines that
//! decide what to send next, when to retry and when to give up. It never opens a socket,
//! never reads a clock and never spawns a task. A runtime crate (`maxsmart-tokio`,
//! `maxsmart-async-std`) owns the sockets and timers and drives the machines here with one
//! small loop.
//!
//! # Layers
//!
//! - Messages: [`discovery`] (UDP 8888 discovery), [`http`] (the `GET /?cmd=N&json=...`
//!   request and the `{response, code, data}` envelope), [`v3`] (UDP "V3" datagrams),
//!   [`command`] (typed commands) and [`status`] (watts, amps and switch states).
//! - State machines, all driven through the [`Operation`] trait: [`Exchange`] sends one
//!   request and retries it, [`Switch`] switches and verifies, and
//!   [`DiscoveryCollector`] gathers discovery replies until a deadline.
//!
//! Time enters as an [`Instant`] that the caller supplies.
//!
//! # Features
//!
//! - `std` (default): implements [`std::error::Error`] through `core::error::Error` for the
//!   error types of the dependencies and adds [`Instant::from_std`]. Without it the crate is
//!   `#![no_std]` and needs only `alloc`.
//!
//! # Example
//!
//! ```
//! use maxsmart_proto::http;
//! use maxsmart_proto::status::parse_status;
//!
//! let body = br#"{"response":511,"code":200,"data":{"watt":["0.00","15.20"],"amp":["0.0","0.1"],"switch":[0,1]}}"#;
//! let data = http::parse_reply(body, 511)?;
//! let status = parse_status(data.as_ref(), None)?;
//! assert_eq!(status.ports.len(), 2);
//! assert!(status.ports[1].on);
//! assert_eq!(status.ports[1].watts, Some(15.2));
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```
#![no_std]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

/// Reads a payload from `tests/fixtures` at compile time.
#[cfg(test)]
macro_rules! fixture {
    ($path:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/",
            $path
        ))
        .as_slice()
    };
}

pub mod command;
pub mod datetime;
pub mod discovery;
pub mod error;
pub mod http;
pub mod instant;
pub mod machine;
pub mod port;
pub mod status;
pub mod v3;

mod json;

pub use error::{DeviceError, InvalidArgument, OperationError, ParseError};
pub use instant::Instant;
pub use machine::{
    DeviceContext, DiscoveryCollector, Exchange, Input, Operation, Protocol, RetryPolicy, Switch,
    Transmit, TransportFailure,
};
