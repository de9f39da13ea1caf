//! One request and its reply, with a timeout per attempt and retries with backoff.

use serde_json::Value;

use super::{Input, Operation, RetryPolicy, Transmit, TransportFailure};
use crate::error::OperationError;
use crate::http::{self, ReplyError};
use crate::instant::Instant;
use crate::quirks::{Quirk, QuirkLog, report_quirk};
use crate::v3;

/// Sends one request and waits for its reply, retrying timeouts and transport failures.
///
/// A reply matches when it comes from the address the request went to and its `response`
/// names the command. Inputs from other sources and replies to other commands are ignored,
/// over HTTP and UDP alike, and so are undecodable datagrams, so late and duplicate replies do
/// no harm. A reply with a failure code or an undecodable HTTP body ends the exchange at once
/// without a retry.
///
/// The output is the reply's `data`, `None` for an acknowledgement.
///
/// # Calling contract
///
/// Call [`Operation::poll_transmit`] first: it sends the request and starts the attempt's
/// timer. Feed every HTTP response, HTTP failure and datagram. Call
/// [`Operation::handle_timeout`] at [`Operation::poll_timeout`], then `poll_transmit` again,
/// because a timeout may schedule a retry after a backoff pause. HTTP failures count as
/// failed attempts at once, without waiting for the timer.
#[derive(Debug, Clone)]
pub struct Exchange {
    command: u16,
    transmit: Transmit,
    policy: RetryPolicy,
    attempts: u32,
    state: State,
    last_failure: Option<TransportFailure>,
    output: Option<Result<Option<Value>, OperationError>>,
    /// The quirks already warned about. A [`Poller`](super::Poller) carries it from one
    /// poll's exchange to the next.
    pub(super) quirks: QuirkLog,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Ready,
    Waiting { deadline: Instant },
    Backoff { until: Instant },
    Done,
}

impl Exchange {
    /// Creates an exchange that sends `transmit` and expects a reply to `command`.
    pub fn new(command: u16, transmit: Transmit, policy: RetryPolicy) -> Self {
        Exchange {
            command,
            transmit,
            policy,
            attempts: 0,
            state: State::Ready,
            last_failure: None,
            output: None,
            quirks: QuirkLog::default(),
        }
    }

    /// Returns the command number this exchange waits for.
    pub fn command(&self) -> u16 {
        self.command
    }

    /// Returns the message this exchange sends.
    pub fn transmit(&self) -> &Transmit {
        &self.transmit
    }

    /// Returns how many times the request has been sent so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    fn is_udp(&self) -> bool {
        matches!(self.transmit, Transmit::Udp { .. })
    }

    fn destination(&self) -> core::net::SocketAddr {
        match &self.transmit {
            Transmit::Http { to, .. } | Transmit::Udp { to, .. } => *to,
        }
    }

    fn finish(&mut self, result: Result<Option<Value>, OperationError>) {
        self.state = State::Done;
        self.output = Some(result);
    }

    fn finish_reply(&mut self, result: Result<Option<Value>, ReplyError>) {
        let command = self.command;
        self.finish(result.map_err(|error| match error {
            ReplyError::Device(device) => OperationError::Device(device),
            ReplyError::Parse(error) => OperationError::InvalidReply { command, error },
        }));
    }

    /// Schedules a retry after a failed attempt, or ends the exchange after the last one.
    fn attempt_failed(&mut self, now: Instant) {
        if self.attempts >= self.policy.attempts.max(1) {
            let error = match self.last_failure {
                Some(failure) => OperationError::Transport {
                    command: self.command,
                    attempts: self.attempts,
                    failure,
                },
                None => OperationError::Timeout {
                    command: self.command,
                    attempts: self.attempts,
                },
            };
            self.finish(Err(error));
            return;
        }
        let pause = self.policy.backoff_after(self.attempts);
        tracing::debug!(
            command = self.command,
            attempt = self.attempts,
            ?pause,
            "retrying"
        );
        self.state = State::Backoff { until: now + pause };
    }

    fn handle_http(&mut self, body: &[u8]) {
        tracing::trace!(command = self.command, bytes = body.len(), "http reply");
        let envelope = match http::parse_envelope(body) {
            Ok(envelope) => envelope,
            Err(error) => return self.finish_reply(Err(error.into())),
        };
        if envelope.response != self.command {
            // A stale connection of an earlier command, such as a duplicate acknowledgement
            // of a retried switch arriving while its state is read back.
            tracing::debug!(
                command = self.command,
                response = envelope.response,
                "ignoring http reply for another command"
            );
            return;
        }
        self.finish_reply(envelope.into_data(self.command));
    }

    fn handle_datagram(&mut self, payload: &[u8]) {
        let reply = match v3::parse_reply(payload) {
            Ok(reply) => reply,
            Err(error) => {
                tracing::debug!(command = self.command, %error, "ignoring undecodable datagram");
                return;
            }
        };
        if reply.envelope.response != self.command {
            tracing::debug!(
                command = self.command,
                response = reply.envelope.response,
                "ignoring datagram for another command"
            );
            return;
        }
        if !reply.prefixed {
            report_quirk!(
                self.quirks,
                Quirk::V3ReplyWithoutPrefix,
                command = self.command,
                "V3 reply without its prefix"
            );
        }
        self.finish_reply(reply.envelope.into_data(self.command));
    }
}

