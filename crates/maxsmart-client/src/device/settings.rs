//! Every command beyond status and switching: names, statistics, clock, identifiers,
//! settings, health and re-initialisation.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use maxsmart_proto::config::{
    MasterSlave, Price, RandomMode, RuleChange, RuleList, Timer, TimerSetting,
};
use maxsmart_proto::datetime::DateTime;
use maxsmart_proto::ids::HardwareIds;
use maxsmart_proto::machine::{DeviceInfo, DiscoveryCollector, DiscoveryOptions};
use maxsmart_proto::names::{NameTarget, Names};
use maxsmart_proto::port::PortSelector;
use maxsmart_proto::stats::{Statistics, StatisticsKind};
use maxsmart_proto::status::Status;
use serde::Serialize;

use super::Device;
use crate::error::Error;
use crate::initialise;
use crate::runtime::Runtime;

/// The result of a health check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Health {
    /// The time from sending the status request to its complete reply, retries included.
    pub response_time: Duration,
    /// The status read.
    pub status: Status,
}

impl<R: Runtime> Device<R> {
    /// Renames one port, numbered from 1, with a name of at most 21 characters.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Unsupported`] on firmware without renaming (2.11, 5.x and UDP V3).
    /// Returns [`Error::InvalidArgument`] for a port the device lacks or an invalid name.
    /// Nothing is sent in either case.
    pub async fn rename_port(&self, port: u8, name: &str) -> Result<(), Error> {
        self.rename(NameTarget::Port(port), name).await
    }

    /// Renames the device itself, the name discovery reports.
    ///
    /// # Errors
    ///
    /// As [`Device::rename_port`].
    pub async fn rename_device(&self, name: &str) -> Result<(), Error> {
        self.rename(NameTarget::Device, name).await
    }

    async fn rename(&self, target: NameTarget, name: &str) -> Result<(), Error> {
        self.shared
            .run_command(|context| context.rename(target, name))
            .await?;
        let mut info = self.shared.lock_info();
        match target {
            NameTarget::Device => info.names.device = Some(name.to_owned()),
            NameTarget::Port(port) => {
                if let Some(slot) = info.names.ports.get_mut(usize::from(port) - 1) {
                    *slot = Some(name.to_owned());
                }
            }
        }
        Ok(())
    }

    /// Reads the device name and port names with unicast discovery, the only way devices
    /// report them, and remembers them in [`Device::info`].
    ///
    /// Firmware 2.11 and later, and 1-port plugs, report no port names: those entries are
    /// `None`.
    ///
    /// # Errors
    ///
    /// Returns [`Error::NotFound`] when the device does not reply to discovery.
    pub async fn names(&self) -> Result<Names, Error> {
        let (address, port_count, retry) = {
            let context = self.shared.context.lock().await;
            (context.udp_address, context.port_limit(), context.retry)
        };
        let options = DiscoveryOptions {
            attempts: retry.attempts,
            spacing: retry.timeout,
            window: retry.timeout,
            first_only: true,
            ..DiscoveryOptions::default()
        };
        let collector = DiscoveryCollector::new(vec![address], options);
        let found = self
            .shared
            .run(|_| Ok::<_, maxsmart_proto::OperationError>(collector))
            .await?;
        let device = found
            .into_iter()
            .next()
            .ok_or(Error::NotFound { address })?;
        let names = Names::from_discovery(&device.reply, port_count);
        let mut info = self.shared.lock_info();
        info.names = names.clone();
        info.discovery = Some(device.reply);
        Ok(names)
    }

    /// Reads the energy statistics of every port: 24 hourly, 31 daily or 12 monthly
    /// samples per port, in the device's unit.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Unsupported`] on firmware 5.x and over UDP V3, without sending
    /// anything.
    pub async fn statistics(&self, kind: StatisticsKind) -> Result<Statistics, Error> {
        self.shared
            .run(|context| context.read_statistics(kind))
            .await
    }

    /// Reads the energy statistics of one port, or of every port summed sample by sample.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidArgument`] for a port the device lacks, without sending
    /// anything, and the errors of [`Device::statistics`].
    pub async fn port_statistics(
        &self,
        kind: StatisticsKind,
        port: PortSelector,
    ) -> Result<Vec<f64>, Error> {
        let port_limit = self.shared.context.lock().await.port_limit();
        port.validate(port_limit)?;
        let statistics = self.statistics(kind).await?;
        let samples = statistics.samples(port);
        Ok(samples.unwrap_or_default())
    }

    /// Reads the device clock: local time without an offset.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Unsupported`] on firmware 5.x and over UDP V3.
    pub async fn device_time(&self) -> Result<DateTime, Error> {
        self.shared.run(|context| context.read_device_time()).await
    }

