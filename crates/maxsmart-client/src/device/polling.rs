//! Background polling of one device: its task, its control messages and its API.

mod one_poll;

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex as StdMutex, PoisonError};
use std::time::SystemTime;

use futures::StreamExt;
use futures::channel::mpsc;
use futures::future::{Either, select};
use maxsmart_proto::machine::{PollConfig, PollEvent, Poller};
use maxsmart_proto::status::Status;
use tracing::Instrument;

use self::one_poll::OnePoll;
use super::events::{CallbackId, Event, EventHub, EventStream, Snapshot};
use super::{Device, Shared};
use crate::driver::{DriveError, drive};
use crate::operation;
use crate::runtime::Runtime;

/// A message from the device to its polling task.
#[derive(Debug)]
pub(crate) enum PollControl {
    /// A command changed the device, so a burst of faster polls starts. `confirmed` is the
    /// status the command read back, when it read one, and later polls compare against it.
    CommandSent {
        /// The status that confirmed the command.
        confirmed: Option<Status>,
    },
}

impl<R: Runtime> Device<R> {
    /// Starts polling the device's status in a background task, replacing polling that
    /// already runs.
    ///
    /// The task waits until the poller's next deadline and then sends one status request,
    /// serialised with every other request of the device. Intervals and thresholds come from
    /// `config`: by default every 5 s, every 2 s for 4 polls after each command, and a power
    /// change above 1 W raises an event. A failed poll raises an event and polling goes on.
    /// Events go to every [`Device::events`] stream and [`Device::on_event`] callback.
    ///
    /// Switches made through this handle raise no [`PollEvent::PortSwitched`] event, because
    /// [`Device::switch`] already returns the confirmed status and polling takes it as the
    /// new baseline. The exception is a switch with verification off
    /// ([`VerifyPolicy::checks`](maxsmart_proto::machine::VerifyPolicy::checks) 0) whose one
    /// status read still shows the old state: polling keeps its baseline then, and the next
    /// poll that sees the change raises the event. Power changes after a switch still raise
    /// events. Switches made elsewhere (a button, the app, another client) raise events as
    /// usual.
    ///
    /// When the polling task ends without [`Device::stop_polling`] or [`Device::close`]
    /// (its runtime dropped it, or it panicked), every stream receives a
    /// [`PollEvent::PollingEnded`] event and then ends. A panic in a callback is caught and
    /// logged, and polling goes on.
    pub async fn start_polling(&self, config: PollConfig) {
        self.stop_polling().await;
        // The task names the device in events from its start, even when it ends while
        // waiting for its first turn at the context lock.
        let (device, serial) = {
            let context = self.shared.context.lock().await;
            (operation::target(&context), context.serial.clone())
        };
        let (sender, receiver) = mpsc::unbounded();
        *self.shared.lock_poll_control() = Some(sender);
        let shared = Arc::clone(&self.shared);
        let span = self.shared.span.clone();
        self.tasks.spawn(
            &self.shared.runtime,
            poll_loop(shared, config, receiver, device, serial).instrument(span),
        );
        tracing::debug!(parent: &self.shared.span, "polling started");
    }

    /// Stops polling and waits until the polling task has ended. Streams stay open.
    pub async fn stop_polling(&self) {
        self.shared.lock_poll_control().take();
        self.tasks.shutdown().await;
    }

    /// Returns whether a polling task is running.
    pub fn is_polling(&self) -> bool {
        self.tasks.live().count() > 0
    }

    /// Opens a stream of the events delivered from now on.
    ///
    /// Several streams may be open at once; each gets every event. For many devices, merge
    /// their streams with `futures::stream::select_all`, since each event names its device.
    pub fn events(&self) -> EventStream {
        self.shared.events.subscribe()
    }

    /// Registers `callback` for every event delivered from now on and returns its id.
    ///
    /// Callbacks run on the polling task, so a slow callback delays the device's next poll.
    pub fn on_event(&self, callback: impl Fn(&Event) + Send + Sync + 'static) -> CallbackId {
        self.shared.events.add_callback(Arc::new(callback))
    }

