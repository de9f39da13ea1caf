//! Delivering a device's polling events to streams and callbacks.

use std::any::Any;
use std::fmt;
use std::net::SocketAddr;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::SystemTime;

use futures::channel::mpsc;
use futures::{Stream, StreamExt};
use maxsmart_proto::machine::PollEvent;
use maxsmart_proto::status::Status;
use serde::Serialize;

/// How many events a stream buffers before newer ones are dropped for it.
const STREAM_CAPACITY: usize = 64;

/// Something the polling of one device noticed, with the device it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// The address requests go to, which identifies the device among several.
    pub address: SocketAddr,
    /// The device's serial number, when known.
    pub serial: Option<String>,
    /// The wall-clock time the event was delivered.
    pub at: SystemTime,
    /// What happened.
    pub kind: PollEvent,
}

/// The latest status known for a device, with the time it was read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    /// The status read.
    pub status: Status,
    /// The wall-clock time the reply arrived.
    pub at: SystemTime,
}

/// Identifies a callback registered with [`Device::on_event`](crate::Device::on_event).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CallbackId(u64);

type Callback = Arc<dyn Fn(&Event) + Send + Sync>;

/// The events of one device, as a stream. It ends when the device is closed or dropped, or
/// after a [`PollEvent::PollingEnded`] event when polling ended without being stopped.
///
/// A stream that is not read holds up to 64 events; later ones are dropped for that stream
/// only, and [`EventStream::dropped`] counts them.
pub struct EventStream {
    receiver: mpsc::Receiver<Event>,
    dropped: Arc<std::sync::atomic::AtomicU64>,
}

impl EventStream {
    /// Returns how many events were dropped because this stream was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl fmt::Debug for EventStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("dropped", &self.dropped())
            .finish_non_exhaustive()
    }
}

impl Stream for EventStream {
    type Item = Event;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        self.receiver.poll_next_unpin(cx)
    }
}

/// Returns the message of a panic payload, which is a `&str` or a `String` for panics
/// raised with a message.
fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(message) = payload.downcast_ref::<&str>() {
        return message;
    }
    match payload.downcast_ref::<String>() {
        Some(message) => message,
        None => "a payload that is not a string",
    }
}

/// The subscribers and callbacks of one device, and its latest snapshot.
#[derive(Default)]
pub(crate) struct EventHub {
    inner: Mutex<Hub>,
    latest: Mutex<Option<Snapshot>>,
}

#[derive(Default)]
struct Hub {
    streams: Vec<Subscriber>,
    callbacks: Vec<(CallbackId, Callback)>,
    next_id: u64,
}

struct Subscriber {
    sender: mpsc::Sender<Event>,
    dropped: Arc<std::sync::atomic::AtomicU64>,
}

impl fmt::Debug for EventHub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hub = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("EventHub")
            .field("streams", &hub.streams.len())
            .field("callbacks", &hub.callbacks.len())
            .finish_non_exhaustive()
    }
}

impl EventHub {
    /// Opens a new stream of the events delivered from now on.
    pub(crate) fn subscribe(&self) -> EventStream {
        let (sender, receiver) = mpsc::channel(STREAM_CAPACITY);
        let dropped = Arc::default();
        let mut hub = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        hub.streams.push(Subscriber {
            sender,
            dropped: Arc::clone(&dropped),
        });
        EventStream { receiver, dropped }
    }

    /// Registers `callback` for every event delivered from now on.
    pub(crate) fn add_callback(&self, callback: Callback) -> CallbackId {
        let mut hub = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let id = CallbackId(hub.next_id);
        hub.next_id += 1;
        hub.callbacks.push((id, callback));
        id
    }

    /// Removes a callback; returns whether it was registered.
    pub(crate) fn remove_callback(&self, id: CallbackId) -> bool {
        let mut hub = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let before = hub.callbacks.len();
        hub.callbacks.retain(|(registered, _)| *registered != id);
        hub.callbacks.len() != before
    }

    /// Delivers `event` to every open stream and then to every callback.
    ///
    /// Callbacks run outside the hub's lock, so one may register or remove callbacks.
    pub(crate) fn publish(&self, event: &Event) {
        let callbacks: Vec<Callback> = {
            let mut hub = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
            hub.streams.retain_mut(|subscriber| {
                match subscriber.sender.try_send(event.clone()) {
                    Ok(()) => true,
                    Err(error) if error.is_full() => {
                        subscriber
                            .dropped
                            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        true
                    }
                    // The stream was dropped.
                    Err(_) => false,
                }
            });
            hub.callbacks
                .iter()
                .map(|(_, callback)| Arc::clone(callback))
                .collect()
        };
        for callback in callbacks {
            // One faulty callback must not end polling for every other consumer.
            let called = panic::catch_unwind(AssertUnwindSafe(|| callback(event)));
            if let Err(payload) = called {
                tracing::warn!(
                    panic = panic_message(payload.as_ref()),
                    "event callback panicked; polling goes on"
                );
            }
        }
    }

    /// Delivers `last` to every open stream, then ends the streams. Callbacks stay
    /// registered but are not called, because this may run while a panic unwinds.
    pub(crate) fn end_streams(&self, last: &Event) {
        let mut hub = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        for subscriber in &mut hub.streams {
            // A full or dropped stream misses the last event; it still ends below.
            let _ = subscriber.sender.try_send(last.clone());
        }
        hub.streams.clear();
    }

    /// Records `status` as the latest known, read now.
    pub(crate) fn set_latest(&self, status: Status) {
        let snapshot = Snapshot {
            status,
            at: SystemTime::now(),
        };
        *self.latest.lock().unwrap_or_else(PoisonError::into_inner) = Some(snapshot);
    }

    /// Returns the latest snapshot.
    pub(crate) fn latest(&self) -> Option<Snapshot> {
        self.latest
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Ends every stream, as closing the device does.
    pub(crate) fn close(&self) {
        let mut hub = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        hub.streams.clear();
        hub.callbacks.clear();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn event() -> Event {
        Event {
            address: "127.0.0.41:80".parse().unwrap(),
            serial: None,
            at: SystemTime::UNIX_EPOCH,
            kind: PollEvent::PortSwitched { port: 2, on: true },
        }
    }

    #[test]
    fn panicking_callback_spares_the_others() {
        let hub = EventHub::default();
        let calls = Arc::new(AtomicU32::new(0));
        hub.add_callback(Arc::new(|_: &Event| panic!("callback failure under test")));
        let counter = Arc::clone(&calls);
        hub.add_callback(Arc::new(move |_: &Event| {
            counter.fetch_add(1, Ordering::Relaxed);
        }));

        hub.publish(&event());
        hub.publish(&event());
        assert_eq!(calls.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn panic_message_reads_both_payload_kinds() {
        let literal: Box<dyn Any + Send> = Box::new("literal");
        let formatted: Box<dyn Any + Send> = Box::new(String::from("formatted"));
        let other: Box<dyn Any + Send> = Box::new(7_u8);
        assert_eq!(panic_message(literal.as_ref()), "literal");
        assert_eq!(panic_message(formatted.as_ref()), "formatted");
        assert_eq!(
            panic_message(other.as_ref()),
            "a payload that is not a string"
        );
    }
}
