//! Switching a port, then reading the state back until it shows the change.

use core::time::Duration;

use super::{DeviceContext, Exchange, Input, Operation, Query, Transmit};
use crate::error::OperationError;
use crate::instant::Instant;
use crate::port::PortSelector;
use crate::status::Status;

/// The verification settings of a switch command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyPolicy {
    /// How many times the state is read back; 0 skips verification.
    pub checks: u32,
    /// The pause before each read after the first.
    pub delay: Duration,
}

impl Default for VerifyPolicy {
    /// Returns three checks 500 ms apart.
    fn default() -> Self {
        VerifyPolicy {
            checks: 3,
            delay: Duration::from_millis(500),
        }
    }
}

/// Sends a switch command (HTTP 200 or V3 20), then reads the status until the port shows
/// the requested state.
///
/// The output is the status that confirmed the change, or the status after the command when
/// verification is off. That unverified status may still show the old state, which
/// [`Status::shows_state`] tells. After the last failed check the result is
/// [`OperationError::StateUnchanged`].
///
/// # Calling contract
///
/// Drive it like an [`Exchange`]: it sends the command, then one status read per check with a
/// pause of [`VerifyPolicy::delay`] between checks. Each step retries as the context's
/// [`RetryPolicy`](super::RetryPolicy) sets, and a failed step ends the operation.
#[derive(Debug)]
pub struct Switch {
    context: DeviceContext,
    port: PortSelector,
    on: bool,
    checks: u32,
    stage: Stage,
    output: Option<Result<Status, OperationError>>,
}

#[derive(Debug)]
enum Stage {
    Command(Exchange),
    Check(Query<Status>),
    Pause { until: Instant },
    Done,
}

impl Switch {
    pub(super) fn new(
        context: DeviceContext,
        command: Exchange,
        port: PortSelector,
        on: bool,
    ) -> Self {
        Switch {
            context,
            port,
            on,
            checks: 0,
            stage: Stage::Command(command),
            output: None,
        }
    }

    fn is_confirmed(&self, status: &Status) -> bool {
        status.shows_state(self.port, self.on)
    }

    fn start_check(&mut self) {
        self.checks += 1;
        self.stage = Stage::Check(self.context.read_status());
    }

    fn finish(&mut self, result: Result<Status, OperationError>) {
        self.stage = Stage::Done;
        self.output = Some(result);
    }

    /// Moves to the next stage when the current one has produced its result.
    fn advance(&mut self, now: Instant) {
        match &mut self.stage {
            Stage::Command(exchange) => match exchange.poll_output() {
                None => {}
                Some(Err(error)) => self.finish(Err(error)),
                Some(Ok(_)) if self.context.verify.checks == 0 => {
                    self.checks = 0;
                    self.stage = Stage::Check(self.context.read_status());
                }
                Some(Ok(_)) => self.start_check(),
            },
            Stage::Check(query) => match query.poll_output() {
                None => {}
                Some(Err(error)) => self.finish(Err(error)),
                Some(Ok(status)) => self.checked(now, status),
            },
            Stage::Pause { .. } | Stage::Done => {}
        }
    }

    fn checked(&mut self, now: Instant, status: Status) {
        let verify = self.context.verify;
        if verify.checks == 0 || self.is_confirmed(&status) {
            self.finish(Ok(status));
        } else if self.checks >= verify.checks {
            tracing::debug!(
                port = self.port.wire_number(),
                checks = self.checks,
                "state unchanged"
            );
            self.finish(Err(OperationError::StateUnchanged {
                port: self.port.wire_number(),
                on: self.on,
                checks: self.checks,
            }));
        } else {
            self.stage = Stage::Pause {
                until: now + verify.delay,
            };
        }
    }
}

impl Operation for Switch {
    type Output = Status;

    fn poll_transmit(&mut self, now: Instant) -> Option<Transmit> {
        match &mut self.stage {
            Stage::Command(exchange) => exchange.poll_transmit(now),
            Stage::Check(query) => query.poll_transmit(now),
            Stage::Pause { .. } | Stage::Done => None,
        }
    }

    fn handle_input(&mut self, now: Instant, input: Input<'_>) {
        match &mut self.stage {
            Stage::Command(exchange) => exchange.handle_input(now, input),
            Stage::Check(query) => query.handle_input(now, input),
            Stage::Pause { .. } | Stage::Done => return,
        }
        self.advance(now);
    }

