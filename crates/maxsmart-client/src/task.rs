//! Background tasks of one device: spawning, cancelling and counting the live ones.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use futures::channel::oneshot;
use futures::future::{AbortHandle, Abortable};

use crate::runtime::Runtime;

/// A count of the background tasks a device started that have not ended yet.
///
/// The count drops when a task's future is dropped, whether it finished, was cancelled by
/// [`Device::close`](crate::Device::close) or was dropped by a runtime that shut down. The
/// handle stays valid after the device is gone, so tests and monitoring can check that
/// nothing was left running.
#[derive(Debug, Clone, Default)]
pub struct LiveTasks(Arc<AtomicUsize>);

impl LiveTasks {
    /// Returns how many tasks are alive now.
    pub fn count(&self) -> usize {
        self.0.load(Ordering::Acquire)
    }
}

/// The tasks one device started.
#[derive(Debug, Default)]
pub(crate) struct TaskSet {
    tasks: Mutex<Vec<TaskHandle>>,
    live: LiveTasks,
}

#[derive(Debug)]
struct TaskHandle {
    abort: AbortHandle,
    ended: oneshot::Receiver<()>,
}

/// Lives inside a spawned future; dropping it marks the task as ended.
struct EndGuard {
    live: LiveTasks,
    _ended: oneshot::Sender<()>,
}

impl Drop for EndGuard {
    fn drop(&mut self) {
        self.live.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl TaskSet {
    /// Returns a handle on the live-task count.
    pub(crate) fn live(&self) -> LiveTasks {
        self.live.clone()
    }

    /// Spawns `future` on `runtime` so that [`TaskSet::shutdown`] can cancel it.
    pub(crate) fn spawn<R: Runtime>(
        &self,
        runtime: &R,
        future: impl Future<Output = ()> + Send + 'static,
    ) {
        let (abort, registration) = AbortHandle::new_pair();
        let (ended_sender, ended) = oneshot::channel();
        self.live.0.fetch_add(1, Ordering::AcqRel);
        let guard = EndGuard {
            live: self.live.clone(),
            _ended: ended_sender,
        };
        let task = async move {
            let _guard = guard;
            // An aborted task returns `Err(Aborted)`; either way the work is over.
            let _ = Abortable::new(future, registration).await;
        };
        let mut tasks = self.tasks.lock().unwrap_or_else(PoisonError::into_inner);
        // Forget tasks that already ended, so a long-lived device does not accumulate handles.
        tasks.retain_mut(|task| matches!(task.ended.try_recv(), Ok(None)));
        tasks.push(TaskHandle { abort, ended });
        drop(tasks);
        runtime.spawn(Box::pin(task));
    }

    /// Signals every task to stop without waiting, as a drop must.
    pub(crate) fn abort_all(&self) {
        let tasks = self.tasks.lock().unwrap_or_else(PoisonError::into_inner);
        for task in tasks.iter() {
            task.abort.abort();
        }
    }

    /// Signals every task to stop and waits until each one's future is dropped.
    pub(crate) async fn shutdown(&self) {
        let tasks: Vec<TaskHandle> = {
            let mut tasks = self.tasks.lock().unwrap_or_else(PoisonError::into_inner);
            tasks.drain(..).collect()
        };
        for task in &tasks {
            task.abort.abort();
        }
        for task in tasks {
            // The sender is dropped, never used, so this ends when the task's future is gone.
            let _ = task.ended.await;
        }
    }
}
