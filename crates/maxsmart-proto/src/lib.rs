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
//! - Transports: [`discovery`] (UDP 8888 discovery), [`http`] (the `GET /?cmd=N&json=...`
//!   request and the `{response, code, data}` envelope) and [`v3`] (UDP "V3" datagrams).
//!   Both directions are covered, so a simulator can decode what a client builds.
//! - Commands: [`command::Request`] names every known command and builds it for HTTP and
//!   V3. One module per message family decodes the replies: [`status`] (watts, amps and
//!   switch states, 511 and V3 90), [`stats`] (energy statistics, 510), [`clock`] (device
//!   time, 502), [`ids`] (hardware identifiers, 124), [`names`] (renaming, 201, and names
//!   from discovery) and [`config`] (master/slave, timers, price, rules, random mode).
//! - Devices: [`firmware`] detects the firmware family from the version string and knows
//!   which operations each family offers, so builders reject unsupported ones before
//!   anything is sent.
//! - State machines, all driven through the [`Operation`] trait: [`Exchange`] sends one
//!   request and retries it, [`Query`](machine::Query) decodes its reply, [`Switch`]
//!   switches and verifies, [`DiscoveryCollector`] gathers discovery replies until a
//!   deadline, [`Initialise`] detects protocol, firmware, watt format, ports and names, and
//!   [`Poller`] polls adaptively and reports changes. [`DeviceContext`] builds them all.
//!
//! Time enters as an [`Instant`] that the caller supplies. Logging goes through `tracing`:
//! `trace` for messages built and parsed, `debug` for what is dropped, ignored or retried,
//! and `warn` for tolerated device misbehaviour. A [`Poller`] warns about each kind of
//! misbehaviour once and logs its repeats at `debug`; one-off parses and operations warn
//! every time. Serial numbers, MAC and IP addresses are logged at `debug` level or below
//! only.
//!
//! # Features
//!
//! The crate is `#![no_std]` and needs only `alloc`.
//!
//! - `std` (default): adds [`Instant::from_std`] and [`Instant::to_std`], and turns on the
//!   `std` features of `serde`, `serde_json`, `thiserror`, `percent-encoding` and `tracing`
//!   (for `tracing`, per-thread subscribers). Without it every other item stays available.
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

pub mod clock;
pub mod command;
pub mod config;
pub mod datetime;
pub mod discovery;
pub mod error;
pub mod firmware;
pub mod http;
pub mod ids;
pub mod instant;
pub mod machine;
pub mod names;
pub mod port;
pub mod stats;
pub mod status;
pub mod v3;

mod json;
mod quirks;

pub use error::{DeviceError, InvalidArgument, OperationError, ParseError, Unsupported};
pub use instant::Instant;
pub use machine::{
    DeviceContext, DeviceInfo, DiscoveryCollector, Exchange, Initialise, Input, Operation,
    PollConfig, PollEvent, Poller, Protocol, RetryPolicy, Switch, Transmit, TransportFailure,
};
