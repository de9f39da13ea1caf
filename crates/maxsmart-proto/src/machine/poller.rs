//! Adaptive status polling: a steady interval, a faster burst after each command, and
//! events for switched ports, power changes and failed polls.

use alloc::collections::VecDeque;
use alloc::string::String;
use core::convert::Infallible;
use core::time::Duration;

use serde::Serialize;
use serde_json::Value;

use super::{DeviceContext, Exchange, Input, Operation, RetryPolicy, Transmit};
use crate::command::Request;
use crate::error::OperationError;
use crate::instant::Instant;
use crate::status::{self, Status, WattFormat};

/// How often and how sensitively a [`Poller`] polls.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PollConfig {
    /// The time from the start of one poll to the start of the next, normally.
    pub interval: Duration,
    /// The interval during a burst, after a command.
    pub burst_interval: Duration,
    /// How many polls a burst lasts.
    pub burst_polls: u32,
    /// The change in watts a port's power must exceed to raise
    /// [`PollEvent::PowerChanged`].
    pub power_threshold_watts: f64,
    /// How long one poll waits for its reply. A poll is not retried: the next poll is the
    /// retry.
    pub timeout: Duration,
    /// The maximum number of events kept until [`Poller::poll_event`] takes them. Older ones
    /// are dropped first.
    pub max_queued_events: usize,
}

impl Default for PollConfig {
    /// Returns a 5 s interval, bursts of 4 polls 2 s apart, a 1 W threshold, a 3 s timeout
    /// and room for 64 events.
    ///
    /// The intervals follow python-maxsmart 2.1.0, whose authors describe the official app
    /// polling every 5 s and every 2 s for a few polls after a command.
    fn default() -> Self {
        PollConfig {
            interval: Duration::from_secs(5),
            burst_interval: Duration::from_secs(2),
            burst_polls: 4,
            power_threshold_watts: 1.0,
            timeout: Duration::from_secs(3),
            max_queued_events: 64,
        }
    }
}

/// Something a [`Poller`] noticed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PollEvent {
    /// A poll succeeded; raised after the change events of the same poll.
    Polled {
        /// When the reply arrived.
        at: Instant,
        /// The status read.
        status: Status,
    },
    /// A port was switched on or off since the previous successful poll.
    PortSwitched {
        /// The port, numbered from 1.
        port: u8,
        /// The new state.
        on: bool,
    },
    /// A port's power changed by more than the threshold since the previous successful poll.
    PowerChanged {
        /// The port, numbered from 1.
        port: u8,
        /// The power at the previous poll, in watts.
        previous_watts: f64,
        /// The power now, in watts.
        watts: f64,
    },
    /// A poll failed; polling goes on at the normal schedule.
    PollFailed {
        /// The failure, serialized as its message.
        #[serde(serialize_with = "serialize_display")]
        error: OperationError,
        /// How many polls in a row have failed, this one included.
        consecutive_failures: u32,
    },
    /// Polling ended without being stopped, for instance because the task that ran it
    /// panicked or its runtime shut down, and no event follows. A runtime crate raises it,
    /// never a [`Poller`].
    PollingEnded {
        /// The reason polling ended.
        reason: String,
    },
}

/// Polls a device's status forever and reports what changed.
///
/// The first poll goes out at the instant given to [`Poller::new`]. Each interval counts from
/// the start of a poll. When a poll takes longer than the interval, the next one starts as soon
/// as it ends, so at most one poll is in flight. [`Poller::command_sent`] starts a burst: the
/// next [`PollConfig::burst_polls`] polls run [`PollConfig::burst_interval`] apart, the first
/// of them one burst interval after the command.
///
/// Change events compare each port present in both the previous and the new status, so
/// 1-port plugs and strips of any size are handled alike. The first successful poll only
/// sets the baseline, unless [`Poller::set_baseline`] gave one.
///
/// # Calling contract
///
/// Drive it with the [`Operation`] loop: send what [`Operation::poll_transmit`] returns, feed
/// replies with [`Operation::handle_input`], and call [`Operation::handle_timeout`] at
/// [`Operation::poll_timeout`], which always returns a deadline. It never produces an output.
/// Take events with [`Poller::poll_event`] after each call. Between polls it allocates
/// nothing; each poll allocates its request and the decoded reply.
#[derive(Debug)]
pub struct Poller {
    request: Exchange,
    expected: Option<WattFormat>,
    forced: Option<WattFormat>,
    config: PollConfig,
    next_due: Instant,
    in_flight: Option<Exchange>,
    burst_remaining: u32,
    latest: Option<Status>,
    events: VecDeque<PollEvent>,
    consecutive_failures: u32,
    dropped_events: u64,
}

