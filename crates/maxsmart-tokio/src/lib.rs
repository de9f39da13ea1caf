//! MaxSmart and Revogi power strip client on tokio.
//!
//! This crate is the tokio face of `maxsmart-client`: it implements the client's runtime
//! trait with tokio sockets and timers and hyper-util's tokio adapter, and re-exports the
//! client with tokio filled in. Device knowledge lives in `maxsmart-proto`; this crate holds
//! transport glue only.
//!
//! # Example
//!
//! ```no_run
//! use maxsmart_tokio::{Device, Tokio};
//!
//! # async fn run() -> Result<(), maxsmart_tokio::Error> {
//! let device = Device::builder(Tokio, "192.0.2.10".parse().unwrap()).connect().await?;
//! device.turn_on(1).await?;
//! for port in device.status().await?.ports {
//!     println!("port {}: on={} watts={:?}", port.port, port.on, port.watts);
//! }
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod runtime;

pub use runtime::Tokio;

pub use maxsmart_client::{
    DiscoverOptions, DiscoveredDevice, DiscoveryReply, Error, PortSelector, PortStatus, Protocol,
    ProtocolChoice, RetryPolicy, Status, WattFormat, proto,
};

/// A device driven by tokio.
pub type Device = maxsmart_client::Device<Tokio>;

/// A device builder for tokio.
pub type DeviceBuilder = maxsmart_client::DeviceBuilder<Tokio>;

/// Asks the device at `ip` to identify itself over UDP.
///
/// # Errors
///
/// Returns [`Error::NotFound`] when nothing answers within the timeout.
pub async fn discover_host(
    ip: std::net::IpAddr,
    options: &DiscoverOptions,
) -> Result<DiscoveredDevice, Error> {
    maxsmart_client::discover_host(&Tokio, ip, options).await
}

/// Broadcasts discovery on every IPv4 interface and returns each device that answered.
///
/// # Errors
///
/// Returns [`Error::Io`] when no interface or socket is available.
pub async fn discover(options: &DiscoverOptions) -> Result<Vec<DiscoveredDevice>, Error> {
    maxsmart_client::discover(&Tokio, options, &mut |_| {}).await
}
