//! Builders on [`DeviceContext`] for every command beyond status and switching.
//!
//! Each builder checks, before anything is sent, that the firmware offers the operation
//! ([`DeviceContext::check_feature`]) and that the arguments are valid for the device's port
//! count, then returns a [`Query`] that a runtime drives like any other
//! [`Operation`](super::Operation). Acknowledged commands yield `()`.

use alloc::boxed::Box;
use alloc::vec::Vec;

use super::{DeviceContext, Exchange, Query};
use crate::clock;
use crate::command::Request;
use crate::config::{
    self, MasterSlave, Price, RandomMode, RuleChange, RuleList, Timer, TimerSetting,
};
use crate::datetime::DateTime;
use crate::error::{InvalidArgument, OperationError};
use crate::ids::{self, HardwareIds};
use crate::names::{self, DEFAULT_MAX_NAME_CHARS, NameTarget};
use crate::stats::{self, Statistics, StatisticsKind};
use crate::status;

impl DeviceContext {
    /// Builds the exchange for `request` after checking that the firmware and protocol
    /// offer it.
    ///
    /// Unlike [`DeviceContext::exchange`], this also rejects commands a source shows the
    /// firmware lacks, such as renaming on firmware 2.11. It does not validate arguments.
    ///
    /// # Errors
    ///
    /// Returns [`OperationError::Unsupported`] naming the operation and the firmware.
    pub fn checked_exchange(&self, request: &Request) -> Result<Exchange, OperationError> {
        self.check_feature(request.feature())?;
        self.exchange(request)
    }

    /// Builds an operation that renames a port or the device, with names of at most
    /// [`DEFAULT_MAX_NAME_CHARS`] characters.
    ///
    /// # Errors
    ///
    /// Returns [`OperationError::Unsupported`] on firmware without renaming (2.11, 5.x, any
    /// firmware over V3), and [`OperationError::InvalidArgument`] for a port the device does
    /// not have or a name that [`validate_name`](crate::names::validate_name) rejects.
    ///
    /// ```
    /// use maxsmart_proto::machine::{DeviceContext, Operation, Transmit};
    /// use maxsmart_proto::names::NameTarget;
    /// use maxsmart_proto::{Instant, OperationError};
    ///
    /// let mut context = DeviceContext::new([192, 0, 2, 10].into());
    /// context.firmware = Some("1.30".into());
    /// let mut rename = context.rename(NameTarget::Port(1), "Living Room")?;
    /// let Some(Transmit::Http { target, .. }) = rename.poll_transmit(Instant::ZERO) else {
    ///     unreachable!("a rename starts with an HTTP request");
    /// };
    /// assert_eq!(target, "/?cmd=201&json=%7B%22port%22%3A1%2C%22name%22%3A%22Living%20Room%22%7D");
    ///
    /// context.firmware = Some("2.11".into());
    /// let refused = context.rename(NameTarget::Port(1), "TV").unwrap_err();
    /// assert_eq!(refused.to_string(), "rename is not supported by firmware 2.11");
    /// # Ok::<(), OperationError>(())
    /// ```
    pub fn rename(&self, target: NameTarget, name: &str) -> Result<Query<()>, OperationError> {
        self.rename_with_limit(target, name, DEFAULT_MAX_NAME_CHARS)
    }

    /// Builds a rename operation that accepts names of up to `max_chars` characters.
    ///
    /// Use this when the device is known to accept longer names than the default, such as
    /// the 32 characters the reverse-engineered 1.30 notes state.
    ///
    /// # Errors
    ///
    /// Returns the same errors as [`DeviceContext::rename`].
    pub fn rename_with_limit(
        &self,
        target: NameTarget,
        name: &str,
        max_chars: usize,
    ) -> Result<Query<()>, OperationError> {
        let request = Request::Rename {
            target,
            name: name.into(),
        };
        self.check_feature(request.feature())?;
        target.validate(self.port_limit())?;
        names::validate_name(name, max_chars)?;
        self.acknowledged(&request)
    }

    /// Builds an operation that reads energy statistics of every port.
    ///
    /// # Errors
    ///
    /// Returns [`OperationError::Unsupported`] on firmware 5.x and over V3.
    pub fn read_statistics(
        &self,
        kind: StatisticsKind,
    ) -> Result<Query<Statistics>, OperationError> {
        let exchange = self.checked_exchange(&Request::Statistics { kind })?;
        Ok(Query::new(
            exchange,
            Box::new(move |data| stats::parse_statistics(data.as_ref(), kind)),
        ))
    }

