//! Finding devices: broadcast on every interface, unicast to one address, as a stream, and
//! by serial number.

mod found;
mod options;
mod probe;
mod stream;
mod targets;

use std::net::{IpAddr, SocketAddr};

use futures::StreamExt;
use maxsmart_proto::ParseError;
use maxsmart_proto::machine::DiscoveryCollector;

pub use found::FoundDevice;
pub use options::DiscoverOptions;
pub use stream::{DiscoveryStream, discover_stream};

use crate::clock::Clock;
use crate::driver::drive;
use crate::error::Error;
use crate::runtime::Runtime;

/// Discovers every device that answers within the window: broadcast on every IPv4
/// interface that can broadcast, and unicast to `options.hosts`.
///
/// Devices are listed in the order they answered, each once, with their probe results.
///
/// # Errors
///
/// Returns [`Error::Io`] when the interfaces cannot be listed or no socket can be opened.
/// A device that answers discovery but not the probe is still listed.
pub async fn discover<R: Runtime>(
    runtime: &R,
    options: &DiscoverOptions,
) -> Result<Vec<FoundDevice>, Error> {
    let mut stream = discover_stream(runtime.clone(), options.clone());
    let mut devices = Vec::new();
    while let Some(device) = stream.next().await {
        devices.push(device?);
    }
    Ok(devices)
}

/// Asks the device at `ip` to identify itself and probes it.
///
/// Listening stops at the first reply.
///
/// # Errors
///
/// Returns [`Error::InvalidDiscoveryReply`] when only undecodable datagrams came from `ip`,
/// [`Error::NotFound`] when nothing replies within the timeout, and [`Error::Io`] when no
/// local socket can be opened.
pub async fn discover_host<R: Runtime>(
    runtime: &R,
    ip: IpAddr,
    options: &DiscoverOptions,
) -> Result<FoundDevice, Error> {
    let address = SocketAddr::new(ip, options.port);
    let collector = DiscoveryCollector::new(vec![address], options.collector_options(true));
    let mut undecodable: Option<(u32, ParseError)> = None;
    let mut record_undecodable = |collector: &mut DiscoveryCollector| {
        if let Some(error) = collector.last_decode_error() {
            undecodable = Some((collector.undecodable_replies(), error.clone()));
        }
    };
    let found = drive(runtime, Clock::new(), collector, &mut record_undecodable)
        .await
        .map_err(|error| error.into_error(address))?;
    let Some(device) = found.into_iter().next() else {
        return Err(match undecodable {
            Some((replies, error)) => Error::InvalidDiscoveryReply {
                address,
                replies,
                error,
            },
            None => Error::NotFound { address },
        });
    };
    Ok(probe::probe(runtime, device, options).await)
}

/// Discovers the device with serial number `serial`, for instance after DHCP gave it a new
/// address, and stops listening as soon as it answers.
///
/// # Errors
///
/// Returns [`Error::SerialNotFound`] when no device with that serial answers within the
/// window, and the errors of [`discover`].
pub async fn find_by_serial<R: Runtime>(
    runtime: &R,
    serial: &str,
    options: &DiscoverOptions,
) -> Result<FoundDevice, Error> {
    let mut stream = discover_stream(runtime.clone(), options.clone());
    while let Some(device) = stream.next().await {
        let device = device?;
        if device.serial() == serial {
            return Ok(device);
        }
    }
    Err(Error::SerialNotFound {
        serial: serial.to_owned(),
    })
}
