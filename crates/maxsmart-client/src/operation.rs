//! Running one protocol operation against a device and naming the device in its errors.

use std::net::SocketAddr;

use maxsmart_proto::machine::{DeviceContext, Operation, Protocol};

use crate::clock::Clock;
use crate::driver::drive;
use crate::error::Error;
use crate::runtime::Runtime;

/// Returns the address requests go to under the context's protocol.
pub(crate) fn target(context: &DeviceContext) -> SocketAddr {
    match context.protocol {
        Protocol::Http => context.http_address,
        Protocol::UdpV3 => context.udp_address,
    }
}

/// Drives `operation` against the device described by `context`.
pub(crate) async fn run<R: Runtime, O: Operation + Send>(
    runtime: &R,
    clock: Clock,
    context: &DeviceContext,
    operation: O,
) -> Result<O::Output, Error> {
    let device = target(context);
    match drive(runtime, clock, operation, &mut |_| {}).await {
        Ok(output) => Ok(output),
        Err(error) => Err(error.into_error(device)),
    }
}