impl Operation for Exchange {
    type Output = Option<Value>;

    fn poll_transmit(&mut self, now: Instant) -> Option<Transmit> {
        if self.state != State::Ready {
            return None;
        }
        self.attempts += 1;
        self.state = State::Waiting {
            deadline: now + self.policy.timeout,
        };
        tracing::trace!(command = self.command, attempt = self.attempts, "sending");
        Some(self.transmit.clone())
    }

    fn handle_input(&mut self, now: Instant, input: Input<'_>) {
        if !matches!(self.state, State::Waiting { .. }) {
            return;
        }
        let destination = self.destination();
        match input {
            Input::HttpResponse { from, body } if from == destination && !self.is_udp() => {
                self.handle_http(body);
            }
            Input::HttpFailed { from, failure } if from == destination && !self.is_udp() => {
                tracing::debug!(command = self.command, %failure, "http request failed");
                self.last_failure = Some(failure);
                self.attempt_failed(now);
            }
            Input::Datagram { from, payload } if from == destination && self.is_udp() => {
                self.handle_datagram(payload);
            }
            _ => tracing::debug!(command = self.command, "ignoring input from another source"),
        }
    }

    fn handle_timeout(&mut self, now: Instant) {
        match self.state {
            State::Waiting { deadline } if now >= deadline => {
                tracing::debug!(command = self.command, attempt = self.attempts, "timed out");
                self.last_failure = None;
                self.attempt_failed(now);
            }
            State::Backoff { until } if now >= until => self.state = State::Ready,
            _ => {}
        }
    }

    fn poll_timeout(&self) -> Option<Instant> {
        match self.state {
            State::Ready => None,
            State::Waiting { deadline } => Some(deadline),
            State::Backoff { until } => Some(until),
            State::Done => None,
        }
    }