impl Poller {
    /// Creates a poller for the device described by `context`; the first poll is due at
    /// `start`.
    ///
    /// The context's protocol, addresses, serial and watt-format override are copied now.
    ///
    /// ```
    /// use maxsmart_proto::machine::{DeviceContext, Operation, PollConfig, PollEvent, Poller};
    /// use maxsmart_proto::machine::{Input, Transmit};
    /// use maxsmart_proto::Instant;
    ///
    /// let context = DeviceContext::new([192, 0, 2, 10].into());
    /// let mut poller = Poller::new(&context, PollConfig::default(), Instant::ZERO);
    /// let Some(Transmit::Http { to, target }) = poller.poll_transmit(Instant::ZERO) else {
    ///     unreachable!("the first poll is due at once");
    /// };
    /// assert_eq!(target, "/?cmd=511");
    /// let body = br#"{"response":511,"code":200,"data":{"watt":["5.00"],"switch":[1]}}"#;
    /// poller.handle_input(Instant::ZERO, Input::HttpResponse { from: to, body });
    /// assert!(matches!(poller.poll_event(), Some(PollEvent::Polled { .. })));
    /// assert_eq!(poller.latest().unwrap().ports[0].watts, Some(5.0));
    /// ```
    pub fn new(context: &DeviceContext, config: PollConfig, start: Instant) -> Self {
        let template = context
            .exchange(&Request::Status)
            .expect("status requests have an HTTP and a V3 form");
        let policy = RetryPolicy {
            timeout: config.timeout,
            attempts: 1,
            backoff: Duration::ZERO,
            max_backoff: Duration::ZERO,
        };
        let request = Exchange::new(template.command(), template.transmit().clone(), policy);
        Poller {
            request,
            expected: context.expected_watt_format(),
            forced: context.watt_format,
            config,
            next_due: start,
            in_flight: None,
            burst_remaining: 0,
            latest: None,
            events: VecDeque::new(),
            consecutive_failures: 0,
            dropped_events: 0,
        }
    }

    /// Starts a burst of faster polls because a command was just sent at `now`.
    pub fn command_sent(&mut self, now: Instant) {
        self.burst_remaining = self.config.burst_polls;
        self.next_due = self.next_due.min(now + self.config.burst_interval);
        tracing::trace!(polls = self.burst_remaining, "poll burst started");
    }

    /// Sets the status later polls are compared with, such as the one
    /// [`Initialise`](super::Initialise) read.
    pub fn set_baseline(&mut self, status: Status) {
        self.latest = Some(status);
    }

    /// Returns the status of the last successful poll.
    pub fn latest(&self) -> Option<&Status> {
        self.latest.as_ref()
    }

    /// Returns the oldest event not yet taken.
    pub fn poll_event(&mut self) -> Option<PollEvent> {
        self.events.pop_front()
    }

    /// Returns how many polls in a row have failed; 0 after a success.
    pub fn consecutive_failures(&self) -> u32 {
        self.consecutive_failures
    }

    /// Returns how many events were dropped because the queue was full.
    pub fn dropped_events(&self) -> u64 {
        self.dropped_events
    }

    /// Returns when the next poll starts, or started when one is in flight.
    pub fn next_poll(&self) -> Instant {
        self.next_due
    }

    fn start_poll(&mut self, now: Instant) -> Option<Transmit> {
        self.burst_remaining = self.burst_remaining.saturating_sub(1);
        let interval = if self.burst_remaining > 0 {
            self.config.burst_interval
        } else {
            self.config.interval
        };
        self.next_due = now + interval;
        let exchange = self.in_flight.insert(self.request.clone());
        exchange.poll_transmit(now)
    }

    fn collect(&mut self, now: Instant) {
        let Some(exchange) = &mut self.in_flight else {
            return;
        };
        let Some(result) = exchange.poll_output() else {
            return;
        };
        let command = exchange.command();
        // The next poll's exchange starts from the template, so it keeps what this one
        // already warned about.
        self.request.quirks = exchange.quirks;
        self.in_flight = None;
        match result.and_then(|data| self.decode(command, data.as_ref())) {
            Ok(status) => self.polled(now, status),
            Err(error) => self.failed(error),
        }
    }