    /// Builds an operation that reads the device clock (local time, no offset).
    ///
    /// # Errors
    ///
    /// Returns [`OperationError::Unsupported`] on firmware 5.x and over V3.
    pub fn read_device_time(&self) -> Result<Query<DateTime>, OperationError> {
        let exchange = self.checked_exchange(&Request::DeviceTime)?;
        Ok(Query::new(
            exchange,
            Box::new(|data| clock::parse_device_time(data.as_ref())),
        ))
    }

    /// Builds an operation that reads the hardware identifiers (command 124).
    ///
    /// # Errors
    ///
    /// Returns [`OperationError::Unsupported`] on firmware 5.x and over V3.
    pub fn read_hardware_ids(&self) -> Result<Query<HardwareIds>, OperationError> {
        let exchange = self.checked_exchange(&Request::HardwareIds)?;
        Ok(Query::new(
            exchange,
            Box::new(|data| ids::parse_hardware_ids(data.as_ref())),
        ))
    }

    /// Builds an operation that reads the switch state of every port (command 513).
    ///
    /// # Errors
    ///
    /// Returns [`OperationError::Unsupported`] on firmware 5.x and over V3.
    pub fn read_switch_states(&self) -> Result<Query<Vec<bool>>, OperationError> {
        let exchange = self.checked_exchange(&Request::SwitchStates)?;
        Ok(Query::new(
            exchange,
            Box::new(|data| status::parse_switch_states(data.as_ref())),
        ))
    }

    /// Builds an operation that resets the device to factory settings, clearing all
    /// settings and statistics.
    ///
    /// The request is sent once, without retries, because it is not
    /// [idempotent](Request::is_idempotent).
    ///
    /// # Errors
    ///
    /// Returns [`OperationError::Unsupported`] on firmware 5.x and over V3.
    pub fn factory_reset(&self) -> Result<Query<()>, OperationError> {
        self.check_feature(Request::FactoryReset.feature())?;
        self.acknowledged(&Request::FactoryReset)
    }

    /// Builds an operation that sets the master/slave setup.
    ///
    /// # Errors
    ///
    /// Returns [`OperationError::Unsupported`] on firmware 5.x and over V3, and
    /// [`OperationError::InvalidArgument`] when the roles do not cover every port or name
    /// more than one master.
    pub fn set_master_slave(&self, setup: &MasterSlave) -> Result<Query<()>, OperationError> {
        let request = Request::SetMasterSlave(setup.clone());
        self.check_feature(request.feature())?;
        setup.validate(self.port_limit())?;
        self.acknowledged(&request)
    }

    /// Builds an operation that reads the master/slave setup.
    ///
    /// # Errors
    ///
    /// Returns [`OperationError::Unsupported`] on firmware 5.x and over V3.
    pub fn read_master_slave(&self) -> Result<Query<MasterSlave>, OperationError> {
        let exchange = self.checked_exchange(&Request::MasterSlave)?;
        Ok(Query::new(
            exchange,
            Box::new(|data| config::master::parse_master_slave(data.as_ref())),
        ))
    }

    /// Builds an operation that sets a switch-off timer.
    ///
    /// # Errors
    ///
    /// Returns [`OperationError::Unsupported`] on firmware 5.x and over V3, and
    /// [`InvalidArgument::PortOutOfRange`] for a port the device does not have.
    pub fn set_timer(&self, setting: &TimerSetting) -> Result<Query<()>, OperationError> {
        let request = Request::SetTimer(*setting);
        self.check_feature(request.feature())?;
        self.check_port(setting.port)?;
        self.acknowledged(&request)
    }

    /// Builds an operation that reads the timer of one port.
    ///
    /// # Errors
    ///
    /// Returns [`OperationError::Unsupported`] on firmware 5.x and over V3, and
    /// [`InvalidArgument::PortOutOfRange`] for a port the device does not have.
    pub fn read_timer(&self, port: u8) -> Result<Query<Timer>, OperationError> {
        let request = Request::Timer { port };
        self.check_feature(request.feature())?;
        self.check_port(port)?;
        let exchange = self.exchange(&request)?;
        Ok(Query::new(
            exchange,
            Box::new(|data| config::timer::parse_timer(data.as_ref())),
        ))
    }

