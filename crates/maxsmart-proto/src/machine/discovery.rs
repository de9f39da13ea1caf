//! Collecting discovery replies until a deadline.

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::net::SocketAddr;
use core::time::Duration;

use serde::Serialize;

use super::{Input, Operation, Transmit};
use crate::discovery::{self, DiscoveryReply, DiscoveryRequest};
use crate::error::{OperationError, ParseError};
use crate::instant::Instant;

/// The rounds, request and listening window of discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveryOptions {
    /// The datagram to send; the plain form leaves device clocks alone.
    pub request: DiscoveryRequest,
    /// How many rounds of datagrams to send, at least 1.
    pub attempts: u32,
    /// The pause between two rounds.
    pub spacing: Duration,
    /// How long to listen after the last round.
    pub window: Duration,
    /// Whether to stop at the first reply, as unicast discovery of one address does.
    pub first_only: bool,
}

impl Default for DiscoveryOptions {
    /// Returns the plain request, 2 rounds 500 ms apart and a 1.5 s listening window.
    fn default() -> Self {
        DiscoveryOptions {
            request: DiscoveryRequest::plain(),
            attempts: 2,
            spacing: Duration::from_millis(500),
            window: Duration::from_millis(1500),
            first_only: false,
        }
    }
}

/// A device that replied to discovery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiscoveredDevice {
    /// The source address of its reply; the IP is the device's.
    pub address: SocketAddr,
    /// The reply the device sent.
    pub reply: DiscoveryReply,
}

/// Sends discovery datagrams to a set of addresses and gathers the replies.
///
/// Replies are deduplicated by serial number: a device that answers twice, or from a new
/// address, keeps one entry holding its newest reply and address. Datagrams that are not
/// discovery replies are ignored. The output is every device found, in the order they first
/// answered; an empty list when nobody answered.
///
/// # Calling contract
///
/// The first [`Operation::poll_transmit`] starts the clock: drain it after every call, because
/// each round yields one datagram per target. Feed every datagram received on the socket
/// that sent the requests, and call [`Operation::handle_timeout`] at
/// [`Operation::poll_timeout`] for the next round and the end of the window. Take devices
/// as they arrive with [`DiscoveryCollector::poll_found`], or all at the end as the output.
#[derive(Debug)]
pub struct DiscoveryCollector {
    payload: Vec<u8>,
    targets: Vec<SocketAddr>,
    options: DiscoveryOptions,
    rounds_sent: u32,
    next_round: Option<Instant>,
    deadline: Option<Instant>,
    queue: VecDeque<Transmit>,
    found: Vec<DiscoveredDevice>,
    fresh: VecDeque<DiscoveredDevice>,
    done: bool,
    output_taken: bool,
    /// Datagrams from a target's IP address that were not discovery replies.
    undecodable: u32,
    /// The decoding error of the last of those datagrams.
    last_decode_error: Option<ParseError>,
}

impl DiscoveryCollector {
    /// Creates a collector that sends to each of `targets`, which may be broadcast addresses.
    pub fn new(targets: Vec<SocketAddr>, options: DiscoveryOptions) -> Self {
        DiscoveryCollector {
            payload: options.request.encode(),
            targets,
            options,
            rounds_sent: 0,
            next_round: None,
            deadline: None,
            queue: VecDeque::new(),
            found: Vec::new(),
            fresh: VecDeque::new(),
            done: false,
            output_taken: false,
            undecodable: 0,
            last_decode_error: None,
        }
    }

    /// Returns how many datagrams from the IP address of a target could not be decoded.
    ///
    /// Only unicast targets can match, because devices answer a broadcast from their own
    /// address. A unicast discovery that found nothing but counts replies here reached a
    /// device whose replies are invalid, rather than no device.
    pub fn undecodable_replies(&self) -> u32 {
        self.undecodable
    }

    /// Returns the decoding error of the last datagram counted by
    /// [`DiscoveryCollector::undecodable_replies`].
    pub fn last_decode_error(&self) -> Option<&ParseError> {
        self.last_decode_error.as_ref()
    }

    /// Returns the next device that answered for the first time since the last call.
    ///
    /// Streaming consumers call this after each input instead of waiting for the output.
    pub fn poll_found(&mut self) -> Option<DiscoveredDevice> {
        self.fresh.pop_front()
    }

    /// Returns the devices found so far.
    pub fn found(&self) -> &[DiscoveredDevice] {
        &self.found
    }

    fn start(&mut self, now: Instant) {
        let attempts = self.options.attempts.max(1);
        let sending = self.options.spacing.saturating_mul(attempts - 1);
        self.deadline = Some(now + sending + self.options.window);
        self.next_round = Some(now);
    }

