//! Settling a device's protocol, firmware, port count and names before its first command.

use std::net::SocketAddr;
use std::time::Duration;

use maxsmart_proto::discovery::DiscoveryReply;
use maxsmart_proto::machine::{
    DeviceContext, DeviceInfo, DiscoveryOptions, Initialise, InitialiseOptions, RetryPolicy,
};
use maxsmart_proto::v3;
use maxsmart_proto::{DeviceError, OperationError};

use crate::clock::Clock;
use crate::driver::{DriveError, drive};
use crate::error::Error;
use crate::operation::{self, run};
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
    let info = drive(runtime, clock, operation, &mut |_| {})
        .await
        .map_err(|error| {
            let device = failed_address(context, &error);
            error.into_error(device)
        })?;
    info.apply_to(context);
    Ok(info)
}

/// Returns the address of the protocol whose probe failed: the UDP address when the error
/// names the V3 status command, and the HTTP address otherwise.
fn failed_address(context: &DeviceContext, error: &DriveError) -> SocketAddr {
    let command = match error {
        DriveError::Operation(
            OperationError::Timeout { command, .. }
            | OperationError::Transport { command, .. }
            | OperationError::InvalidReply { command, .. }
            | OperationError::Device(DeviceError { command, .. }),
        ) => Some(*command),
        _ => None,
    };
    if command == Some(v3::CMD_STATUS) {
        context.udp_address
    } else {
        context.http_address
    }
}

/// Reads the status over the protocol already set in `context`, without detection, and
/// records the port count. Names, MAC address and firmware come from `discovery`, a reply
/// received earlier; without one the names stay unknown, because no discovery is sent.
pub(crate) async fn read_fixed<R: Runtime>(
    runtime: &R,
    clock: Clock,
    context: &mut DeviceContext,
    discovery: Option<DiscoveryReply>,
) -> Result<DeviceInfo, Error> {
    let status = run(runtime, clock, context, context.read_status()).await?;
    let device = operation::target(context);
    let info = DeviceInfo::from_status(context, context.protocol, status, discovery)
        .map_err(|error| Error::from_operation(device, error))?;
    info.apply_to(context);
    Ok(info)
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

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use maxsmart_proto::command::STATUS as HTTP_STATUS;

    use super::*;

    fn context() -> DeviceContext {
        DeviceContext::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7)))
    }

    fn device_error(command: u16) -> DriveError {
        DriveError::Operation(OperationError::Device(DeviceError { command, code: 400 }))
    }

    #[test]
    fn v3_device_error_names_udp_address() {
        let context = context();
        let address = failed_address(&context, &device_error(v3::CMD_STATUS));
        assert_eq!(address, context.udp_address);
        assert_ne!(address, context.http_address);
    }

    #[test]
    fn http_device_error_names_http_address() {
        let context = context();
        let address = failed_address(&context, &device_error(HTTP_STATUS));
        assert_eq!(address, context.http_address);
    }

    #[test]
    fn v3_timeout_names_udp_address() {
        let context = context();
        let error = DriveError::Operation(OperationError::Timeout {
            command: v3::CMD_STATUS,
            attempts: 3,
        });
        assert_eq!(failed_address(&context, &error), context.udp_address);
    }
}
