//! MaxSmart and Revogi power strip client on async-std, usable from smol too.
//!
//! This crate is the async-std face of `maxsmart-client`: it implements the client's runtime
//! trait with async-std sockets and timers, drives hyper over async-std TCP streams through
//! `smol-hyper`'s adapter, and re-exports the client with async-std filled in. Device
//! knowledge lives in `maxsmart-proto`; this crate contains transport glue only. Its API is the
//! one of `maxsmart-tokio` with [`AsyncStd`] in place of `Tokio`.
//!
//! # async-std and smol
//!
//! async-std is no longer maintained and its authors point users to smol. Both run their
//! sockets and timers on the same `async-io` reactor, so this crate works under either:
//!
//! - From async-std (`#[async_std::main]`, `async_std::task::block_on`), everything runs as
//!   usual.
//! - From smol (`smol::block_on`, a `smol::Executor`), discovery, every device operation,
//!   polling and events work; the integration tests run the whole suite this way. The one
//!   difference: the polling task of each device runs on async-std's global executor
//!   threads, not on your smol executor. It stops when the device is closed or dropped, as
//!   under async-std.
//!
//! # Example
//!
//! The simulated strip below runs on tokio, because the simulator is built on it; a real
//! device needs none of that.
//!
//! ```
//! use maxsmart_async_std::{AsyncStd, DeviceBuilder, Protocol};
//! use maxsmart_sim::{Profile, SimConfig, SimDevice};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let tokio = tokio::runtime::Runtime::new()?;
//! let sim = tokio.block_on(SimDevice::start(SimConfig::new(Profile::Strip511)))?;
//! let address = sim.udp_addr();
//!
//! async_std::task::block_on(async {
//!     let device = DeviceBuilder::new(AsyncStd, address.ip())
//!         .udp_port(address.port())
//!         .connect()
//!         .await?;
//!     assert_eq!(device.protocol().await, Protocol::UdpV3);
//!     device.turn_all_on().await?;
//!     device.close().await;
//!     Ok::<_, maxsmart_async_std::Error>(())
//! })?;
//!
//! // The same calls from a smol executor:
//! smol::block_on(async {
//!     let device = DeviceBuilder::new(AsyncStd, address.ip())
//!         .udp_port(address.port())
//!         .connect()
//!         .await?;
//!     assert!(device.switch_states().await?.iter().all(|on| *on));
//!     device.close().await;
//!     Ok::<_, maxsmart_async_std::Error>(())
//! })?;
//! tokio.block_on(sim.stop());
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

mod runtime;

pub use runtime::{AsyncStd, AsyncStdUdp};

maxsmart_client::runtime_api!(AsyncStd);
