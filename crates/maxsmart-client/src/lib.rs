//! Runtime-agnostic async client for MaxSmart and Revogi power strips and plugs.
//!
//! This crate turns the state machines of `maxsmart-proto` into async functions. It is generic
//! over a [`Runtime`], a small trait for TCP connections, UDP sockets, timers and tasks, so
//! that every runtime shares one implementation of discovery, device operations and polling.
//! Users pick a runtime crate instead of this one: `maxsmart-tokio` or `maxsmart-async-std`
//! implement [`Runtime`] and re-export the types here with the runtime filled in.
//!
//! HTTP goes through hyper's client connection API, one connection per request with
//! `Connection: close`, because some firmware refuses a second request on a kept-alive
//! connection. Requests to one device are serialised.

#![warn(missing_docs)]

mod clock;
mod device;
mod discovery;
mod driver;
mod error;
mod http;
mod runtime;
mod udp;

pub use device::{Device, DeviceBuilder, ProtocolChoice};
pub use discovery::{DiscoverOptions, discover, discover_host};
pub use error::Error;
pub use runtime::{Runtime, UdpSocket};

pub use maxsmart_proto as proto;
pub use maxsmart_proto::discovery::DiscoveryReply;
pub use maxsmart_proto::machine::DiscoveredDevice;
pub use maxsmart_proto::port::PortSelector;
pub use maxsmart_proto::status::{PortStatus, Status, WattFormat};
pub use maxsmart_proto::{Protocol, RetryPolicy};
