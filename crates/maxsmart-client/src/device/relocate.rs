//! Following a device to a new address after DHCP gave it one.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;

use super::Device;
use crate::discovery::{DiscoverOptions, find_by_serial};
use crate::error::Error;
use crate::operation;
use crate::runtime::Runtime;

impl<R: Runtime> Device<R> {
    /// Finds the device again by its serial number with discovery, then sends every later
    /// request to the address it replied from, keeping the configured ports. Returns the
    /// address requests now go to.
    ///
    /// Discovery runs with `options` (broadcast, extra hosts), without the probe.
    ///
    /// # Errors
    ///
    /// Returns [`Error::SerialUnknown`] when the serial number was never set or learned, and
    /// the errors of [`find_by_serial`].
    pub async fn relocate(&self, options: &DiscoverOptions) -> Result<SocketAddr, Error> {
        let (serial, old) = {
            let context = self.shared.context.lock().await;
            (context.serial.clone(), operation::target(&context))
        };
        let serial = serial.ok_or(Error::SerialUnknown { device: old })?;
        let options = DiscoverOptions {
            probe: false,
            ..options.clone()
        };
        let found = find_by_serial(&self.shared.runtime, &serial, &options).await?;
        let mut context = self.shared.context.lock().await;
        context.http_address.set_ip(found.ip());
        context.udp_address = found.address;
        let new = operation::target(&context);
        self.shared.generation.fetch_add(1, Ordering::AcqRel);
        if new != old {
            tracing::info!(parent: &self.shared.span, "device moved to a new address");
            tracing::debug!(parent: &self.shared.span, %old, %new, "relocated");
        }
        Ok(new)
    }
}