    /// Builds an operation that sets the energy price and currency.
    ///
    /// # Errors
    ///
    /// Returns [`OperationError::Unsupported`] on firmware 5.x and over V3.
    pub fn set_price(&self, price: &Price) -> Result<Query<()>, OperationError> {
        let request = Request::SetPrice(price.clone());
        self.check_feature(request.feature())?;
        self.acknowledged(&request)
    }

    /// Builds an operation that creates, edits or deletes a rule.
    ///
    /// A creation is sent once, without retries, because a resend after a lost
    /// acknowledgement would add the rule twice. Edits and deletions are retried.
    ///
    /// # Errors
    ///
    /// Returns [`OperationError::Unsupported`] on firmware 5.x and over V3, and
    /// [`OperationError::InvalidArgument`] for a rule that
    /// [`Rule::validate`](crate::config::Rule::validate) rejects.
    pub fn change_rule(&self, change: &RuleChange) -> Result<Query<()>, OperationError> {
        let request = Request::ChangeRule(change.clone());
        self.check_feature(request.feature())?;
        change.rule().validate(self.port_limit())?;
        self.acknowledged(&request)
    }

    /// Builds an operation that lists the rules.
    ///
    /// # Errors
    ///
    /// Returns [`OperationError::Unsupported`] on firmware 5.x and over V3.
    pub fn read_rules(&self) -> Result<Query<RuleList>, OperationError> {
        let exchange = self.checked_exchange(&Request::Rules { page: 0 })?;
        Ok(Query::new(
            exchange,
            Box::new(|data| config::rules::parse_rules(data.as_ref())),
        ))
    }

    /// Builds an operation that sets random mode.
    ///
    /// # Errors
    ///
    /// Returns [`OperationError::Unsupported`] on firmware 5.x and over V3, and
    /// [`OperationError::InvalidArgument`] for a setup that
    /// [`RandomMode::validate`] rejects.
    pub fn set_random_mode(&self, mode: &RandomMode) -> Result<Query<()>, OperationError> {
        let request = Request::SetRandomMode(mode.clone());
        self.check_feature(request.feature())?;
        mode.validate(self.port_limit())?;
        self.acknowledged(&request)
    }

    /// Builds an operation that reads random mode with command 517.
    ///
    /// The reply format is inferred to mirror the fields of command 207; no published
    /// payload exists for any firmware.
    ///
    /// # Errors
    ///
    /// Returns [`OperationError::Unsupported`] on firmware 5.x and over V3.
    pub fn read_random_mode(&self) -> Result<Query<RandomMode>, OperationError> {
        let exchange = self.checked_exchange(&Request::RandomMode)?;
        Ok(Query::new(
            exchange,
            Box::new(|data| config::random::parse_random_mode(data.as_ref())),
        ))
    }

    /// Builds a query whose reply is an acknowledgement without data.
    fn acknowledged(&self, request: &Request) -> Result<Query<()>, OperationError> {
        let exchange = self.exchange(request)?;
        Ok(Query::new(exchange, Box::new(|_| Ok(()))))
    }