    /// Removes a callback; returns whether it was registered.
    pub fn remove_callback(&self, id: CallbackId) -> bool {
        self.shared.events.remove_callback(id)
    }

    /// Returns the latest status known, from polling, a status read or a switch, with the
    /// time it was read.
    pub fn latest(&self) -> Option<Snapshot> {
        self.shared.events.latest()
    }
}

/// Polls until the task is cancelled or the device is gone.
async fn poll_loop<R: Runtime>(
    shared: Arc<Shared<R>>,
    config: PollConfig,
    control: mpsc::UnboundedReceiver<PollControl>,
    device: SocketAddr,
    serial: Option<String>,
) {
    // The guard exists before the first await, so the streams end even when the task is
    // dropped while it waits for the context lock below.
    // NOTE: a task dropped before its first poll never runs this body, so no guard ends
    // the streams in that case.
    let mut guard = EndGuard {
        events: &shared.events,
        poll_control: &shared.poll_control,
        control,
        device,
        serial,
    };
    let mut generation = shared.generation.load(Ordering::Acquire);
    let mut poller = {
        let context = shared.context.lock().await;
        guard.device = operation::target(&context);
        guard.serial.clone_from(&context.serial);
        Poller::new(&context, config, shared.clock.now())
    };
    if let Some(snapshot) = shared.events.latest() {
        poller.set_baseline(snapshot.status);
    }
    let mut events = Vec::new();
    loop {
        let due = shared.clock.to_std(poller.next_poll());
        let sleep = shared.runtime.sleep_until(due);
        match select(sleep, guard.control.next()).await {
            Either::Left(((), _)) => {}
            Either::Right((Some(message), _)) => {
                apply(&mut poller, message, shared.clock.now());
                continue;
            }
            Either::Right((None, _)) => return,
        }

        let context = shared.context.lock().await;
        // A command that ended while this task waited for the lock queued its message
        // before releasing the lock, so this poll compares against what it confirmed.
        while let Ok(message) = guard.control.try_recv() {
            apply(&mut poller, message, shared.clock.now());
        }
        let current = shared.generation.load(Ordering::Acquire);
        if current != generation {
            // The address or protocol changed: poll the device where it is now.
            generation = current;
            let baseline = poller.latest().cloned();
            poller = Poller::new(&context, config, shared.clock.now());
            if let Some(status) = baseline {
                poller.set_baseline(status);
            }
        }
        guard.device = operation::target(&context);
        guard.serial.clone_from(&context.serial);
        let result = drive(
            &shared.runtime,
            shared.clock,
            OnePoll::new(&mut poller, &mut events),
            &mut |_| {},
        )
        .await;
        // Stored under the lock, so a status read or switch waiting for it stores its newer
        // status after this one.
        store_latest(&shared.events, &events);
        drop(context);
        match result {
            Ok(()) => {}
            // The poller reports device failures as events; only local ones get here.
            Err(DriveError::Bind { error, .. }) => {
                tracing::warn!(%error, "poll not sent: no local UDP socket");
            }
            Err(error) => {
                tracing::debug!(error = %error.into_error(guard.device), "poll stopped");
            }
        }
        publish(&shared, &guard, &mut events);
    }
}

/// Applies a message from the device to the poller.
fn apply(poller: &mut Poller, message: PollControl, now: maxsmart_proto::Instant) {
    match message {
        PollControl::CommandSent { confirmed } => {
            poller.command_sent(now);
            if let Some(status) = confirmed {
                poller.set_baseline(status);
            }
        }
    }
}

/// Stores the status of the last successful poll among `events` as the latest snapshot.
///
/// This runs before the events go out, so a consumer that reacts to an event reads a
/// snapshot at least as new.
fn store_latest(hub: &EventHub, events: &[PollEvent]) {
    let polled = events.iter().rev().find_map(|kind| match kind {
        PollEvent::Polled { status, .. } => Some(status.clone()),
        _ => None,
    });
    if let Some(status) = polled {
        hub.set_latest(status);
    }
}