    fn queue_round(&mut self, now: Instant) {
        self.rounds_sent += 1;
        for target in &self.targets {
            self.queue.push_back(Transmit::Udp {
                to: *target,
                payload: self.payload.clone(),
            });
        }
        self.next_round = if self.rounds_sent < self.options.attempts.max(1) {
            Some(now + self.options.spacing)
        } else {
            None
        };
    }

    fn record(&mut self, address: SocketAddr, reply: DiscoveryReply) {
        let existing = self
            .found
            .iter()
            .position(|d| d.reply.serial == reply.serial);
        match existing {
            Some(index) => {
                let entry = &mut self.found[index];
                if entry.address != address {
                    tracing::debug!(serial = %reply.serial, %address, "device replied from a new address");
                }
                entry.address = address;
                entry.reply = reply;
            }
            None => {
                tracing::debug!(serial = %reply.serial, %address, "device found");
                let device = DiscoveredDevice { address, reply };
                self.fresh.push_back(device.clone());
                self.found.push(device);
            }
        }
        if self.options.first_only {
            self.finish();
        }
    }

    fn finish(&mut self) {
        self.done = true;
        self.queue.clear();
        self.next_round = None;
        self.deadline = None;
    }
}

impl Operation for DiscoveryCollector {
    type Output = Vec<DiscoveredDevice>;

    fn poll_transmit(&mut self, now: Instant) -> Option<Transmit> {
        if self.done {
            return None;
        }
        if self.deadline.is_none() {
            self.start(now);
        }
        if self.next_round.is_some_and(|due| now >= due) {
            self.queue_round(now);
        }
        self.queue.pop_front()
    }

    fn handle_input(&mut self, _now: Instant, input: Input<'_>) {
        if self.done {
            return;
        }
        let Input::Datagram { from, payload } = input else {
            return;
        };
        match discovery::parse_reply(payload) {
            Ok(reply) => self.record(from, reply),
            Err(error) => {
                tracing::debug!(%error, %from, "ignoring datagram that is not a discovery reply");
                if self.targets.iter().any(|target| target.ip() == from.ip()) {
                    self.undecodable = self.undecodable.saturating_add(1);
                    self.last_decode_error = Some(error);
                }
            }
        }
    }

    fn handle_timeout(&mut self, now: Instant) {
        if self.deadline.is_some_and(|deadline| now >= deadline) {
            self.finish();
        }
    }

    fn poll_timeout(&self) -> Option<Instant> {
        if self.done {
            return None;
        }
        match (self.next_round, self.deadline) {
            (Some(round), Some(deadline)) => Some(round.min(deadline)),
            (round, deadline) => round.or(deadline),
        }
    }

