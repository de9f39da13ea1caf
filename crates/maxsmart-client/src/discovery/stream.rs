//! Discovery as a stream that yields each device once its probe is done.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::channel::mpsc;
use futures::stream::{self, BoxStream, Stream, StreamExt};
use futures::{FutureExt, future};
use maxsmart_proto::machine::{DiscoveredDevice, DiscoveryCollector};

use super::targets::discovery_targets;
use super::{DiscoverOptions, FoundDevice, probe};
use crate::clock::Clock;
use crate::driver::drive;
use crate::error::Error;
use crate::runtime::Runtime;

/// How many probes run at once, so that a large network does not open hundreds of
/// connections in the same instant.
const CONCURRENT_PROBES: usize = 32;

/// The devices found by [`discover_stream`], each yielded as soon
/// as its probe ends.
///
/// The stream ends when the listening window closes and every probe has ended. Dropping it
/// stops discovery and closes its socket. Each device is yielded once, even when it
/// replies to several rounds. An `Err` item means discovery could not run at all (no
/// interface list, no socket) and is the last item.
pub struct DiscoveryStream {
    inner: BoxStream<'static, Result<FoundDevice, Error>>,
}

impl fmt::Debug for DiscoveryStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DiscoveryStream").finish_non_exhaustive()
    }
}

impl Stream for DiscoveryStream {
    type Item = Result<FoundDevice, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

/// Starts discovery with `options` and returns the stream of devices found.
///
/// Nothing is sent until the stream is first polled. See [`DiscoveryStream`].
pub fn discover_stream<R: Runtime>(runtime: R, options: DiscoverOptions) -> DiscoveryStream {
    let (found_sender, found) = mpsc::unbounded::<DiscoveredDevice>();
    let (result_sender, results) = mpsc::unbounded::<Result<FoundDevice, Error>>();

    let collect = {
        let runtime = runtime.clone();
        let options = options.clone();
        let result_sender = result_sender.clone();
        async move {
            if let Err(error) = collect(&runtime, &options, &found_sender).await {
                let _ = result_sender.unbounded_send(Err(error));
            }
        }
    };
    let probe_all = async move {
        let options = &options;
        let runtime = &runtime;
        found
            .map(|device| probe::probe(runtime, device, options))
            .buffer_unordered(CONCURRENT_PROBES)
            .for_each(|info| {
                let _ = result_sender.unbounded_send(Ok(info));
                future::ready(())
            })
            .await;
    };
    // The work yields no items; it only feeds `results` and ends when both halves end, which
    // drops the senders and so ends `results` too.
    let work = future::join(collect, probe_all)
        .into_stream()
        .filter_map(|_| future::ready(None));
    DiscoveryStream {
        inner: stream::select(results, work).boxed(),
    }
}

/// Sends the discovery rounds and passes each new device to `found` as it first replies.
async fn collect<R: Runtime>(
    runtime: &R,
    options: &DiscoverOptions,
    found: &mpsc::UnboundedSender<DiscoveredDevice>,
) -> Result<(), Error> {
    let targets = discovery_targets(options)?;
    let Some(first) = targets.first().copied() else {
        tracing::debug!("no interface can broadcast and no host was given");
        return Ok(());
    };
    tracing::debug!(targets = targets.len(), "sending discovery");
    let collector = DiscoveryCollector::new(targets, options.collector_options(false));
    drive(runtime, Clock::new(), collector, &mut |collector| {
        while let Some(device) = collector.poll_found() {
            let _ = found.unbounded_send(device);
        }
    })
    .await
    .map(drop)
    .map_err(|error| error.into_error(first))
}
