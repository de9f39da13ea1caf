//! The quick probe that learns a discovered device's protocol and port count.

use std::time::Duration;

use maxsmart_proto::machine::{DeviceContext, DiscoveredDevice, RetryPolicy};

use super::{DiscoverOptions, FoundDevice};
use crate::clock::Clock;
use crate::initialise;
use crate::runtime::Runtime;

/// Probes `found` with the protocol core's initialisation, one short attempt per protocol,
/// unless probing is off.
///
/// A probe that fails leaves the protocol unknown and falls back to the serial number's
/// port-count hint; discovery still reports the device.
pub(crate) async fn probe<R: Runtime>(
    runtime: &R,
    found: DiscoveredDevice,
    options: &DiscoverOptions,
) -> FoundDevice {
    let mut info = FoundDevice {
        address: found.address,
        port_count: found.reply.port_count_hint(),
        reply: found.reply,
        protocol: None,
    };
    if !options.probe {
        return info;
    }
    let mut context = probe_context(&info, options);
    let steps = initialise::options_for(&context.retry);
    let reply = Some(info.reply.clone());
    match initialise::detect(runtime, Clock::new(), &mut context, reply, steps).await {
        Ok(learned) => {
            info.protocol = Some(learned.protocol);
            info.port_count = Some(learned.port_count);
        }
        Err(error) => {
            tracing::debug!(address = %info.address, %error, "probe failed");
        }
    }
    info
}

/// Builds a context for one attempt per protocol, bounded by the probe timeout.
fn probe_context(info: &FoundDevice, options: &DiscoverOptions) -> DeviceContext {
    let mut context = DeviceContext::new(info.ip());
    context.http_address.set_port(options.http_port);
    context.udp_address = info.address;
    context.serial = Some(info.reply.serial.clone());
    context.firmware = info.reply.firmware.clone();
    context.retry = RetryPolicy {
        timeout: options.probe_timeout,
        attempts: 1,
        backoff: Duration::ZERO,
        max_backoff: Duration::ZERO,
    };
    context
}
