//! Configuring a device and connecting to it.

use std::net::IpAddr;
use std::time::Duration;

use maxsmart_proto::InvalidArgument;
use maxsmart_proto::discovery::{DiscoveryReply, validate_serial};
use maxsmart_proto::machine::{
    DeviceContext, InitialiseOptions, PollConfig, Protocol, RetryPolicy, VerifyPolicy,
};
use maxsmart_proto::status::WattFormat;
use tracing::Instrument;

use super::Device;
use crate::clock::Clock;
use crate::discovery::FoundDevice;
use crate::error::Error;
use crate::initialise;
use crate::runtime::Runtime;

/// The way the builder settles the device's protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProtocolChoice {
    /// Runs the protocol core's initialisation: unicast discovery for the firmware and
    /// names, then HTTP, falling back to UDP V3 when HTTP is refused or silent (V3 first on
    /// firmware 5.x).
    #[default]
    Detect,
    /// Always HTTP, learning only the port count.
    Http,
    /// Always UDP V3, learning only the port count.
    UdpV3,
}

/// Configures and connects a [`Device`].
#[derive(Debug, Clone)]
pub struct DeviceBuilder<R: Runtime> {
    runtime: R,
    context: DeviceContext,
    protocol: ProtocolChoice,
    discovery: Option<DiscoveryReply>,
    initialise: Option<InitialiseOptions>,
    polling: Option<PollConfig>,
    /// The rejection of the serial number given to [`DeviceBuilder::serial`], returned by
    /// [`DeviceBuilder::connect`].
    invalid_serial: Option<InvalidArgument>,
}

impl<R: Runtime> DeviceBuilder<R> {
    /// Starts a builder for the device at `ip` on the standard ports 80 and 8888.
    pub fn new(runtime: R, ip: IpAddr) -> Self {
        DeviceBuilder {
            runtime,
            context: DeviceContext::new(ip),
            protocol: ProtocolChoice::Detect,
            discovery: None,
            initialise: None,
            polling: None,
            invalid_serial: None,
        }
    }

    /// Starts a builder from a discovery result: its address, serial number, firmware,
    /// names, MAC address and, when the probe settled it, its protocol. Connecting then
    /// sends no discovery of its own, and [`Device::info`] reports the names, MAC address
    /// and discovery reply whichever way the protocol was settled.
    pub fn from_discovery(runtime: R, info: &FoundDevice) -> Self {
        let mut builder = DeviceBuilder::new(runtime, info.ip()).udp_port(info.address.port());
        // The discovery parser already checked this serial. It may be longer than a caller
        // may give, but it is the one the device expects back.
        builder.context.serial = Some(info.serial().to_owned());
        if let Some(firmware) = info.firmware() {
            builder = builder.firmware(firmware);
        }
        builder.discovery = Some(info.reply.clone());
        builder.protocol = match info.protocol {
            Some(Protocol::Http) => ProtocolChoice::Http,
            Some(Protocol::UdpV3) => ProtocolChoice::UdpV3,
            None => ProtocolChoice::Detect,
        };
        builder
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

    /// Sets the UDP port for V3 datagrams and discovery; 8888 on real devices.
    pub fn udp_port(mut self, port: u16) -> Self {
        self.context.udp_address.set_port(port);
        self
    }

    /// Sets the serial number, which V3 requests carry and relocation searches for.
    ///
    /// The serial must be 1 to 32 printable ASCII characters without spaces, such as
    /// `SWP6000000000001`. Otherwise [`DeviceBuilder::connect`] returns
    /// [`Error::InvalidArgument`] without sending anything.
    pub fn serial(mut self, serial: impl Into<String>) -> Self {
        let serial = serial.into();
        self.invalid_serial = validate_serial(&serial).err();
        self.context.serial = Some(serial);
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

    /// Sets how many times a request is sent in all before it fails; at least 1.
    pub fn attempts(mut self, attempts: u32) -> Self {
        self.context.retry.attempts = attempts.max(1);
        self
    }

    /// Sets the whole retry policy: timeout, attempts and backoff.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.context.retry = retry;
        self
    }

    /// Sets how a switch is verified: how many status reads and the pause between them.
    pub fn verify(mut self, verify: VerifyPolicy) -> Self {
        self.context.verify = verify;
        self
    }

    /// Forces a watt format instead of detecting it from each reply.
    pub fn watt_format(mut self, format: WattFormat) -> Self {
        self.context.watt_format = Some(format);
        self
    }

    /// Sets the timeouts of detection explicitly. By default they follow the retry policy:
    /// one HTTP attempt, the whole policy for V3, and discovery listening one timeout per
    /// round.
    pub fn initialise_options(mut self, options: InitialiseOptions) -> Self {
        self.initialise = Some(options);
        self
    }

    /// Starts polling as soon as the device is connected; see [`Device::start_polling`].
    pub fn polling(mut self, config: PollConfig) -> Self {
        self.polling = Some(config);
        self
    }

    /// Connects: settles the protocol, firmware, watt format, port count and names (see
    /// [`ProtocolChoice`]), then starts polling when asked.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidArgument`] for a serial number that
    /// [`DeviceBuilder::serial`] rejected, without sending anything.
    /// Returns [`Error::NotFound`] when nothing replies at all, and otherwise the error of
    /// the last probe, such as a timeout over UDP V3 after HTTP was refused.
    pub async fn connect(self) -> Result<Device<R>, Error> {
        let DeviceBuilder {
            runtime,
            mut context,
            protocol,
            discovery,
            initialise,
            polling,
            invalid_serial,
        } = self;
        if let Some(error) = invalid_serial {
            return Err(Error::InvalidArgument(error));
        }
        let clock = Clock::new();
        let span = tracing::debug_span!(
            "device",
            ip = %context.http_address.ip(),
            serial = context.serial.as_deref().unwrap_or("")
        );
        let info = match protocol {
            ProtocolChoice::Detect => {
                let options = initialise.unwrap_or_else(|| initialise::options_for(&context.retry));
                initialise::detect(&runtime, clock, &mut context, discovery, options)
                    .instrument(span.clone())
                    .await?
            }
            ProtocolChoice::Http | ProtocolChoice::UdpV3 => {
                context.protocol = if protocol == ProtocolChoice::Http {
                    Protocol::Http
                } else {
                    Protocol::UdpV3
                };
                initialise::read_fixed(&runtime, clock, &mut context, discovery)
                    .instrument(span.clone())
                    .await?
            }
        };
        tracing::debug!(parent: &span, protocol = ?info.protocol, ports = info.port_count, "connected");
        let device = Device::new(runtime, clock, context, info, span);
        if let Some(config) = polling {
            device.start_polling(config).await;
        }
        Ok(device)
    }
}
