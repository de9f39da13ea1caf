//! Simulated MaxSmart and Revogi power strips and plugs for tests, served on loopback sockets.
//!
//! The crate has two layers:
//!
//! - [`model::DeviceModel`] is a sans-IO device: it takes a request (an HTTP request target or a
//!   UDP datagram) and the current time and returns the reply. It owns no socket and reads no
//!   clock, so tests can drive it in memory and jump hours ahead.
//! - [`SimDevice`] and [`Fleet`] serve models over real HTTP (hyper) and UDP (tokio) sockets
//!   bound to loopback addresses, with a request log and run-time fault injection.
//!
//! Five firmware profiles are simulated (see [`Profile`]). Each replies only to the requests its
//! family is known to handle and rejects the rest with `code` 400. Where the public protocol sources are
//! silent, the code picks the conservative behaviour and marks it as inferred.
//!
//! The simulator decodes requests itself and does not share code with the client crates, so a
//! client encoding bug surfaces as a rejected request instead of being mirrored.
//!
//! # Example
//!
//! ```
//! use maxsmart_sim::{Profile, SimConfig, SimDevice};
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let device = SimDevice::start(SimConfig::new(Profile::Strip130)).await?;
//! let addr = device.http_addr().expect("firmware 1.30 serves HTTP");
//!
//! let mut stream = tokio::net::TcpStream::connect(addr).await?;
//! stream
//!     .write_all(b"GET /?cmd=511 HTTP/1.1\r\nHost: device\r\n\r\n")
//!     .await?;
//! let mut response = String::new();
//! stream.read_to_string(&mut response).await?;
//! assert!(response.starts_with("HTTP/1.1 200 OK"));
//! assert!(response.contains(r#"{"response":511,"code":200,"#));
//!
//! assert_eq!(device.requests().len(), 1);
//! device.stop().await;
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

mod config;
mod device;
mod fault;
mod fleet;
mod history;
mod identity;
mod log;
mod log_sink;
pub mod model;
mod profile;
mod rng;
mod server;

pub use config::{DEFAULT_REQUEST_LOG_LIMIT, SimConfig};
pub use device::{DEMO_HISTORY_HOURS, SimDevice};
pub use fault::{FAULT_HELP, Fault, Faults, InvalidFault};
pub use fleet::Fleet;
pub use log::{LogEntry, RequestKind, RequestResult, Transport};
pub use log_sink::LogSink;
pub use model::{DeviceModel, Outcome, StateError};
pub use profile::{DiscoveryLayout, Profile, ReadingFormat, UnknownProfile};
