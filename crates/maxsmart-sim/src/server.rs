//! State shared by the socket tasks of one device: the model, the faults and the request log.

pub(crate) mod http;
mod raw_http;
pub(crate) mod udp;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::watch;

use crate::fault::Faults;
use crate::log::{LogEntry, Transport};
use crate::log_sink::LogSink;
use crate::model::{DeviceModel, Outcome};

/// Waits until `shutdown` turns true, or until its sender is gone.
pub(crate) async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    // The guard that `wait_for` returns is not `Send`, so it is dropped here.
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// State of one running device, shared by its tasks and its [`SimDevice`](crate::SimDevice)
/// handle.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) serial: String,
    model: Mutex<DeviceModel>,
    pub(crate) faults: watch::Sender<Faults>,
    log: Mutex<VecDeque<LogEntry>>,
    log_limit: usize,
    sink: Option<LogSink>,
    /// Monotonic base of the model's time, which reads as `started_at + elapsed`.
    started: Instant,
    started_at: Timestamp,
}

impl Shared {
    /// Wraps a model. `started_at` must be the instant the model was created at.
    pub(crate) fn new(
        model: DeviceModel,
        faults: Faults,
        sink: Option<LogSink>,
        log_limit: usize,
        started_at: Timestamp,
    ) -> Self {
        Shared {
            serial: model.serial().to_owned(),
            model: Mutex::new(model),
            faults: watch::Sender::new(faults),
            log: Mutex::new(VecDeque::new()),
            log_limit,
            sink,
            started: Instant::now(),
            started_at,
        }
    }

    /// Returns the current time on a monotonic clock that started at the wall-clock start time.
    pub(crate) fn now(&self) -> Timestamp {
        let elapsed =
            SignedDuration::try_from(self.started.elapsed()).unwrap_or(SignedDuration::MAX);
        self.started_at
            .checked_add(elapsed)
            .unwrap_or(Timestamp::MAX)
    }

    /// Locks the model. A panic in another task cannot leave the model half-updated in a way
    /// that matters for a simulator, so a poisoned lock is used as it is.
    pub(crate) fn model(&self) -> MutexGuard<'_, DeviceModel> {
        self.model.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Returns a copy of the current faults.
    pub(crate) fn current_faults(&self) -> Faults {
        self.faults.borrow().clone()
    }

    /// Returns a copy of the request log.
    pub(crate) fn requests(&self) -> Vec<LogEntry> {
        self.log_guard().iter().cloned().collect()
    }

    /// Empties the request log.
    pub(crate) fn clear_requests(&self) {
        self.log_guard().clear();
    }

    /// Records a request and what the device did with it.
    pub(crate) fn record(
        &self,
        transport: Transport,
        peer: SocketAddr,
        raw: String,
        outcome: &Outcome,
    ) {
        let entry = LogEntry {
            time: self.now().to_string(),
            serial: self.serial.clone(),
            transport,
            peer,
            kind: outcome.kind,
            cmd: outcome.cmd,
            args: outcome.args.clone(),
            raw,
            result: outcome.result,
        };
        tracing::debug!(
            serial = %entry.serial,
            %peer,
            kind = ?entry.kind,
            cmd = ?entry.cmd,
            result = ?entry.result,
            "request"
        );
        if let Some(sink) = &self.sink {
            sink.write(&entry);
        }
        if self.log_limit == 0 {
            return;
        }
        let mut log = self.log_guard();
        while log.len() >= self.log_limit {
            log.pop_front();
        }
        log.push_back(entry);
    }

    fn log_guard(&self) -> MutexGuard<'_, VecDeque<LogEntry>> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