    fn decode(&mut self, command: u16, data: Option<&Value>) -> Result<Status, OperationError> {
        let quirks = &mut self.request.quirks;
        status::parse_status_logged(data, self.expected, self.forced, quirks)
            .map_err(|error| OperationError::InvalidReply { command, error })
    }

    fn polled(&mut self, now: Instant, status: Status) {
        self.consecutive_failures = 0;
        if let Some(previous) = self.latest.take() {
            self.compare(&previous, &status);
        }
        self.push(PollEvent::Polled {
            at: now,
            status: status.clone(),
        });
        self.latest = Some(status);
    }

    fn compare(&mut self, previous: &Status, current: &Status) {
        if previous.ports.len() != current.ports.len() {
            tracing::warn!(
                previous = previous.ports.len(),
                current = current.ports.len(),
                "port count changed between polls"
            );
        }
        for (before, now) in previous.ports.iter().zip(&current.ports) {
            if before.on != now.on {
                self.push(PollEvent::PortSwitched {
                    port: now.port,
                    on: now.on,
                });
            }
            let (Some(previous_watts), Some(watts)) = (before.watts, now.watts) else {
                continue;
            };
            if absolute(watts - previous_watts) > self.config.power_threshold_watts {
                self.push(PollEvent::PowerChanged {
                    port: now.port,
                    previous_watts,
                    watts,
                });
            }
        }
    }

    fn failed(&mut self, error: OperationError) {
        self.consecutive_failures = self.consecutive_failures.saturating_add(1);
        tracing::debug!(%error, failures = self.consecutive_failures, "poll failed");
        self.push(PollEvent::PollFailed {
            error,
            consecutive_failures: self.consecutive_failures,
        });
    }

    fn push(&mut self, event: PollEvent) {
        if self.events.len() >= self.config.max_queued_events.max(1) {
            self.events.pop_front();
            self.dropped_events += 1;
            tracing::debug!(
                dropped = self.dropped_events,
                "event queue full, dropping oldest"
            );
        }
        self.events.push_back(event);
    }
}

impl Operation for Poller {
    type Output = Infallible;

    fn poll_transmit(&mut self, now: Instant) -> Option<Transmit> {
        match &mut self.in_flight {
            Some(exchange) => exchange.poll_transmit(now),
            None if now >= self.next_due => self.start_poll(now),
            None => None,
        }
    }

    fn handle_input(&mut self, now: Instant, input: Input<'_>) {
        let Some(exchange) = &mut self.in_flight else {
            tracing::debug!("ignoring input between polls");
            return;
        };
        exchange.handle_input(now, input);
        self.collect(now);
    }

    fn handle_timeout(&mut self, now: Instant) {
        if let Some(exchange) = &mut self.in_flight {
            exchange.handle_timeout(now);
            self.collect(now);
        }
    }

    fn poll_timeout(&self) -> Option<Instant> {
        let in_flight = self.in_flight.as_ref().and_then(Exchange::poll_timeout);
        Some(in_flight.unwrap_or(self.next_due))
    }

    fn poll_output(&mut self) -> Option<Result<Infallible, OperationError>> {
        None
    }
}

fn serialize_display<S: serde::Serializer>(
    error: &OperationError,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(error)
}

