//! A client runtime that wraps `Tokio` to count the client's calls and to time polls.
//!
//! The client opens one TCP connection per HTTP request, so the moment it requests a
//! connection to a device from the runtime is the moment that device's poll starts. The `Polled`
//! callback then runs on the polling task, so its time minus that start is the poll latency:
//! connect, request, response, decoding and event delivery to callbacks.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use maxsmart_client::Runtime;
use maxsmart_tokio::{Event, PollEvent, Tokio};

/// The tokio runtime of `maxsmart-tokio`, with every call counted by a shared [`Probe`].
#[derive(Debug, Clone, Default)]
pub struct Measured {
    inner: Tokio,
    probe: Arc<Probe>,
}

impl Measured {
    /// Returns the probe that every clone of this runtime reports to.
    pub fn probe(&self) -> &Arc<Probe> {
        &self.probe
    }
}

impl Runtime for Measured {
    type TcpStream = <Tokio as Runtime>::TcpStream;
    type UdpSocket = <Tokio as Runtime>::UdpSocket;

    fn connect(
        &self,
        address: SocketAddr,
    ) -> impl Future<Output = io::Result<Self::TcpStream>> + Send {
        self.probe.request_started(address);
        self.inner.connect(address)
    }

    fn bind_udp(
        &self,
        local: SocketAddr,
    ) -> impl Future<Output = io::Result<Self::UdpSocket>> + Send {
        self.inner.bind_udp(local)
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        self.probe.sleeps.fetch_add(1, Ordering::Relaxed);
        self.inner.sleep_until(deadline)
    }

    fn spawn(&self, task: Pin<Box<dyn Future<Output = ()> + Send>>) {
        self.probe.spawns.fetch_add(1, Ordering::Relaxed);
        self.inner.spawn(task);
    }
}

/// Counts of runtime calls and poll outcomes since the process started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// TCP connections requested, one per HTTP request.
    pub connects: u64,
    /// Timers requested.
    pub sleeps: u64,
    /// Tasks spawned.
    pub spawns: u64,
    /// `Polled` events seen by the callbacks.
    pub polled: u64,
    /// `PollFailed` events seen by the callbacks.
    pub failed: u64,
    /// Other events seen by the callbacks: port switches and power changes.
    pub changes: u64,
}

impl Counts {
    /// Returns the counts that `self`, taken later, has over `earlier`.
    pub fn since(self, earlier: Counts) -> Counts {
        Counts {
            connects: self.connects - earlier.connects,
            sleeps: self.sleeps - earlier.sleeps,
            spawns: self.spawns - earlier.spawns,
            polled: self.polled - earlier.polled,
            failed: self.failed - earlier.failed,
            changes: self.changes - earlier.changes,
        }
    }
}

/// Time samples taken while recording.
#[derive(Debug, Default)]
pub struct Samples {
    /// From a poll's connection request to its `Polled` callback.
    pub latencies: Vec<Duration>,
    /// From one poll's connection request to the next one's to the same device.
    pub gaps: Vec<Duration>,
}

/// The shared counters of a [`Measured`] runtime and the callbacks of every device.
#[derive(Debug, Default)]
pub struct Probe {
    connects: AtomicU64,
    sleeps: AtomicU64,
    spawns: AtomicU64,
    polled: AtomicU64,
    failed: AtomicU64,
    changes: AtomicU64,
    recording: AtomicBool,
    /// The latest connection request to each device address.
    starts: Mutex<HashMap<SocketAddr, Instant>>,
    samples: Mutex<Samples>,
}

impl Probe {
    /// Returns the counts so far.
    pub fn counts(&self) -> Counts {
        Counts {
            connects: self.connects.load(Ordering::Relaxed),
            sleeps: self.sleeps.load(Ordering::Relaxed),
            spawns: self.spawns.load(Ordering::Relaxed),
            polled: self.polled.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            changes: self.changes.load(Ordering::Relaxed),
        }
    }

    /// Starts or stops taking time samples. Counts run all the time.
    pub fn set_recording(&self, recording: bool) {
        self.recording.store(recording, Ordering::Release);
    }

    /// Takes the samples recorded so far.
    pub fn take_samples(&self) -> Samples {
        std::mem::take(&mut *lock(&self.samples))
    }

    /// Counts `event` and, for a `Polled` event while recording, samples the poll latency.
    ///
    /// Devices call this from their polling task, right after the poll ends.
    pub fn observe(&self, event: &Event) {
        match event.kind {
            PollEvent::Polled { .. } => {
                self.polled.fetch_add(1, Ordering::Relaxed);
                self.sample_latency(event.address);
            }
            PollEvent::PollFailed { .. } => {
                self.failed.fetch_add(1, Ordering::Relaxed);
            }
            _ => {
                self.changes.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    fn request_started(&self, address: SocketAddr) {
        self.connects.fetch_add(1, Ordering::Relaxed);
        let now = Instant::now();
        let previous = lock(&self.starts).insert(address, now);
        if let Some(previous) = previous.filter(|_| self.is_recording()) {
            lock(&self.samples).gaps.push(now - previous);
        }
    }

    fn sample_latency(&self, address: SocketAddr) {
        if !self.is_recording() {
            return;
        }
        let started = lock(&self.starts).get(&address).copied();
        if let Some(started) = started {
            lock(&self.samples).latencies.push(started.elapsed());
        }
    }

    fn is_recording(&self) -> bool {
        self.recording.load(Ordering::Acquire)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