    fn check_port(&self, port: u8) -> Result<(), InvalidArgument> {
        let port_count = self.port_limit();
        if (1..=port_count).contains(&port) {
            return Ok(());
        }
        Err(InvalidArgument::PortOutOfRange { port, port_count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Currency, PortAction, Rule, Schedule, Weekdays};
    use crate::instant::Instant;
    use crate::machine::{Input, Operation, Protocol, Transmit};
    use alloc::string::String;
    use core::net::SocketAddr;

    fn context(firmware: &str, port_count: u8) -> DeviceContext {
        let mut context = DeviceContext::new("127.0.0.7".parse().unwrap());
        context.firmware = Some(firmware.into());
        context.port_count = Some(port_count);
        context
    }

    fn http_address() -> SocketAddr {
        "127.0.0.7:80".parse().unwrap()
    }

    /// Sends the first request of `query`, feeds `body` back and returns the result.
    fn run<T>(query: &mut Query<T>, body: &[u8]) -> (String, Result<T, OperationError>) {
        let Some(Transmit::Http { target, .. }) = query.poll_transmit(Instant::ZERO) else {
            panic!("expected an HTTP request");
        };
        query.handle_input(
            Instant::ZERO,
            Input::HttpResponse {
                from: http_address(),
                body,
            },
        );
        (
            target,
            query.poll_output().expect("the reply ends the query"),
        )
    }

    #[test]
    fn statistics_query_reads_fixture() {
        let mut query = context("1.30", 6)
            .read_statistics(StatisticsKind::Monthly)
            .unwrap();
        let (target, result) = run(&mut query, fixture!("v1.30/v1.30-strip-510-monthly.json"));
        assert_eq!(target, "/?cmd=510&json=%7B%22type%22%3A2%7D");
        let stats = result.unwrap();
        assert_eq!(stats.port_totals()[4], 136500.0);
    }

    #[test]
    fn wrong_statistics_kind_is_invalid_reply() {
        let mut query = context("1.30", 6)
            .read_statistics(StatisticsKind::Daily)
            .unwrap();
        let (_, result) = run(&mut query, fixture!("v1.30/v1.30-strip-510-hourly.json"));
        assert!(matches!(
            result,
            Err(OperationError::InvalidReply { command: 510, .. })
        ));
    }

    #[test]
    fn device_time_and_ids_queries_read_fixtures() {
        let context = context("1.30", 6);
        let (target, time) = run(
            &mut context.read_device_time().unwrap(),
            fixture!("v1.30/v1.30-strip-502.json"),
        );
        assert_eq!(target, "/?cmd=502");
        assert_eq!(
            time.unwrap(),
            DateTime::new(2018, 10, 13, 0, 23, 35).unwrap()
        );
        let (_, ids) = run(
            &mut context.read_hardware_ids().unwrap(),
            fixture!("other/124.json"),
        );
        assert_eq!(ids.unwrap().server.as_deref(), Some("www.maxsmart.ch"));
        let (_, states) = run(
            &mut context.read_switch_states().unwrap(),
            fixture!("v1.30/513.json"),
        );
        assert_eq!(states.unwrap(), [true, false, false, true, true, true]);
    }

    #[test]
    fn settings_queries_read_fixtures() {
        let context = context("1.30", 6);
        let (_, setup) = run(
            &mut context.read_master_slave().unwrap(),
            fixture!("v1.30/512.json"),
        );
        assert_eq!(setup.unwrap().master(), Some(1));
        let (target, timer) = run(
            &mut context.read_timer(3).unwrap(),
            fixture!("v1.30/515.json"),
        );
        assert_eq!(target, "/?cmd=515&json=%7B%22port%22%3A3%7D");
        assert_eq!(timer.unwrap().delay_minutes, 5);
        let (_, rules) = run(
            &mut context.read_rules().unwrap(),
            fixture!("v1.30/516.json"),
        );
        assert_eq!(rules.unwrap().rules.len(), 2);
    }

    #[test]
    fn acknowledged_commands_complete_on_their_ack() {
        let context = context("1.30", 6);
        let price = Price::new("0.21", Currency::SwissFranc).unwrap();
        let cases: [(Query<()>, &[u8]); 4] = [
            (
                context.factory_reset().unwrap(),
                fixture!("v1.30/ack-120.json"),
            ),
            (
                context.rename(NameTarget::Device, "Salon").unwrap(),
                fixture!("v1.30/ack-201.json"),
            ),
            (
                context.set_price(&price).unwrap(),
                fixture!("v1.30/ack-205.json"),
            ),
            (
                context
                    .set_timer(&TimerSetting {
                        port: 1,
                        start: DateTime::new(2018, 10, 20, 0, 11, 30).unwrap(),
                        delay_minutes: 2,
                    })
                    .unwrap(),
                fixture!("v1.30/ack-204.json"),
            ),
        ];
        for (mut query, ack) in cases {
            let (target, result) = run(&mut query, ack);
            assert_eq!(result, Ok(()), "{target}");
        }
    }

    #[test]
    fn ack_for_another_command_is_ignored() {
        let mut query = context("1.30", 6).factory_reset().unwrap();
        assert!(query.poll_transmit(Instant::ZERO).is_some());
        let stale = fixture!("v1.30/ack-200.json");
        query.handle_input(
            Instant::ZERO,
            Input::HttpResponse {
                from: http_address(),
                body: stale,
            },
        );
        assert!(query.poll_output().is_none());
        let ack = fixture!("v1.30/ack-120.json");
        query.handle_input(
            Instant::ZERO,
            Input::HttpResponse {
                from: http_address(),
                body: ack,
            },
        );
        assert_eq!(query.poll_output(), Some(Ok(())));
    }

    /// Sends the first request of `query` and lets every deadline pass, returning the
    /// result and how many requests went out.
    fn run_silent(query: &mut Query<()>) -> (Result<(), OperationError>, usize) {
        let mut sent = 0;
        let mut now = Instant::ZERO;
        for _ in 0..20 {
            while query.poll_transmit(now).is_some() {
                sent += 1;
            }
            if let Some(result) = query.poll_output() {
                return (result, sent);
            }
            now = query
                .poll_timeout()
                .expect("a silent query waits for a deadline");
            query.handle_timeout(now);
        }
        panic!("the query did not end");
    }

    #[test]
    fn non_idempotent_commands_are_sent_once() {
        let context = context("1.30", 6);
        assert_eq!(context.retry.attempts, 3);
        let rule = Rule {
            id: 4,
            enabled: true,
            actions: alloc::vec![PortAction::Off; 6],
            minute_of_day: 600,
            schedule: Schedule::Weekly(Weekdays::EVERY_DAY),
        };
        let cases = [
            (context.factory_reset().unwrap(), 120, 1),
            (
                context
                    .change_rule(&RuleChange::Create(rule.clone()))
                    .unwrap(),
                206,
                1,
            ),
            (
                context.change_rule(&RuleChange::Edit(rule)).unwrap(),
                206,
                3,
            ),
            (context.rename(NameTarget::Device, "Salon").unwrap(), 201, 3),
        ];
        for (mut query, command, attempts) in cases {
            let (result, sent) = run_silent(&mut query);
            assert_eq!(
                result,
                Err(OperationError::Timeout { command, attempts }),
                "command {command}"
            );
            assert_eq!(sent, attempts as usize, "command {command}");
        }
    }

    #[test]
    fn rename_rejected_on_211_and_v3() {
        let error = context("2.11", 6)
            .rename(NameTarget::Port(1), "TV")
            .unwrap_err();
        assert!(matches!(
            error,
            OperationError::Unsupported(crate::error::Unsupported {
                operation: "rename",
                ..
            })
        ));
        let mut udp = context("5.11", 6);
        udp.protocol = Protocol::UdpV3;
        assert!(matches!(
            udp.read_statistics(StatisticsKind::Daily),
            Err(OperationError::Unsupported(_))
        ));
        assert!(udp.read_status().poll_transmit(Instant::ZERO).is_some());
    }

    #[test]
    fn arguments_are_checked_against_the_port_count() {
        let plug = context("1.30", 1);
        assert!(matches!(
            plug.rename(NameTarget::Port(2), "Lamp"),
            Err(OperationError::InvalidArgument(
                InvalidArgument::PortOutOfRange {
                    port: 2,
                    port_count: 1
                }
            ))
        ));
        assert!(plug.rename(NameTarget::Device, "Lamp").is_ok());
        assert!(plug.read_timer(0).is_err());
        let long: String = core::iter::repeat_n('x', 25).collect();
        assert!(matches!(
            plug.rename(NameTarget::Port(1), &long),
            Err(OperationError::InvalidArgument(
                InvalidArgument::NameTooLong { .. }
            ))
        ));
        assert!(
            plug.rename_with_limit(NameTarget::Port(1), &long, 32)
                .is_ok()
        );
        let rule = Rule {
            id: 1,
            enabled: true,
            actions: alloc::vec![PortAction::On; 6],
            minute_of_day: 0,
            schedule: Schedule::Weekly(Weekdays::EVERY_DAY),
        };
        assert!(plug.change_rule(&RuleChange::Create(rule)).is_err());
    }

    #[test]
    fn unknown_firmware_is_allowed_to_try() {
        let mut context = DeviceContext::new("127.0.0.7".parse().unwrap());
        context.firmware = None;
        assert!(context.read_statistics(StatisticsKind::Hourly).is_ok());
        assert!(context.rename(NameTarget::Port(6), "Desk").is_ok());
        assert!(context.rename(NameTarget::Port(7), "Desk").is_err());
    }
}
