//! Reading and switching ports.

use maxsmart_proto::InvalidArgument;
use maxsmart_proto::port::PortSelector;
use maxsmart_proto::status::{PortStatus, Status};

use super::Device;
use crate::error::Error;
use crate::runtime::Runtime;

impl<R: Runtime> Device<R> {
    /// Reads the watts, amps and switch state of every port.
    ///
    /// # Errors
    ///
    /// Returns [`Error`] when the device does not reply or its reply is invalid.
    pub async fn status(&self) -> Result<Status, Error> {
        self.shared.read_status().await
    }

    /// Reads the state, watts and amps of one port, numbered from 1.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidArgument`] for a port the device lacks, without sending
    /// anything, and the errors of [`Device::status`].
    pub async fn port_status(&self, port: u8) -> Result<PortStatus, Error> {
        let port_limit = self.shared.context.lock().await.port_limit();
        PortSelector::One(port).validate(port_limit)?;
        let status = self.status().await?;
        status
            .port(port)
            .cloned()
            .ok_or(Error::InvalidArgument(InvalidArgument::PortOutOfRange {
                port,
                port_count: status.port_count(),
            }))
    }

    /// Reads whether one port is on, numbered from 1.
    ///
    /// # Errors
    ///
    /// As [`Device::port_status`].
    pub async fn is_on(&self, port: u8) -> Result<bool, Error> {
        Ok(self.port_status(port).await?.on)
    }

    /// Reads the switch state of every port, port 1 first.
    ///
    /// # Errors
    ///
    /// As [`Device::status`].
    pub async fn switch_states(&self) -> Result<Vec<bool>, Error> {
        let status = self.status().await?;
        Ok(status.ports.iter().map(|port| port.on).collect())
    }

    /// Reads the power of one port in watts, numbered from 1; `None` when the reply had no
    /// reading for it.
    ///
    /// # Errors
    ///
    /// As [`Device::port_status`].
    pub async fn power(&self, port: u8) -> Result<Option<f64>, Error> {
        Ok(self.port_status(port).await?.watts)
    }

    /// Switches one port or all, then reads the state back until it shows the change.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidArgument`] for a port the device lacks, without sending
    /// anything, and [`Error::StateUnchanged`] when the state never changed.
    pub async fn switch(&self, port: PortSelector, on: bool) -> Result<Status, Error> {
        self.shared
            .run_status_command(
                |context| context.switch(port, on),
                |status| status.shows_state(port, on),
            )
            .await
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

    /// Switches every port on.
    ///
    /// # Errors
    ///
    /// As [`Device::switch`].
    pub async fn turn_all_on(&self) -> Result<Status, Error> {
        self.switch(PortSelector::All, true).await
    }

    /// Switches every port off.
    ///
    /// # Errors
    ///
    /// As [`Device::switch`].
    pub async fn turn_all_off(&self) -> Result<Status, Error> {
        self.switch(PortSelector::All, false).await
    }
}
