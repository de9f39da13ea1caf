//! One device: its shared state, its operations and its lifetime.

mod builder;
mod events;
mod polling;
mod ports;
mod relocate;
mod settings;

use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex as StdMutex, MutexGuard, PoisonError};

use futures::channel::mpsc;
use futures::lock::Mutex;
use maxsmart_proto::machine::{DeviceContext, DeviceInfo, Operation, Protocol};
use maxsmart_proto::status::Status;
use maxsmart_proto::{InvalidArgument, OperationError};
use tracing::Instrument;

pub use builder::{DeviceBuilder, ProtocolChoice};
pub use events::{CallbackId, Event, EventStream, Snapshot};
pub use settings::Health;

use self::events::EventHub;
use self::polling::PollControl;
use crate::clock::Clock;
use crate::error::Error;
use crate::operation;
use crate::runtime::Runtime;
use crate::task::{LiveTasks, TaskSet};

/// A connected device.
///
/// Requests are serialised: each waits for the one before it, and each uses its own
/// connection or socket. Polling runs in a background task that [`Device::close`] stops and
/// waits for; dropping the device stops it too, without waiting.
#[derive(Debug)]
pub struct Device<R: Runtime> {
    shared: Arc<Shared<R>>,
    tasks: TaskSet,
}

/// The state a device shares with its polling task.
#[derive(Debug)]
pub(crate) struct Shared<R: Runtime> {
    pub(crate) runtime: R,
    pub(crate) clock: Clock,
    /// Locked for the whole of each request, which serialises them.
    pub(crate) context: Mutex<DeviceContext>,
    /// Counts changes of address or protocol, so the polling task rebuilds its poller.
    pub(crate) generation: AtomicU64,
    pub(crate) span: tracing::Span,
    pub(crate) events: EventHub,
    info: StdMutex<DeviceInfo>,
    poll_control: StdMutex<Option<mpsc::UnboundedSender<PollControl>>>,
}

impl<R: Runtime> Shared<R> {
    /// Builds an operation from the context and drives it, holding the context lock
    /// throughout. Nothing is sent when the builder fails.
    pub(crate) async fn run<O, E>(
        &self,
        build: impl FnOnce(&DeviceContext) -> Result<O, E>,
    ) -> Result<O::Output, Error>
    where
        O: Operation + Send,
        E: Into<OperationError>,
    {
        let context = self.context.lock().await;
        self.run_locked(&context, build).await
    }

    /// Runs a command that changes the device, then starts a burst of faster polls.
    pub(crate) async fn run_command<O, E>(
        &self,
        build: impl FnOnce(&DeviceContext) -> Result<O, E>,
    ) -> Result<O::Output, Error>
    where
        O: Operation + Send,
        E: Into<OperationError>,
    {
        let context = self.context.lock().await;
        let output = self.run_locked(&context, build).await?;
        self.notify_command(None);
        drop(context);
        Ok(output)
    }

    /// Reads the status and stores it as the latest snapshot.
    ///
    /// The snapshot is stored before the context lock is released, so a poll that waited
    /// for the lock stores its newer status afterwards and this older one never replaces it.
    pub(crate) async fn read_status(&self) -> Result<Status, Error> {
        let context = self.context.lock().await;
        let status = self
            .run_locked(&context, |context| {
                Ok::<_, InvalidArgument>(context.read_status())
            })
            .await?;
        self.events.set_latest(status.clone());
        drop(context);
        Ok(status)
    }

    /// Runs a command whose output is a status read after it, such as a switch, stores that
    /// status as the latest snapshot and starts a burst of faster polls.
    ///
    /// Later polls compare against the status only when `shows_change` accepts it. A switch
    /// without verification returns one read that may predate the change, and comparing
    /// against it would report this client's own switch as a change made elsewhere. As in
    /// [`Shared::read_status`], the snapshot is stored while the context lock is held.
    pub(crate) async fn run_status_command<O, E>(
        &self,
        build: impl FnOnce(&DeviceContext) -> Result<O, E>,
        shows_change: impl FnOnce(&Status) -> bool,
    ) -> Result<Status, Error>
    where
        O: Operation<Output = Status> + Send,
        E: Into<OperationError>,
    {
        let context = self.context.lock().await;
        let status = self.run_locked(&context, build).await?;
        let confirmed = shows_change(&status).then(|| status.clone());
        self.notify_command(confirmed);
        self.events.set_latest(status.clone());
        drop(context);
        Ok(status)
    }