    fn handle_timeout(&mut self, now: Instant) {
        match &mut self.stage {
            Stage::Command(exchange) => exchange.handle_timeout(now),
            Stage::Check(query) => query.handle_timeout(now),
            Stage::Pause { until } if now >= *until => self.start_check(),
            Stage::Pause { .. } | Stage::Done => return,
        }
        self.advance(now);
    }

    fn poll_timeout(&self) -> Option<Instant> {
        match &self.stage {
            Stage::Command(exchange) => exchange.poll_timeout(),
            Stage::Check(query) => query.poll_timeout(),
            Stage::Pause { until } => Some(*until),
            Stage::Done => None,
        }
    }

    fn poll_output(&mut self) -> Option<Result<Status, OperationError>> {
        self.output.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::Protocol;
    use core::net::SocketAddr;

    fn at(millis: u64) -> Instant {
        Instant::from_elapsed(Duration::from_millis(millis))
    }

    fn context() -> DeviceContext {
        let mut context = DeviceContext::new("127.0.0.5".parse().unwrap());
        context.protocol = Protocol::UdpV3;
        context.port_count = Some(6);
        context
    }

    fn device() -> SocketAddr {
        "127.0.0.5:8888".parse().unwrap()
    }

    fn feed(switch: &mut Switch, now: Instant, payload: &[u8]) {
        switch.handle_input(
            now,
            Input::Datagram {
                from: device(),
                payload,
            },
        );
    }

    const ACK: &[u8] = br#"V3{"response":20,"code":200}"#;
    const PORT1_OFF: &[u8] =
        br#"V3{"response":90,"code":200,"data":{"switch":[0,0,0,0,0,0],"watt":[0,0,0,0,0,0]}}"#;
    const PORT1_ON: &[u8] =
        br#"V3{"response":90,"code":200,"data":{"switch":[1,0,0,0,0,0],"watt":[5000,0,0,0,0,0]}}"#;

    #[test]
    fn confirmed_on_first_check() {
        let mut switch = context().switch(PortSelector::One(1), true).unwrap();
        let Some(Transmit::Udp { payload, .. }) = switch.poll_transmit(at(0)) else {
            panic!("expected a datagram");
        };
        assert_eq!(payload, br#"V3{"cmd":20,"port":1,"state":1}"#);
        feed(&mut switch, at(5), ACK);
        let Some(Transmit::Udp { payload, .. }) = switch.poll_transmit(at(5)) else {
            panic!("expected a status query");
        };
        assert_eq!(payload, br#"V3{"cmd":90}"#);
        feed(&mut switch, at(10), PORT1_ON);
        let status = switch.poll_output().unwrap().unwrap();
        assert_eq!(status.ports[0].watts, Some(5.0));
    }

    #[test]
    fn unchanged_state_fails_after_all_checks() {
        let mut switch = context().switch(PortSelector::One(1), true).unwrap();
        let _ = switch.poll_transmit(at(0));
        feed(&mut switch, at(1), ACK);
        let mut now = at(1);
        for check in 1..=3 {
            assert!(switch.poll_transmit(now).is_some(), "check {check} sent");
            feed(&mut switch, now, PORT1_OFF);
            if check < 3 {
                assert!(switch.poll_output().is_none());
                now = switch.poll_timeout().unwrap();
                switch.handle_timeout(now);
            }
        }
        assert_eq!(
            switch.poll_output(),
            Some(Err(OperationError::StateUnchanged {
                port: 1,
                on: true,
                checks: 3
            }))
        );
    }

    #[test]
    fn second_check_can_confirm() {
        let mut switch = context().switch(PortSelector::One(1), true).unwrap();
        let _ = switch.poll_transmit(at(0));
        feed(&mut switch, at(1), ACK);
        let _ = switch.poll_transmit(at(1));
        feed(&mut switch, at(2), PORT1_OFF);
        let pause_end = switch.poll_timeout().unwrap();
        assert_eq!(pause_end, at(502));
        switch.handle_timeout(pause_end);
        assert!(switch.poll_transmit(pause_end).is_some());
        feed(&mut switch, pause_end, PORT1_ON);
        assert!(switch.poll_output().unwrap().is_ok());
    }

    #[test]
    fn rejected_command_skips_verification() {
        let mut switch = context().switch(PortSelector::All, false).unwrap();
        let _ = switch.poll_transmit(at(0));
        feed(&mut switch, at(1), br#"V3{"response":20,"code":400}"#);
        assert!(matches!(
            switch.poll_output(),
            Some(Err(OperationError::Device(_)))
        ));
        assert_eq!(switch.poll_transmit(at(2)), None);
    }
}