    fn poll_output(&mut self) -> Option<Result<Option<Value>, OperationError>> {
        self.output.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DeviceError;
    use core::net::SocketAddr;
    use core::time::Duration;

    fn device() -> SocketAddr {
        "127.0.0.2:8888".parse().unwrap()
    }

    fn udp_exchange(attempts: u32) -> Exchange {
        let transmit = Transmit::Udp {
            to: device(),
            payload: b"V3{\"cmd\":90}".to_vec(),
        };
        let policy = RetryPolicy {
            timeout: Duration::from_secs(1),
            attempts,
            backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
        };
        Exchange::new(90, transmit, policy)
    }

    fn at(millis: u64) -> Instant {
        Instant::from_elapsed(Duration::from_millis(millis))
    }

    #[test]
    fn matching_datagram_completes() {
        let mut exchange = udp_exchange(3);
        assert!(exchange.poll_transmit(at(0)).is_some());
        let payload = fixture!("v5.11/v5.11-strip-v3-90.txt");
        exchange.handle_input(
            at(10),
            Input::Datagram {
                from: device(),
                payload,
            },
        );
        let data = exchange.poll_output().unwrap().unwrap().unwrap();
        assert_eq!(data["switch"][0], 1);
        assert_eq!(exchange.poll_timeout(), None);
    }

    #[test]
    fn datagram_from_other_source_is_ignored() {
        let mut exchange = udp_exchange(3);
        let _ = exchange.poll_transmit(at(0));
        let stranger: SocketAddr = "127.0.0.3:8888".parse().unwrap();
        let payload = fixture!("v5.11/v5.11-strip-v3-90.txt");
        exchange.handle_input(
            at(10),
            Input::Datagram {
                from: stranger,
                payload,
            },
        );
        assert!(exchange.poll_output().is_none());
        assert_eq!(exchange.poll_timeout(), Some(at(1000)));
    }

    #[test]
    fn reply_to_other_command_is_ignored() {
        let mut exchange = udp_exchange(3);
        let _ = exchange.poll_transmit(at(0));
        let payload = fixture!("v5.11/v5.11-strip-v3-20.txt");
        exchange.handle_input(
            at(10),
            Input::Datagram {
                from: device(),
                payload,
            },
        );
        assert!(exchange.poll_output().is_none());
    }

    #[test]
    fn timeouts_retry_with_backoff_then_fail() {
        let mut exchange = udp_exchange(2);
        assert!(exchange.poll_transmit(at(0)).is_some());
        exchange.handle_timeout(at(1000));
        assert_eq!(exchange.poll_transmit(at(1000)), None);
        assert_eq!(exchange.poll_timeout(), Some(at(1100)));
        exchange.handle_timeout(at(1100));
        assert!(exchange.poll_transmit(at(1100)).is_some());
        assert_eq!(exchange.attempts(), 2);
        exchange.handle_timeout(at(2100));
        assert_eq!(
            exchange.poll_output(),
            Some(Err(OperationError::Timeout {
                command: 90,
                attempts: 2
            }))
        );
    }

    #[test]
    fn late_reply_during_backoff_is_dropped() {
        let mut exchange = udp_exchange(2);
        let _ = exchange.poll_transmit(at(0));
        exchange.handle_timeout(at(1000));
        let payload = fixture!("v5.11/v5.11-strip-v3-90.txt");
        exchange.handle_input(
            at(1050),
            Input::Datagram {
                from: device(),
                payload,
            },
        );
        assert!(exchange.poll_output().is_none());
        exchange.handle_timeout(at(1100));
        assert!(exchange.poll_transmit(at(1100)).is_some());
        exchange.handle_input(
            at(1120),
            Input::Datagram {
                from: device(),
                payload,
            },
        );
        assert!(exchange.poll_output().unwrap().is_ok());
        assert_eq!(exchange.attempts(), 2);
    }

    #[test]
    fn huge_timeout_and_backoff_saturate() {
        let transmit = Transmit::Udp {
            to: device(),
            payload: b"V3{\"cmd\":90}".to_vec(),
        };
        let policy = RetryPolicy {
            timeout: Duration::MAX,
            attempts: 2,
            backoff: Duration::MAX,
            max_backoff: Duration::MAX,
        };
        let latest = Instant::from_elapsed(Duration::MAX);
        let mut exchange = Exchange::new(90, transmit, policy);
        assert!(exchange.poll_transmit(at(5)).is_some());
        assert_eq!(exchange.poll_timeout(), Some(latest));
        exchange.handle_timeout(latest);
        assert_eq!(exchange.poll_timeout(), Some(latest));
        exchange.handle_timeout(latest);
        assert!(exchange.poll_transmit(latest).is_some());
        assert_eq!(exchange.attempts(), 2);
    }

    #[test]
    fn early_timeout_call_changes_nothing() {
        let mut exchange = udp_exchange(1);
        let _ = exchange.poll_transmit(at(0));
        exchange.handle_timeout(at(999));
        assert!(exchange.poll_output().is_none());
        assert_eq!(exchange.poll_timeout(), Some(at(1000)));
    }

    #[test]
    fn code_400_fails_without_retry() {
        let mut exchange = udp_exchange(3);
        let _ = exchange.poll_transmit(at(0));
        let payload = br#"V3{"response":90,"code":400}"#;
        exchange.handle_input(
            at(10),
            Input::Datagram {
                from: device(),
                payload,
            },
        );
        assert_eq!(
            exchange.poll_output(),
            Some(Err(OperationError::Device(DeviceError {
                command: 90,
                code: 400
            })))
        );
        assert_eq!(exchange.attempts(), 1);
    }

    #[test]
    fn duplicate_after_completion_is_ignored() {
        let mut exchange = udp_exchange(3);
        let _ = exchange.poll_transmit(at(0));
        let payload = fixture!("v5.11/v5.11-strip-v3-90.txt");
        exchange.handle_input(
            at(10),
            Input::Datagram {
                from: device(),
                payload,
            },
        );
        assert!(exchange.poll_output().is_some());
        exchange.handle_input(
            at(11),
            Input::Datagram {
                from: device(),
                payload,
            },
        );
        assert!(exchange.poll_output().is_none());
    }

    #[test]
    fn refused_connections_end_in_a_transport_error() {
        let to: SocketAddr = "127.0.0.2:80".parse().unwrap();
        let transmit = Transmit::Http {
            to,
            target: "/?cmd=511".into(),
        };
        let policy = RetryPolicy {
            attempts: 2,
            ..RetryPolicy::default()
        };
        let mut exchange = Exchange::new(511, transmit, policy);
        let _ = exchange.poll_transmit(at(0));
        let failure = TransportFailure::ConnectionRefused;
        exchange.handle_input(at(1), Input::HttpFailed { from: to, failure });
        let retry_at = exchange.poll_timeout().unwrap();
        exchange.handle_timeout(retry_at);
        assert!(exchange.poll_transmit(retry_at).is_some());
        exchange.handle_input(retry_at, Input::HttpFailed { from: to, failure });
        assert_eq!(
            exchange.poll_output(),
            Some(Err(OperationError::Transport {
                command: 511,
                attempts: 2,
                failure
            }))
        );
    }

    #[test]
    fn http_reply_to_another_command_is_ignored() {
        let to: SocketAddr = "127.0.0.2:80".parse().unwrap();
        let transmit = Transmit::Http {
            to,
            target: "/?cmd=511".into(),
        };
        let mut exchange = Exchange::new(511, transmit, RetryPolicy::default());
        let _ = exchange.poll_transmit(at(0));
        let stale = fixture!("v1.30/ack-200.json");
        exchange.handle_input(
            at(1),
            Input::HttpResponse {
                from: to,
                body: stale,
            },
        );
        assert!(exchange.poll_output().is_none());
        let body = fixture!("v1.30/v1.30-strip-511.json");
        exchange.handle_input(at(2), Input::HttpResponse { from: to, body });
        assert!(exchange.poll_output().unwrap().is_ok());
    }

    #[test]
    fn malformed_http_body_is_an_invalid_reply() {
        let to: SocketAddr = "127.0.0.2:80".parse().unwrap();
        let transmit = Transmit::Http {
            to,
            target: "/?cmd=511".into(),
        };
        let mut exchange = Exchange::new(511, transmit, RetryPolicy::default());
        let _ = exchange.poll_transmit(at(0));
        exchange.handle_input(
            at(1),
            Input::HttpResponse {
                from: to,
                body: b"{\"respo",
            },
        );
        let result = exchange.poll_output().unwrap();
        assert!(matches!(
            result,
            Err(OperationError::InvalidReply { command: 511, .. })
        ));
    }
}
