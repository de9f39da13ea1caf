//! Runtime-agnostic async client for MaxSmart and Revogi power strips and plugs.
//!
//! This crate turns the state machines of `maxsmart-proto` into async functions. It is generic
//! over a [`Runtime`], a small trait for TCP connections, UDP sockets, timers and tasks, so
//! that every runtime shares one implementation of discovery, device operations and polling.
//! Users pick a runtime crate instead of this one: `maxsmart-tokio` or `maxsmart-async-std`
//! implement [`Runtime`] and re-export the types here with the runtime filled in, through
//! [`runtime_api!`].
//!
//! HTTP goes through hyper's client connection API, one connection per request with
//! `Connection: close`, because some firmware rejects a second request on a kept-alive
//! connection. Requests to one device are serialised.
//!
//! Polling runs one task per device, which sleeps until the poller's next deadline, so a
//! process polling many devices holds one sleeping task and no socket per idle device.
//!
//! Code written against this crate works with every runtime crate:
//!
//! ```
//! use maxsmart_client::{Device, Error, Runtime};
//!
//! /// Switches every port off and returns how many ports the device has.
//! async fn all_off<R: Runtime>(device: &Device<R>) -> Result<usize, Error> {
//!     let status = device.turn_all_off().await?;
//!     Ok(status.ports.len())
//! }
//! ```

#![warn(missing_docs)]

mod api;
mod clock;
mod device;
mod discovery;
mod driver;
mod error;
mod http;
mod initialise;
mod operation;
mod runtime;
mod task;
mod udp;

pub use device::{
    CallbackId, Device, DeviceBuilder, Event, EventStream, Health, ProtocolChoice, Snapshot,
};
pub use discovery::{
    DiscoverOptions, DiscoveryStream, FoundDevice, discover, discover_host, discover_stream,
    find_by_serial,
};
pub use error::Error;
pub use runtime::{Runtime, UdpSocket};
pub use task::LiveTasks;

pub use maxsmart_proto as proto;
pub use maxsmart_proto::config::{
    Currency, MasterSlave, PortAction, PortRole, PowerThreshold, Price, RandomMode, Rule,
    RuleChange, RuleList, Schedule, Timer, TimerSetting, Weekday, Weekdays,
};
pub use maxsmart_proto::datetime::DateTime;
pub use maxsmart_proto::discovery::{ClockSetting, DiscoveryReply, DiscoveryRequest};
pub use maxsmart_proto::ids::HardwareIds;
pub use maxsmart_proto::machine::{
    DeviceContext, DeviceInfo, InitialiseOptions, PollConfig, PollEvent, VerifyPolicy,
};
pub use maxsmart_proto::names::{NameTarget, Names};
pub use maxsmart_proto::port::PortSelector;
pub use maxsmart_proto::stats::{Statistics, StatisticsKind};
pub use maxsmart_proto::status::{PortStatus, Status, WattFormat};
pub use maxsmart_proto::{Protocol, RetryPolicy};