    /// Reads the hardware identifiers: CPU id, PLC MAC and access key, cloud server.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Unsupported`] on firmware 5.x and over UDP V3.
    pub async fn hardware_ids(&self) -> Result<HardwareIds, Error> {
        self.shared.run(|context| context.read_hardware_ids()).await
    }

    /// Reads the master/slave setup.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Unsupported`] on firmware 5.x and over UDP V3.
    pub async fn master_slave(&self) -> Result<MasterSlave, Error> {
        self.shared.run(|context| context.read_master_slave()).await
    }

    /// Sets the master/slave setup.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidArgument`] when the roles do not cover every port or name
    /// more than one master, without sending anything.
    pub async fn set_master_slave(&self, setup: &MasterSlave) -> Result<(), Error> {
        self.shared
            .run_command(|context| context.set_master_slave(setup))
            .await
    }

    /// Reads the switch-off timer of one port, numbered from 1.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidArgument`] for a port the device lacks, without sending
    /// anything.
    pub async fn timer(&self, port: u8) -> Result<Timer, Error> {
        self.shared.run(|context| context.read_timer(port)).await
    }

    /// Sets a switch-off timer.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidArgument`] for a port the device lacks, without sending
    /// anything.
    pub async fn set_timer(&self, setting: &TimerSetting) -> Result<(), Error> {
        self.shared
            .run_command(|context| context.set_timer(setting))
            .await
    }

    /// Lists the schedule rules.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Unsupported`] on firmware 5.x and over UDP V3.
    pub async fn rules(&self) -> Result<RuleList, Error> {
        self.shared.run(|context| context.read_rules()).await
    }

    /// Creates, edits or deletes a schedule rule.
    ///
    /// A creation is sent once, without retries, so that a lost acknowledgement cannot add
    /// the rule twice; after a timeout, list the rules before trying again.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidArgument`] for a rule that does not cover every port, has
    /// no day or an impossible time, without sending anything.
    pub async fn change_rule(&self, change: &RuleChange) -> Result<(), Error> {
        self.shared
            .run_command(|context| context.change_rule(change))
            .await
    }

    /// Reads the random mode setup (command 517, whose reply format is inferred).
    ///
    /// # Errors
    ///
    /// Returns [`Error::Unsupported`] on firmware 5.x and over UDP V3.
    pub async fn random_mode(&self) -> Result<RandomMode, Error> {
        self.shared.run(|context| context.read_random_mode()).await
    }

    /// Sets random mode.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidArgument`] for a setup that does not cover every port or
    /// has a minute past midnight of 1440 or more, without sending anything.
    pub async fn set_random_mode(&self, mode: &RandomMode) -> Result<(), Error> {
        self.shared
            .run_command(|context| context.set_random_mode(mode))
            .await
    }

    /// Sets the energy price per kWh and its currency, which statistics replies echo.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Unsupported`] on firmware 5.x and over UDP V3.
    pub async fn set_price(&self, price: &Price) -> Result<(), Error> {
        self.shared.run(|context| context.set_price(price)).await
    }

    /// Resets the device to factory settings, clearing every setting and statistic.
    ///
    /// The request is sent once, without retries, so that a lost acknowledgement cannot
    /// reset the device a second time.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Unsupported`] on firmware 5.x and over UDP V3.
    pub async fn factory_reset(&self) -> Result<(), Error> {
        self.shared
            .run_command(|context| context.factory_reset())
            .await
    }

    /// Reads the status once and measures how long the reply took.
    ///
    /// # Errors
    ///
    /// As [`Device::status`]: an unhealthy device returns the error that shows why.
    pub async fn health(&self) -> Result<Health, Error> {
        let started = Instant::now();
        let status = self.status().await?;
        Ok(Health {
            response_time: started.elapsed(),
            status,
        })
    }

    /// Detects the protocol, firmware, watt format, port count and names again, as
    /// connecting did, and uses what it learned from now on.
    ///
    /// # Errors
    ///
    /// Returns [`Error::NotFound`] when nothing replies, and the error of a probe that got
    /// an invalid reply.
    pub async fn initialise(&self) -> Result<DeviceInfo, Error> {
        let mut context = self.shared.context.lock().await;
        let options = initialise::options_for(&context.retry);
        let info = initialise::detect(
            &self.shared.runtime,
            self.shared.clock,
            &mut context,
            None,
            options,
        )
        .await?;
        self.shared.generation.fetch_add(1, Ordering::AcqRel);
        self.shared.events.set_latest(info.status.clone());
        *self.shared.lock_info() = info.clone();
        Ok(info)
    }
}
