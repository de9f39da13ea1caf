//! Background polling of one device: its task, its control messages and its API.

mod one_poll;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::SystemTime;

use futures::StreamExt;
use futures::channel::mpsc;
use futures::future::{Either, select};
use maxsmart_proto::machine::{PollConfig, PollEvent, Poller};
use tracing::Instrument;

use self::one_poll::OnePoll;
use super::events::{CallbackId, Event, EventStream, Snapshot};
use super::{Device, Shared};
use crate::driver::{DriveError, drive};
use crate::operation;
use crate::runtime::Runtime;

/// A message from the device to its polling task.
#[derive(Debug)]
pub(crate) enum PollControl {
    /// A command was sent, so a burst of faster polls starts.
    CommandSent,
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
    pub async fn start_polling(&self, config: PollConfig) {
        self.stop_polling().await;
        let (sender, receiver) = mpsc::unbounded();
        *self.shared.lock_poll_control() = Some(sender);
        let shared = Arc::clone(&self.shared);
        let span = self.shared.span.clone();
        self.tasks.spawn(
            &self.shared.runtime,
            poll_loop(shared, config, receiver).instrument(span),
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
    mut control: mpsc::UnboundedReceiver<PollControl>,
) {
    let mut generation = shared.generation.load(Ordering::Acquire);
    let mut poller = {
        let context = shared.context.lock().await;
        Poller::new(&context, config, shared.clock.now())
    };
    if let Some(snapshot) = shared.events.latest() {
        poller.set_baseline(snapshot.status);
    }
    let mut events = Vec::new();
    loop {
        let due = shared.clock.to_std(poller.next_poll());
        let sleep = shared.runtime.sleep_until(due);
        match select(sleep, control.next()).await {
            Either::Left(((), _)) => {}
            Either::Right((Some(PollControl::CommandSent), _)) => {
                poller.command_sent(shared.clock.now());
                continue;
            }
            Either::Right((None, _)) => return,
        }

        let context = shared.context.lock().await;
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
        let device = operation::target(&context);
        let result = drive(
            &shared.runtime,
            shared.clock,
            OnePoll::new(&mut poller, &mut events),
            &mut |_| {},
        )
        .await;
        let serial = context.serial.clone();
        drop(context);
        match result {
            Ok(()) => {}
            // The poller reports device failures as events; only local ones get here.
            Err(DriveError::Io(error)) => {
                tracing::warn!(%error, "poll not sent: no local socket");
            }
            Err(error) => tracing::debug!(error = %error.into_error(device), "poll stopped"),
        }
        // The snapshot changes before the change events go out, so a consumer that reacts
        // to an event reads a snapshot at least as new.
        let polled = events.iter().rev().find_map(|kind| match kind {
            PollEvent::Polled { status, .. } => Some(status.clone()),
            _ => None,
        });
        if let Some(status) = polled {
            shared.events.set_latest(status);
        }
        for kind in events.drain(..) {
            if let PollEvent::PollFailed { error, .. } = &kind {
                tracing::debug!(%error, "poll failed");
            }
            let event = Event {
                address: device,
                serial: serial.clone(),
                at: SystemTime::now(),
                kind,
            };
            shared.events.publish(&event);
        }
    }
}
