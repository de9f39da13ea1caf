//! An adapter that lets the driver run a poller for exactly one poll.

use maxsmart_proto::machine::{Input, Operation, PollEvent, Poller, Transmit};
use maxsmart_proto::{Instant, OperationError};

/// Drives a [`Poller`] until one poll has ended, successfully or not, collecting the events
/// it raised.
///
/// The poller decides when the poll starts and what it sends; this adapter only tells the
/// driver when to stop, so that the device lock is held for one poll at a time.
pub(super) struct OnePoll<'a> {
    poller: &'a mut Poller,
    events: &'a mut Vec<PollEvent>,
    ended: bool,
    output_taken: bool,
}

impl<'a> OnePoll<'a> {
    pub(super) fn new(poller: &'a mut Poller, events: &'a mut Vec<PollEvent>) -> Self {
        OnePoll {
            poller,
            events,
            ended: false,
            output_taken: false,
        }
    }

    fn collect(&mut self) {
        while let Some(event) = self.poller.poll_event() {
            if matches!(
                event,
                PollEvent::Polled { .. } | PollEvent::PollFailed { .. }
            ) {
                self.ended = true;
            }
            self.events.push(event);
        }
    }
}

impl Operation for OnePoll<'_> {
    type Output = ();

    fn poll_transmit(&mut self, now: Instant) -> Option<Transmit> {
        if self.ended {
            return None;
        }
        self.poller.poll_transmit(now)
    }

    fn handle_input(&mut self, now: Instant, input: Input<'_>) {
        self.poller.handle_input(now, input);
        self.collect();
    }

    fn handle_timeout(&mut self, now: Instant) {
        self.poller.handle_timeout(now);
        self.collect();
    }

    fn poll_timeout(&self) -> Option<Instant> {
        if self.ended {
            return None;
        }
        self.poller.poll_timeout()
    }

    fn poll_output(&mut self) -> Option<Result<(), OperationError>> {
        if !self.ended || self.output_taken {
            return None;
        }
        self.output_taken = true;
        Some(Ok(()))
    }
}
