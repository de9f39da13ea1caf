//! A watchdog for failure paths: the awaited operation must end before a generous bound.

use std::future::Future;
use std::pin::pin;
use std::time::{Duration, Instant};

use futures::future::{Either, select};
use maxsmart_client::Runtime;

/// Awaits `future`, panicking if it has not ended after `bound`.
///
/// The bound is the operation's own worst case (every attempt timing out, every backoff)
/// plus a margin for a loaded machine. An operation still running after it has hung.
pub async fn within<R: Runtime, F: Future>(runtime: &R, bound: Duration, future: F) -> F::Output {
    let deadline = runtime.sleep_until(Instant::now() + bound);
    match select(pin!(future), deadline).await {
        Either::Left((output, _)) => output,
        Either::Right(((), _)) => panic!("operation still running after {bound:?}"),
    }
}

/// Returns the longest a request can take under [`crate::RETRY`] before it fails, plus a
/// margin of one second.
pub fn retry_bound() -> Duration {
    let retry = crate::RETRY;
    let waits = retry.timeout * retry.attempts;
    let pauses: Duration = (1..retry.attempts)
        .map(|attempt| retry.backoff_after(attempt))
        .sum();
    waits + pauses + Duration::from_secs(1)
}

/// Checks `condition` every 10 ms until it holds, panicking after 2 s.
///
/// Used where the simulator applies a change on its own task, such as closing its listener.
pub async fn wait_until<R: Runtime>(runtime: &R, mut condition: impl FnMut() -> bool) {
    for _ in 0..200 {
        if condition() {
            return;
        }
        runtime
            .sleep_until(Instant::now() + Duration::from_millis(10))
            .await;
    }
    panic!("condition still false after 2 s");
}
