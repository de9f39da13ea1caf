//! Lifetime cases: closing and dropping a device stop its tasks, and stopping polling
//! leaves the device usable.

use std::time::{Duration, Instant};

use futures::StreamExt;
use maxsmart_client::Runtime;
use maxsmart_sim::Profile;

use super::polling::POLL;
use crate::{Sim, wait_until};

/// After `close`, no task of the device is alive, its streams have ended and the
/// simulator hears nothing more.
pub async fn close_stops_every_task<R: Runtime>(runtime: R) {
    let sim = Sim::profile(Profile::Strip130).await;
    let device = sim
        .builder(runtime.clone())
        .polling(POLL)
        .connect()
        .await
        .unwrap();
    let live = device.live_tasks();
    let mut events = device.events();
    assert_eq!(live.count(), 1);
    events.next().await.expect("a first poll event");

    device.close().await;
    assert_eq!(live.count(), 0, "a task outlived close");
    assert!(
        events.next().await.is_none(),
        "the stream should end with the device"
    );
    assert_silent_afterwards(&runtime, &sim).await;
    sim.stop().await;
}

/// Dropping the device stops its polling task without anyone awaiting it.
pub async fn drop_stops_every_task<R: Runtime>(runtime: R) {
    let sim = Sim::profile(Profile::Strip511).await;
    let device = sim
        .builder(runtime.clone())
        .polling(POLL)
        .connect()
        .await
        .unwrap();
    let live = device.live_tasks();
    assert_eq!(live.count(), 1);
    drop(device);
    wait_until(&runtime, || live.count() == 0).await;
    assert_silent_afterwards(&runtime, &sim).await;
    sim.stop().await;
}

/// Stopping polling ends its task; the device still replies and can poll again.
pub async fn stop_polling_keeps_device_usable<R: Runtime>(runtime: R) {
    let sim = Sim::profile(Profile::Plug130).await;
    let device = sim.builder(runtime.clone()).connect().await.unwrap();
    assert!(!device.is_polling());
    device.start_polling(POLL).await;
    assert!(device.is_polling());
    device.stop_polling().await;
    assert!(!device.is_polling());
    assert_eq!(device.live_tasks().count(), 0);
    assert_eq!(device.status().await.unwrap().port_count(), 1);

    device.start_polling(POLL).await;
    device.start_polling(POLL).await;
    assert_eq!(
        device.live_tasks().count(),
        1,
        "restarting replaces the task"
    );
    device.close().await;
    sim.stop().await;
}

/// Checks that the simulator receives nothing for three poll intervals. A request sent just
/// before the task ended may still be on its way, so the log is cleared after a pause.
async fn assert_silent_afterwards<R: Runtime>(runtime: &R, sim: &Sim) {
    pause(runtime, POLL.interval).await;
    sim.clear_requests();
    pause(runtime, POLL.interval * 3).await;
    assert!(sim.requests().is_empty(), "{:?}", sim.requests());
}

/// Waits `duration` on the runtime's timer.
async fn pause<R: Runtime>(runtime: &R, duration: Duration) {
    runtime.sleep_until(Instant::now() + duration).await;
}