    async fn run_locked<O, E>(
        &self,
        context: &DeviceContext,
        build: impl FnOnce(&DeviceContext) -> Result<O, E>,
    ) -> Result<O::Output, Error>
    where
        O: Operation + Send,
        E: Into<OperationError>,
    {
        let device = operation::target(context);
        let operation =
            build(context).map_err(|error| Error::from_operation(device, error.into()))?;
        operation::run(&self.runtime, self.clock, context, operation)
            .instrument(self.span.clone())
            .await
    }

    /// Tells the polling task, if one runs, that a command changed the device.
    ///
    /// Callers still hold the context lock, so the message is queued before the next poll
    /// can start, and that poll compares against `confirmed`.
    fn notify_command(&self, confirmed: Option<Status>) {
        if let Some(control) = self.lock_poll_control().as_ref() {
            // A closed channel means polling stopped; there is nothing to speed up.
            let _ = control.unbounded_send(PollControl::CommandSent { confirmed });
        }
    }

    pub(crate) fn lock_poll_control(
        &self,
    ) -> MutexGuard<'_, Option<mpsc::UnboundedSender<PollControl>>> {
        self.poll_control
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn lock_info(&self) -> MutexGuard<'_, DeviceInfo> {
        self.info.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<R: Runtime> Device<R> {
    pub(crate) fn new(
        runtime: R,
        clock: Clock,
        context: DeviceContext,
        info: DeviceInfo,
        span: tracing::Span,
    ) -> Self {
        let events = EventHub::default();
        events.set_latest(info.status.clone());
        Device {
            shared: Arc::new(Shared {
                runtime,
                clock,
                context: Mutex::new(context),
                generation: AtomicU64::new(0),
                span,
                events,
                info: StdMutex::new(info),
                poll_control: StdMutex::new(None),
            }),
            tasks: TaskSet::default(),
        }
    }

    /// Starts a builder for the device at `ip`.
    pub fn builder(runtime: R, ip: std::net::IpAddr) -> DeviceBuilder<R> {
        DeviceBuilder::new(runtime, ip)
    }

    /// Builds an operation of the protocol core from the device's context and runs it.
    ///
    /// This reaches every operation `maxsmart-proto` offers, including those without a
    /// method here. The request waits for earlier ones, as every request does.
    ///
    /// # Errors
    ///
    /// Returns the builder's error (an invalid argument or an unsupported operation; nothing
    /// is sent then) or the operation's.
    pub async fn execute<O, E>(
        &self,
        build: impl FnOnce(&DeviceContext) -> Result<O, E>,
    ) -> Result<O::Output, Error>
    where
        O: Operation + Send,
        E: Into<OperationError>,
    {
        self.shared.run(build).await
    }

    /// Returns what initialisation learned: protocol, firmware, watt format, port count,
    /// names, MAC address and the first status.
    pub fn info(&self) -> DeviceInfo {
        self.shared.lock_info().clone()
    }

    /// Returns a copy of the device's context: addresses, protocol, serial number,
    /// firmware, port count and policies.
    pub async fn context(&self) -> DeviceContext {
        self.shared.context.lock().await.clone()
    }

    /// Returns the protocol in use.
    pub async fn protocol(&self) -> Protocol {
        self.shared.context.lock().await.protocol
    }

    /// Returns the number of ports learned when connecting.
    pub async fn port_count(&self) -> u8 {
        self.shared.context.lock().await.port_count.unwrap_or(0)
    }

    /// Returns the address requests go to under the protocol in use.
    pub async fn address(&self) -> SocketAddr {
        operation::target(&*self.shared.context.lock().await)
    }

    /// Returns a handle that counts the device's background tasks still alive; it stays
    /// valid after the device is closed.
    pub fn live_tasks(&self) -> LiveTasks {
        self.tasks.live()
    }

    /// Stops every background task of the device and waits until each has ended and
    /// released its sockets, waits for a request still running, and ends every event
    /// stream.
    pub async fn close(self) {
        self.shared.lock_poll_control().take();
        self.tasks.shutdown().await;
        drop(self.shared.context.lock().await);
        self.shared.events.close();
        tracing::debug!(parent: &self.shared.span, "device closed");
    }
}

impl<R: Runtime> Drop for Device<R> {
    fn drop(&mut self) {
        self.shared.lock_poll_control().take();
        self.tasks.abort_all();
        self.shared.events.close();
    }
}
