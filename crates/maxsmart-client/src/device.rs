//! One device: its builder, its operations and its lifetime.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use futures::lock::Mutex;
use maxsmart_proto::machine::{DeviceContext, Operation, Protocol, RetryPolicy};
use maxsmart_proto::port::PortSelector;
use maxsmart_proto::status::{Status, WattFormat};

use crate::clock::Clock;
use crate::driver::{DriveError, drive};
use crate::error::Error;
use crate::runtime::Runtime;

/// How the builder picks the device's protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProtocolChoice {
    /// Tries HTTP first and falls back to UDP V3 when HTTP is refused or silent.
    #[default]
    Detect,
    /// Always HTTP.
    Http,
    /// Always UDP V3.
    UdpV3,
}

/// Configures and connects a [`Device`].
#[derive(Debug, Clone)]
pub struct DeviceBuilder<R: Runtime> {
    runtime: R,
    context: DeviceContext,
    protocol: ProtocolChoice,
}

impl<R: Runtime> DeviceBuilder<R> {
    /// Starts a builder for the device at `ip` on the standard ports 80 and 8888.
    pub fn new(runtime: R, ip: IpAddr) -> Self {
        DeviceBuilder {
            runtime,
            context: DeviceContext::new(ip),
            protocol: ProtocolChoice::Detect,
        }
    }

    /// Sets how the protocol is chosen.
    pub fn protocol(mut self, protocol: ProtocolChoice) -> Self {
        self.protocol = protocol;
        self
    }

    /// Sets the TCP port of the HTTP server; 80 on real devices.
    pub fn http_port(mut self, port: u16) -> Self {
        self.context.http_address.set_port(port);
        self
    }

    /// Sets the UDP port for V3 datagrams; 8888 on real devices.
    pub fn udp_port(mut self, port: u16) -> Self {
        self.context.udp_address.set_port(port);
        self
    }

    /// Sets the serial number sent in V3 requests.
    pub fn serial(mut self, serial: impl Into<String>) -> Self {
        self.context.serial = Some(serial.into());
        self
    }

    /// Sets the firmware version, when known from discovery.
    pub fn firmware(mut self, firmware: impl Into<String>) -> Self {
        self.context.firmware = Some(firmware.into());
        self
    }

    /// Sets how long each attempt waits for a reply.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.context.retry.timeout = timeout;
        self
    }

    /// Sets how many times a request is sent in all before it fails.
    pub fn attempts(mut self, attempts: u32) -> Self {
        self.context.retry.attempts = attempts.max(1);
        self
    }

    /// Sets the whole retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.context.retry = retry;
        self
    }

    /// Forces a watt format instead of detecting it from each reply.
    pub fn watt_format(mut self, format: WattFormat) -> Self {
        self.context.watt_format = Some(format);
        self
    }

    /// Connects: settles the protocol and learns the port count from one status read.
    ///
    /// # Errors
    ///
    /// Returns the error of the status read, over UDP V3 when detection fell back to it.
    pub async fn connect(self) -> Result<Device<R>, Error> {
        let DeviceBuilder {
            runtime,
            mut context,
            protocol,
        } = self;
        let clock = Clock::new();
        context.protocol = match protocol {
            ProtocolChoice::Http | ProtocolChoice::Detect => Protocol::Http,
            ProtocolChoice::UdpV3 => Protocol::UdpV3,
        };
        // TODO: replace this probe with the protocol core's initialisation machine once it
        // exists, so that detection logic lives in one place.
        let status = match run(&runtime, clock, &context, context.read_status()).await {
            Err(Error::Connection { .. } | Error::Timeout { .. })
                if protocol == ProtocolChoice::Detect =>
            {
                tracing::debug!("http unavailable, trying udp v3");
                context.protocol = Protocol::UdpV3;
                run(&runtime, clock, &context, context.read_status()).await?
            }
            other => other?,
        };
        context.learn_from_status(&status);
        Ok(Device {
            runtime,
            clock,
            context: Mutex::new(context),
        })
    }
}

/// A connected device. Operations are serialised: one request at a time.
#[derive(Debug)]
pub struct Device<R: Runtime> {
    runtime: R,
    clock: Clock,
    context: Mutex<DeviceContext>,
}

impl<R: Runtime> Device<R> {
    /// Starts a builder for the device at `ip`.
    pub fn builder(runtime: R, ip: IpAddr) -> DeviceBuilder<R> {
        DeviceBuilder::new(runtime, ip)
    }

    /// Returns the protocol in use.
    pub async fn protocol(&self) -> Protocol {
        self.context.lock().await.protocol
    }

    /// Returns the number of ports learned when connecting.
    pub async fn port_count(&self) -> u8 {
        self.context.lock().await.port_count.unwrap_or(0)
    }

    /// Returns the address of the device's HTTP server.
    pub async fn address(&self) -> SocketAddr {
        self.context.lock().await.http_address
    }

    /// Reads the watts, amps and switch state of every port.
    ///
    /// # Errors
    ///
    /// Returns [`Error`] when the device does not answer or its reply is invalid.
    pub async fn status(&self) -> Result<Status, Error> {
        let context = self.context.lock().await;
        run(&self.runtime, self.clock, &context, context.read_status()).await
    }

    /// Switches one port or all, then reads the state back until it shows the change.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidArgument`] for a port the device lacks, without sending
    /// anything, and [`Error::StateUnchanged`] when the state never changed.
    pub async fn switch(&self, port: PortSelector, on: bool) -> Result<Status, Error> {
        let context = self.context.lock().await;
        let operation = context.switch(port, on)?;
        run(&self.runtime, self.clock, &context, operation).await
    }

    /// Switches one port on, numbered from 1.
    ///
    /// # Errors
    ///
    /// As [`Device::switch`].
    pub async fn turn_on(&self, port: u8) -> Result<Status, Error> {
        self.switch(PortSelector::One(port), true).await
    }

    /// Switches one port off, numbered from 1.
    ///
    /// # Errors
    ///
    /// As [`Device::switch`].
    pub async fn turn_off(&self, port: u8) -> Result<Status, Error> {
        self.switch(PortSelector::One(port), false).await
    }

    /// Releases the device. Every socket an operation opened is already closed when the
    /// operation ends, so this only waits for an operation still running.
    pub async fn close(self) {
        drop(self.context.lock().await);
    }
}

/// Drives one operation against the device described by `context`.
async fn run<R: Runtime, O: Operation>(
    runtime: &R,
    clock: Clock,
    context: &DeviceContext,
    operation: O,
) -> Result<O::Output, Error> {
    let device = match context.protocol {
        Protocol::Http => context.http_address,
        Protocol::UdpV3 => context.udp_address,
    };
    match drive(runtime, clock, operation, &mut |_| {}).await {
        Ok(output) => Ok(output),
        Err(DriveError::Operation(error)) => Err(Error::from_operation(device, error)),
        Err(DriveError::Io(error)) => Err(Error::Io(error)),
        Err(DriveError::Stalled) => Err(Error::Closed),
    }
}
