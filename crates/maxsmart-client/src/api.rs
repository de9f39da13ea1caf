//! The public API of a runtime crate, stamped out once per runtime.

/// Declares a runtime crate's public API for the unit struct `$runtime`, which implements
/// [`Runtime`](crate::Runtime): type aliases with the runtime filled in, free functions for
/// discovery, and re-exports of every type a user needs.
///
/// A runtime crate calls it once at its root, next to its `Runtime` implementation, so that
/// every runtime offers the same API without repeating it.
#[macro_export]
macro_rules! runtime_api {
    ($runtime:ident) => {
        pub use $crate::{
            CallbackId, ClockSetting, Currency, DateTime, DeviceContext, DeviceInfo,
            DiscoverOptions, DiscoveryReply, DiscoveryRequest, DiscoveryStream, Error, Event,
            EventStream, FoundDevice, HardwareIds, Health, InitialiseOptions, LiveTasks,
            MasterSlave, NameTarget, Names, PollConfig, PollEvent, PortAction, PortRole,
            PortSelector, PortStatus, PowerThreshold, Price, Protocol, ProtocolChoice, RandomMode,
            RetryPolicy, Rule, RuleChange, RuleList, Schedule, Snapshot, Statistics,
            StatisticsKind, Status, Timer, TimerSetting, VerifyPolicy, WattFormat, Weekday,
            Weekdays, proto,
        };

        /// A device driven by this crate's runtime.
        pub type Device = $crate::Device<$runtime>;

        /// A device builder for this crate's runtime.
        pub type DeviceBuilder = $crate::DeviceBuilder<$runtime>;

        /// Discovers every device that replies: broadcast on every IPv4 interface that can
        /// broadcast, and unicast to `options.hosts`. Each device is probed for its protocol
        /// and port count, all probes at once.
        ///
        /// # Errors
        ///
        /// Returns [`Error::Io`] when the interfaces cannot be listed or no socket can be
        /// opened.
        pub async fn discover(options: &DiscoverOptions) -> Result<Vec<FoundDevice>, Error> {
            $crate::discover(&$runtime, options).await
        }

        /// Starts discovery and returns a stream that yields each device as soon as its
        /// probe ends. Dropping the stream stops discovery.
        pub fn discover_stream(options: DiscoverOptions) -> DiscoveryStream {
            $crate::discover_stream($runtime, options)
        }

        /// Asks the device at `ip` to identify itself over UDP, and probes it.
        ///
        /// # Errors
        ///
        /// Returns [`Error::NotFound`] when nothing replies within the timeout.
        pub async fn discover_host(
            ip: ::std::net::IpAddr,
            options: &DiscoverOptions,
        ) -> Result<FoundDevice, Error> {
            $crate::discover_host(&$runtime, ip, options).await
        }

        /// Discovers the device with serial number `serial`, wherever its address is now.
        ///
        /// # Errors
        ///
        /// Returns [`Error::SerialNotFound`] when it does not reply within the window.
        pub async fn find_by_serial(
            serial: &str,
            options: &DiscoverOptions,
        ) -> Result<FoundDevice, Error> {
            $crate::find_by_serial(&$runtime, serial, options).await
        }
    };
}