    fn poll_output(&mut self) -> Option<Result<Vec<DiscoveredDevice>, OperationError>> {
        if !self.done || self.output_taken {
            return None;
        }
        self.output_taken = true;
        Some(Ok(core::mem::take(&mut self.found)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(millis: u64) -> Instant {
        Instant::from_elapsed(Duration::from_millis(millis))
    }

    fn address(last: u8) -> SocketAddr {
        SocketAddr::new([127, 0, 0, last].into(), 8888)
    }

    fn drain(collector: &mut DiscoveryCollector, now: Instant) -> Vec<Transmit> {
        core::iter::from_fn(|| collector.poll_transmit(now)).collect()
    }

    #[test]
    fn huge_spacing_and_window_saturate() {
        let options = DiscoveryOptions {
            attempts: u32::MAX,
            spacing: Duration::MAX,
            window: Duration::MAX,
            ..DiscoveryOptions::default()
        };
        let mut collector = DiscoveryCollector::new(alloc::vec![address(2)], options);
        assert_eq!(drain(&mut collector, at(0)).len(), 1);
        let latest = Instant::from_elapsed(Duration::MAX);
        assert_eq!(collector.poll_timeout(), Some(latest));
        // The next round and the end of the window both saturate; the window wins.
        collector.handle_timeout(latest);
        assert!(drain(&mut collector, latest).is_empty());
        assert_eq!(collector.poll_output(), Some(Ok(Vec::new())));
    }

    #[test]
    fn rounds_are_spaced_and_window_ends_collection() {
        let targets = alloc::vec![address(2), address(3)];
        let mut collector = DiscoveryCollector::new(targets, DiscoveryOptions::default());
        assert_eq!(drain(&mut collector, at(0)).len(), 2);
        assert_eq!(collector.poll_timeout(), Some(at(500)));
        collector.handle_timeout(at(500));
        let second = drain(&mut collector, at(500));
        assert_eq!(second.len(), 2);
        assert_eq!(
            second[0],
            Transmit::Udp {
                to: address(2),
                payload: b"00dv=all;".to_vec()
            }
        );
        assert_eq!(collector.poll_timeout(), Some(at(2000)));
        collector.handle_timeout(at(2000));
        assert_eq!(collector.poll_output(), Some(Ok(Vec::new())));
        assert_eq!(collector.poll_output(), None);
    }

    #[test]
    fn duplicates_are_merged_by_serial() {
        let mut collector =
            DiscoveryCollector::new(alloc::vec![address(255)], DiscoveryOptions::default());
        let _ = drain(&mut collector, at(0));
        let payload = fixture!("v1.30/v1.30-strip-discovery.json");
        collector.handle_input(
            at(5),
            Input::Datagram {
                from: address(2),
                payload,
            },
        );
        collector.handle_input(
            at(6),
            Input::Datagram {
                from: address(2),
                payload,
            },
        );
        let renamed = fixture!("v1.30/v1.30-strip-discovery-renamed.json");
        collector.handle_input(
            at(7),
            Input::Datagram {
                from: address(4),
                payload: renamed,
            },
        );
        let plug = fixture!("v1.30/v1.30-plug-discovery.json");
        collector.handle_input(
            at(8),
            Input::Datagram {
                from: address(3),
                payload: plug,
            },
        );
        assert_eq!(collector.poll_found().unwrap().address, address(2));
        assert_eq!(
            collector.poll_found().unwrap().reply.serial,
            "SWP1000000000001"
        );
        assert_eq!(collector.poll_found(), None);
        collector.handle_timeout(at(5000));
        let found = collector.poll_output().unwrap().unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].address, address(4));
        assert_eq!(found[0].reply.name.as_deref(), Some("Salon"));
    }

    #[test]
    fn first_only_stops_at_first_reply() {
        let options = DiscoveryOptions {
            first_only: true,
            ..DiscoveryOptions::default()
        };
        let mut collector = DiscoveryCollector::new(alloc::vec![address(2)], options);
        let _ = drain(&mut collector, at(0));
        let payload = fixture!("v5.11/v5.11-strip-discovery.json");
        collector.handle_input(
            at(3),
            Input::Datagram {
                from: address(2),
                payload,
            },
        );
        let found = collector.poll_output().unwrap().unwrap();
        assert_eq!(found[0].reply.firmware.as_deref(), Some("5.11"));
        assert_eq!(collector.poll_timeout(), None);
    }

    #[test]
    fn v3_datagrams_are_not_devices() {
        let mut collector =
            DiscoveryCollector::new(alloc::vec![address(2)], DiscoveryOptions::default());
        let _ = drain(&mut collector, at(0));
        let payload = fixture!("v5.11/v5.11-strip-v3-90.txt");
        collector.handle_input(
            at(3),
            Input::Datagram {
                from: address(2),
                payload,
            },
        );
        assert!(collector.found().is_empty());
    }

    #[test]
    fn undecodable_replies_from_target_are_counted() {
        let options = DiscoveryOptions {
            first_only: true,
            ..DiscoveryOptions::default()
        };
        let mut collector = DiscoveryCollector::new(alloc::vec![address(2)], options);
        let _ = drain(&mut collector, at(0));
        for (millis, from) in [(3, address(2)), (4, address(2)), (5, address(9))] {
            collector.handle_input(
                at(millis),
                Input::Datagram {
                    from,
                    payload: b"{\"data\":{\"sn\":\"SWP6",
                },
            );
        }
        assert_eq!(collector.undecodable_replies(), 2);
        assert!(
            matches!(
                collector.last_decode_error(),
                Some(ParseError::InvalidJson { .. })
            ),
            "{:?}",
            collector.last_decode_error()
        );
        collector.handle_timeout(at(5000));
        assert_eq!(collector.poll_output(), Some(Ok(Vec::new())));
    }

    #[test]
    fn valid_reply_counts_nothing_undecodable() {
        let mut collector =
            DiscoveryCollector::new(alloc::vec![address(2)], DiscoveryOptions::default());
        let _ = drain(&mut collector, at(0));
        let payload = fixture!("v1.30/v1.30-strip-discovery.json");
        collector.handle_input(
            at(3),
            Input::Datagram {
                from: address(2),
                payload,
            },
        );
        assert_eq!(collector.undecodable_replies(), 0);
        assert_eq!(collector.last_decode_error(), None);
    }
}