/// Returns the absolute value; `f64::abs` needs `std` on the oldest supported toolchain.
fn absolute(value: f64) -> f64 {
    if value < 0.0 { -value } else { value }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::Protocol;
    use alloc::vec::Vec;
    use core::net::SocketAddr;

    fn at(millis: u64) -> Instant {
        Instant::from_elapsed(Duration::from_millis(millis))
    }

    fn http() -> SocketAddr {
        "127.0.0.30:80".parse().unwrap()
    }

    fn udp() -> SocketAddr {
        "127.0.0.30:8888".parse().unwrap()
    }

    fn http_poller() -> Poller {
        let context = DeviceContext::new("127.0.0.30".parse().unwrap());
        Poller::new(&context, PollConfig::default(), at(0))
    }

    fn v3_poller() -> Poller {
        let mut context = DeviceContext::new("127.0.0.30".parse().unwrap());
        context.protocol = Protocol::UdpV3;
        context.serial = Some("SWW1000000000005".into());
        Poller::new(&context, PollConfig::default(), at(0))
    }

    fn events(poller: &mut Poller) -> Vec<PollEvent> {
        core::iter::from_fn(|| poller.poll_event()).collect()
    }

    fn plug_body(on: bool, watts: &str) -> alloc::string::String {
        alloc::format!(
            r#"{{"response":511,"code":200,"data":{{"watt":["{watts}"],"amp":["0.1"],"switch":[{}]}}}}"#,
            u8::from(on)
        )
    }

    /// Runs one HTTP poll at `now` whose reply is `body`.
    fn answer(poller: &mut Poller, now: Instant, body: &[u8]) {
        assert!(poller.poll_transmit(now).is_some(), "poll due at {now:?}");
        assert_eq!(poller.poll_transmit(now), None);
        poller.handle_input(now, Input::HttpResponse { from: http(), body });
    }

    /// Returns the start instants of the polls sent until `end`, replying to each at once.
    fn poll_starts(
        poller: &mut Poller,
        end: Instant,
        on_poll: impl Fn(&mut Poller, Instant),
    ) -> Vec<u64> {
        let body = plug_body(true, "1.00");
        let mut starts = Vec::new();
        let mut now = at(0);
        while now <= end {
            if poller.poll_transmit(now).is_some() {
                starts.push(now.elapsed().as_millis() as u64);
                poller.handle_input(
                    now,
                    Input::HttpResponse {
                        from: http(),
                        body: body.as_bytes(),
                    },
                );
                on_poll(poller, now);
            }
            now = poller.poll_timeout().unwrap();
            poller.handle_timeout(now);
        }
        starts
    }

    #[test]
    fn steady_polling_every_five_seconds() {
        let mut poller = http_poller();
        let starts = poll_starts(&mut poller, at(20_000), |_, _| {});
        assert_eq!(starts, [0, 5000, 10_000, 15_000, 20_000]);
    }

    #[test]
    fn command_starts_a_burst_of_four_polls() {
        let mut poller = http_poller();
        answer(&mut poller, at(0), plug_body(true, "1.00").as_bytes());
        poller.command_sent(at(1000));
        assert_eq!(poller.poll_timeout(), Some(at(3000)));
        let starts = poll_starts(&mut poller, at(20_000), |_, _| {});
        assert_eq!(starts, [3000, 5000, 7000, 9000, 14_000, 19_000]);
    }

    #[test]
    fn command_during_burst_restarts_it() {
        let mut poller = http_poller();
        let starts = poll_starts(&mut poller, at(12_000), |poller, now| {
            if now == at(0) || now == at(4000) {
                poller.command_sent(now);
            }
        });
        assert_eq!(starts, [0, 2000, 4000, 6000, 8000, 10_000, 12_000]);
    }

    #[test]
    fn one_port_plug_reports_switch_and_power_changes() {
        let mut poller = http_poller();
        answer(&mut poller, at(0), plug_body(false, "0.00").as_bytes());
        assert!(matches!(
            events(&mut poller)[..],
            [PollEvent::Polled { .. }]
        ));

        answer(&mut poller, at(5000), plug_body(true, "35.40").as_bytes());
        let seen = events(&mut poller);
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[0], PollEvent::PortSwitched { port: 1, on: true });
        assert_eq!(
            seen[1],
            PollEvent::PowerChanged {
                port: 1,
                previous_watts: 0.0,
                watts: 35.4
            }
        );
        let PollEvent::Polled { at: when, status } = &seen[2] else {
            panic!("expected the snapshot last");
        };
        assert_eq!(*when, at(5000));
        assert_eq!(status.port_count(), 1);
        assert_eq!(poller.latest(), Some(status));
    }

    #[test]
    fn power_change_must_exceed_the_threshold() {
        let mut poller = http_poller();
        answer(&mut poller, at(0), plug_body(true, "10.00").as_bytes());
        answer(&mut poller, at(5000), plug_body(true, "10.90").as_bytes());
        answer(&mut poller, at(10_000), plug_body(true, "9.90").as_bytes());
        let changes: Vec<PollEvent> = events(&mut poller)
            .into_iter()
            .filter(|event| !matches!(event, PollEvent::Polled { .. }))
            .collect();
        assert!(changes.is_empty(), "{changes:?}");
        answer(&mut poller, at(15_000), plug_body(true, "8.80").as_bytes());
        assert!(matches!(
            poller.poll_event(),
            Some(PollEvent::PowerChanged { port: 1, .. })
        ));
    }

    #[test]
    fn silence_fails_one_poll_only() {
        let mut poller = http_poller();
        assert!(poller.poll_transmit(at(0)).is_some());
        assert_eq!(poller.poll_timeout(), Some(at(3000)));
        poller.handle_timeout(at(3000));
        assert_eq!(
            poller.poll_event(),
            Some(PollEvent::PollFailed {
                error: OperationError::Timeout {
                    command: 511,
                    attempts: 1
                },
                consecutive_failures: 1
            })
        );
        assert_eq!(poller.poll_timeout(), Some(at(5000)));
        assert_eq!(poller.poll_transmit(at(4000)), None);
        assert!(poller.poll_transmit(at(5000)).is_some());
        poller.handle_timeout(at(8000));
        assert_eq!(poller.consecutive_failures(), 2);
        let _ = events(&mut poller);
        answer(&mut poller, at(10_000), plug_body(true, "1.00").as_bytes());
        assert_eq!(poller.consecutive_failures(), 0);
        assert!(matches!(
            poller.poll_event(),
            Some(PollEvent::Polled { .. })
        ));
    }

    #[test]
    fn code_400_and_garbage_are_failed_polls() {
        let mut poller = http_poller();
        answer(&mut poller, at(0), br#"{"response":511,"code":400}"#);
        assert!(matches!(
            poller.poll_event(),
            Some(PollEvent::PollFailed {
                error: OperationError::Device(_),
                ..
            })
        ));
        answer(
            &mut poller,
            at(5000),
            br#"{"response":511,"code":200,"data":{"watt":[1]}}"#,
        );
        assert!(matches!(
            poller.poll_event(),
            Some(PollEvent::PollFailed {
                error: OperationError::InvalidReply { command: 511, .. },
                consecutive_failures: 2
            })
        ));
        assert_eq!(poller.latest(), None);
    }

    #[test]
    fn slow_reply_delays_next_poll() {
        let context = DeviceContext::new("127.0.0.30".parse().unwrap());
        let config = PollConfig {
            timeout: Duration::from_secs(8),
            ..PollConfig::default()
        };
        let mut poller = Poller::new(&context, config, at(0));
        assert!(poller.poll_transmit(at(0)).is_some());
        assert_eq!(poller.poll_timeout(), Some(at(8000)));
        assert_eq!(poller.poll_transmit(at(5000)), None);
        let body = plug_body(true, "1.00");
        poller.handle_input(
            at(7000),
            Input::HttpResponse {
                from: http(),
                body: body.as_bytes(),
            },
        );
        assert_eq!(poller.poll_timeout(), Some(at(5000)));
        assert!(poller.poll_transmit(at(7000)).is_some());
        assert_eq!(poller.next_poll(), at(12_000));
    }

    #[test]
    fn v3_milliwatts_and_duplicate_datagrams() {
        let mut poller = v3_poller();
        let Some(Transmit::Udp { payload, .. }) = poller.poll_transmit(at(0)) else {
            panic!("expected a datagram");
        };
        assert_eq!(payload, br#"V3{"sn":"SWW1000000000005","cmd":90}"#);
        let reply = fixture!("other/maxsmart2-plug-v3-90.txt");
        poller.handle_input(
            at(10),
            Input::Datagram {
                from: udp(),
                payload: reply,
            },
        );
        poller.handle_input(
            at(11),
            Input::Datagram {
                from: udp(),
                payload: reply,
            },
        );
        let seen = events(&mut poller);
        assert_eq!(seen.len(), 1, "the duplicate is dropped");
        let status = poller.latest().unwrap();
        assert_eq!(status.watt_format, WattFormat::Milliwatts);
        assert_eq!(status.ports[0].watts, Some(35.4));
    }

    #[test]
    fn missing_watts_raise_no_power_event() {
        let mut poller = http_poller();
        answer(&mut poller, at(0), plug_body(true, "50.00").as_bytes());
        answer(
            &mut poller,
            at(5000),
            br#"{"response":511,"code":200,"data":{"switch":[1]}}"#,
        );
        let seen = events(&mut poller);
        assert_eq!(seen.len(), 2);
        assert!(
            seen.iter()
                .all(|event| matches!(event, PollEvent::Polled { .. }))
        );
        assert_eq!(poller.latest().unwrap().ports[0].watts, None);
    }

    #[test]
    fn baseline_makes_the_first_poll_compare() {
        let mut poller = http_poller();
        let body = plug_body(false, "0.00");
        let data = crate::http::parse_reply(body.as_bytes(), 511).unwrap();
        poller.set_baseline(status::parse_status(data.as_ref(), None).unwrap());
        answer(&mut poller, at(0), plug_body(true, "0.00").as_bytes());
        assert_eq!(
            poller.poll_event(),
            Some(PollEvent::PortSwitched { port: 1, on: true })
        );
    }

    #[test]
    fn strip_that_shrinks_compares_common_ports() {
        let mut poller = http_poller();
        answer(&mut poller, at(0), fixture!("v1.30/v1.30-strip-511.json"));
        answer(&mut poller, at(5000), plug_body(true, "0.00").as_bytes());
        let seen = events(&mut poller);
        assert_eq!(seen[1], PollEvent::PortSwitched { port: 1, on: true });
        assert!(matches!(seen.last(), Some(PollEvent::Polled { .. })));
    }

    #[test]
    fn full_queue_drops_the_oldest_events() {
        let context = DeviceContext::new("127.0.0.30".parse().unwrap());
        let config = PollConfig {
            max_queued_events: 2,
            ..PollConfig::default()
        };
        let mut poller = Poller::new(&context, config, at(0));
        for step in 0..3u64 {
            let now = at(step * 5000);
            let body = plug_body(step % 2 == 0, "0.00");
            answer(&mut poller, now, body.as_bytes());
        }
        assert_eq!(poller.dropped_events(), 3);
        let seen = events(&mut poller);
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0], PollEvent::PortSwitched { port: 1, on: true });
    }

    #[test]
    fn huge_intervals_saturate() {
        let context = DeviceContext::new("127.0.0.30".parse().unwrap());
        let config = PollConfig {
            interval: Duration::MAX,
            burst_interval: Duration::MAX,
            timeout: Duration::MAX,
            ..PollConfig::default()
        };
        let latest = Instant::from_elapsed(Duration::MAX);
        let mut poller = Poller::new(&context, config, at(1000));
        assert!(poller.poll_transmit(at(1000)).is_some());
        assert_eq!(poller.poll_timeout(), Some(latest));
        poller.command_sent(at(2000));
        answer_in_flight(&mut poller, at(3000));
        assert_eq!(poller.next_poll(), latest);
        assert_eq!(poller.poll_timeout(), Some(latest));
    }

    /// Replies to the poll in flight at `now`.
    fn answer_in_flight(poller: &mut Poller, now: Instant) {
        let body = plug_body(true, "1.00");
        poller.handle_input(
            now,
            Input::HttpResponse {
                from: http(),
                body: body.as_bytes(),
            },
        );
    }

    #[test]
    fn quirks_are_remembered_across_polls() {
        use crate::quirks::Quirk;

        let mut poller = v3_poller();
        assert!(poller.poll_transmit(at(0)).is_some());
        poller.handle_input(
            at(10),
            Input::Datagram {
                from: udp(),
                payload: fixture!("other/vendor-v3-90-no-prefix.txt"),
            },
        );
        assert!(matches!(
            poller.poll_event(),
            Some(PollEvent::Polled { .. })
        ));
        let mut remembered = poller.request.quirks;
        assert!(!remembered.first(Quirk::V3ReplyWithoutPrefix));

        let mut http = http_poller();
        let no_amps = br#"{"response":511,"code":200,"data":{"watt":["1.00"],"switch":[1]}}"#;
        answer(&mut http, at(0), no_amps);
        let mut remembered = http.request.quirks;
        assert!(!remembered.first(Quirk::StatusArrayLengths));
        assert!(remembered.first(Quirk::V3ReplyWithoutPrefix));
    }

    #[test]
    fn input_between_polls_is_ignored() {
        let mut poller = http_poller();
        answer(&mut poller, at(0), plug_body(true, "1.00").as_bytes());
        let _ = events(&mut poller);
        let late = plug_body(false, "0.00");
        poller.handle_input(
            at(100),
            Input::HttpResponse {
                from: http(),
                body: late.as_bytes(),
            },
        );
        assert_eq!(poller.poll_event(), None);
        assert!(poller.latest().unwrap().ports[0].on);
        let mut sink = poller;
        assert_eq!(sink.poll_output(), None);
    }
}
