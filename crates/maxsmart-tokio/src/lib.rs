//! MaxSmart and Revogi power strip client on tokio.
//!
//! This crate is the tokio face of `maxsmart-client`: it implements the client's runtime
//! trait with tokio sockets and timers and hyper-util's tokio adapter, and re-exports the
//! client with tokio filled in. Device knowledge lives in `maxsmart-proto`; this crate holds
//! transport glue only. Operations must run inside a tokio runtime with I/O and time
//! enabled; polling tasks are spawned on it.
//!
//! # Example
//!
//! Discover a device, connect, switch a port and read it back. A simulated strip on
//! 127.0.0.1 stands in for a real device, which would use the default ports 80 and 8888:
//!
//! ```
//! use maxsmart_sim::{Profile, SimConfig, SimDevice};
//! use maxsmart_tokio::{DeviceBuilder, DiscoverOptions, Protocol, Tokio, discover_host};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sim = SimDevice::start(SimConfig::new(Profile::Strip130)).await?;
//! let ip = sim.udp_addr().ip();
//! let http_port = sim.http_addr().expect("firmware 1.30 serves HTTP").port();
//!
//! let options = DiscoverOptions {
//!     port: sim.udp_addr().port(),
//!     http_port,
//!     ..DiscoverOptions::unicast([ip])
//! };
//! let found = discover_host(ip, &options).await?;
//! assert_eq!(found.firmware(), Some("1.30"));
//! assert_eq!(found.protocol, Some(Protocol::Http));
//!
//! let device = DeviceBuilder::from_discovery(Tokio, &found)
//!     .http_port(http_port)
//!     .connect()
//!     .await?;
//! device.turn_on(1).await?;
//! assert!(device.is_on(1).await?);
//! let watts = device.power(1).await?.unwrap_or(0.0);
//! assert!(watts > 0.0);
//! device.close().await;
//! sim.stop().await;
//! # Ok(())
//! # }
//! ```
//!
//! # Polling
//!
//! A device polls in a background task when asked, and delivers events as a stream and to
//! callbacks:
//!
//! ```
//! use std::time::Duration;
//!
//! use futures::StreamExt;
//! use maxsmart_sim::{Profile, SimConfig, SimDevice};
//! use maxsmart_tokio::{DeviceBuilder, PollConfig, PollEvent, Tokio};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sim = SimDevice::start(SimConfig::new(Profile::Strip511)).await?;
//! let config = PollConfig {
//!     interval: Duration::from_millis(200),
//!     ..PollConfig::default()
//! };
//! let device = DeviceBuilder::new(Tokio, sim.udp_addr().ip())
//!     .udp_port(sim.udp_addr().port())
//!     .polling(config)
//!     .connect()
//!     .await?;
//! let mut events = device.events();
//!
//! // Someone presses the button of port 2.
//! sim.set_switch(2, true)?;
//! while let Some(event) = events.next().await {
//!     if let PollEvent::PortSwitched { port, on } = event.kind {
//!         assert_eq!((port, on), (2, true));
//!         break;
//!     }
//! }
//! assert!(device.latest().expect("polled").status.ports[1].on);
//! device.close().await;
//! sim.stop().await;
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

mod runtime;

pub use runtime::{Tokio, TokioUdp};

maxsmart_client::runtime_api!(Tokio);
