//! Settling a device's protocol, firmware, port count and names before its first command.

use std::time::Duration;

use maxsmart_proto::discovery::DiscoveryReply;
use maxsmart_proto::firmware::FirmwareFamily;
use maxsmart_proto::machine::{
    DeviceContext, DeviceInfo, DiscoveryOptions, Initialise, InitialiseOptions, RetryPolicy,
};
use maxsmart_proto::names::Names;

use crate::clock::Clock;
use crate::error::Error;
use crate::operation::run;
use crate::runtime::Runtime;

/// Runs the protocol core's initialisation against the device and records what it learned
/// in `context`.
pub(crate) async fn detect<R: Runtime>(
    runtime: &R,
    clock: Clock,
    context: &mut DeviceContext,
    discovery: Option<DiscoveryReply>,
    options: InitialiseOptions,
) -> Result<DeviceInfo, Error> {
    let operation = Initialise::new(context, discovery, options);
    let info = run(runtime, clock, context, operation).await?;
    info.apply_to(context);
    Ok(info)
}

/// Reads the status over the protocol already set in `context`, without detection, and
/// records the port count. Names stay unknown because no discovery is sent.
pub(crate) async fn read_fixed<R: Runtime>(
    runtime: &R,
    clock: Clock,
    context: &mut DeviceContext,
) -> Result<DeviceInfo, Error> {
    let status = run(runtime, clock, context, context.read_status()).await?;
    context.learn_from_status(&status);
    let port_count = status.port_count();
    Ok(DeviceInfo {
        protocol: context.protocol,
        serial: context.serial.clone(),
        firmware: context.firmware.clone(),
        family: FirmwareFamily::from_optional(context.firmware.as_deref()),
        watt_format: status.watt_format,
        port_count,
        names: Names {
            device: None,
            ports: vec![None; usize::from(port_count)],
        },
        mac: None,
        status,
        discovery: None,
    })
}

/// Returns initialisation steps bounded by the device's retry policy: one HTTP attempt, the
/// full policy for V3, and unicast discovery listening one timeout per round.
pub(crate) fn options_for(retry: &RetryPolicy) -> InitialiseOptions {
    InitialiseOptions {
        http_probe: RetryPolicy {
            attempts: 1,
            backoff: Duration::ZERO,
            max_backoff: Duration::ZERO,
            ..*retry
        },
        v3_probe: *retry,
        discover: true,
        discovery: DiscoveryOptions {
            attempts: 2,
            spacing: retry.timeout / 2,
            window: retry.timeout,
            first_only: true,
            ..DiscoveryOptions::default()
        },
    }
}