/// Delivers the events of one poll, whose snapshot [`store_latest`] already stored.
fn publish<R: Runtime>(shared: &Shared<R>, guard: &EndGuard<'_>, events: &mut Vec<PollEvent>) {
    for kind in events.drain(..) {
        if let PollEvent::PollFailed { error, .. } = &kind {
            tracing::debug!(%error, "poll failed");
        }
        shared.events.publish(&guard.event(kind));
    }
}

/// Lives as long as the polling loop. When the loop's future is dropped while the device
/// still requests polling (the runtime dropped the task, or it panicked), it sends a
/// [`PollEvent::PollingEnded`] event to every stream and ends them, so that no consumer
/// waits forever. Stopping, closing or dropping the device first withdraws the control
/// sender, and then the guard does nothing.
struct EndGuard<'a> {
    events: &'a EventHub,
    poll_control: &'a StdMutex<Option<mpsc::UnboundedSender<PollControl>>>,
    control: mpsc::UnboundedReceiver<PollControl>,
    /// The address polls went to last, named in the events.
    device: SocketAddr,
    /// The device's serial number, named in the events.
    serial: Option<String>,
}

impl EndGuard<'_> {
    fn event(&self, kind: PollEvent) -> Event {
        Event {
            address: self.device,
            serial: self.serial.clone(),
            at: SystemTime::now(),
            kind,
        }
    }

    /// Returns whether the device still requests polling from this loop.
    fn is_requested(&self) -> bool {
        let sender = self
            .poll_control
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        sender
            .as_ref()
            .is_some_and(|sender| sender.is_connected_to(&self.control))
    }
}

impl Drop for EndGuard<'_> {
    fn drop(&mut self) {
        if !self.is_requested() {
            return;
        }
        tracing::warn!("polling ended without being stopped; ending the event streams");
        let reason = "the polling task ended without being stopped: it panicked or its \
                      runtime dropped it";
        let last = self.event(PollEvent::PollingEnded {
            reason: reason.to_owned(),
        });
        self.events.end_streams(&last);
    }
}

#[cfg(test)]
mod tests {
    use futures::FutureExt;
    use futures::executor::block_on;

    use super::*;

    fn guard<'a>(
        events: &'a EventHub,
        poll_control: &'a StdMutex<Option<mpsc::UnboundedSender<PollControl>>>,
        control: mpsc::UnboundedReceiver<PollControl>,
    ) -> EndGuard<'a> {
        EndGuard {
            events,
            poll_control,
            control,
            device: "127.0.0.40:80".parse().unwrap(),
            serial: Some("SWP6000000000001".to_owned()),
        }
    }

    #[test]
    fn unexpected_end_closes_streams() {
        let events = EventHub::default();
        let (sender, control) = mpsc::unbounded();
        let poll_control = StdMutex::new(Some(sender));
        let mut stream = events.subscribe();
        drop(guard(&events, &poll_control, control));

        let last = block_on(stream.next()).expect("the last event arrives");
        assert!(matches!(last.kind, PollEvent::PollingEnded { .. }));
        assert_eq!(last.address, "127.0.0.40:80".parse().unwrap());
        assert_eq!(last.serial.as_deref(), Some("SWP6000000000001"));
        assert!(block_on(stream.next()).is_none(), "the stream ends");
    }

    #[test]
    fn requested_stop_keeps_streams_open() {
        let events = EventHub::default();
        let (sender, control) = mpsc::unbounded();
        let poll_control = StdMutex::new(Some(sender));
        let mut stream = events.subscribe();
        poll_control.lock().unwrap().take();
        drop(guard(&events, &poll_control, control));

        assert!(
            stream.next().now_or_never().is_none(),
            "the stream stays open"
        );
    }

    #[test]
    fn replaced_polling_keeps_streams_open() {
        let events = EventHub::default();
        let (_old_sender, control) = mpsc::unbounded();
        let (new_sender, _new_control) = mpsc::unbounded();
        let poll_control = StdMutex::new(Some(new_sender));
        let mut stream = events.subscribe();
        drop(guard(&events, &poll_control, control));

        assert!(
            stream.next().now_or_never().is_none(),
            "the stream stays open"
        );
    }
}
