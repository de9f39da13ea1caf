//! State machines that decide what to send, when to retry and when to give up.
//!
//! Every machine implements [`Operation`], so one small loop in a runtime crate drives them
//! all:
//!
//! 1. Send every [`Transmit`] that [`Operation::poll_transmit`] returns, until it returns
//!    `None`.
//! 2. If [`Operation::poll_output`] returns a result, the operation is over.
//! 3. Otherwise wait for an HTTP response, a datagram or the instant from
//!    [`Operation::poll_timeout`], whichever comes first, feed it back with
//!    [`Operation::handle_input`] or [`Operation::handle_timeout`], and go to step 1.
//!
//! When a timeout moves an operation past an attempt, HTTP requests still in flight are
//! stale and the driver may drop them. A machine ignores responses to another command. A
//! reply to the same command counts while an attempt waits for one, whichever attempt it
//! replies to: a late datagram that arrives during a later attempt completes it. A reply that
//! arrives during the pause before a retry is dropped, and the retry is sent.
//!
//! | Machine                | Output                    | Built by                          |
//! |------------------------|---------------------------|-----------------------------------|
//! | [`Exchange`]           | the reply's `data`        | [`DeviceContext::exchange`]       |
//! | [`Query`]              | a decoded reply           | the `read_*` and `set_*` builders |
//! | [`Switch`]             | the confirming [`Status`](crate::status::Status) | [`DeviceContext::switch`] |
//! | [`DiscoveryCollector`] | every device found        | [`DiscoveryCollector::new`]       |
//! | [`Initialise`]         | a [`DeviceInfo`]          | [`Initialise::new`]               |
//! | [`Poller`]             | none: it polls forever and reports [`PollEvent`]s | [`Poller::new`] |

mod commands;
mod context;
mod discovery;
mod exchange;
mod initialise;
mod poller;
mod query;
mod switch;

use alloc::string::String;
use alloc::vec::Vec;
use core::net::SocketAddr;
use core::time::Duration;

pub use crate::error::TransportFailure;
pub use context::{DeviceContext, Protocol};
pub use discovery::{DiscoveredDevice, DiscoveryCollector, DiscoveryOptions};
pub use exchange::Exchange;
pub use initialise::{DeviceInfo, Initialise, InitialiseOptions};
pub use poller::{PollConfig, PollEvent, Poller};
pub use query::Query;
pub use switch::{Switch, VerifyPolicy};

use crate::error::OperationError;
use crate::instant::Instant;

/// A message a machine hands to the runtime to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transmit {
    /// An HTTP `GET` of `target` on a new connection to `to`.
    Http {
        /// The device's HTTP address.
        to: SocketAddr,
        /// The request target, path and query.
        target: String,
    },
    /// One UDP datagram.
    Udp {
        /// The destination; a broadcast address for broadcast discovery.
        to: SocketAddr,
        /// The datagram payload.
        payload: Vec<u8>,
    },
}

/// Something the runtime received and feeds back to a machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input<'a> {
    /// The complete body of an HTTP response from `from`.
    HttpResponse {
        /// The address the request went to.
        from: SocketAddr,
        /// The response body.
        body: &'a [u8],
    },
    /// An HTTP request to `from` failed before a complete body arrived.
    HttpFailed {
        /// The address the request went to.
        from: SocketAddr,
        /// The failure.
        failure: TransportFailure,
    },
    /// A UDP datagram.
    Datagram {
        /// The source address of the datagram.
        from: SocketAddr,
        /// The payload.
        payload: &'a [u8],
    },
}

/// Timeouts and retries of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// How long to wait for each attempt's reply.
    pub timeout: Duration,
    /// How many times to send the request in all, at least 1.
    pub attempts: u32,
    /// The pause before the first retry; each later pause doubles.
    pub backoff: Duration,
    /// The maximum pause between two attempts.
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// Returns the pause after attempt number `attempt` (1 for the first) failed.
    pub fn backoff_after(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(16);
        self.backoff
            .saturating_mul(1 << doublings)
            .min(self.max_backoff)
    }
}

impl Default for RetryPolicy {
    /// Returns 5 s per attempt, 3 attempts, pauses of 0.5 s then 1 s.
    fn default() -> Self {
        RetryPolicy {
            timeout: Duration::from_secs(5),
            attempts: 3,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(4),
        }
    }
}

/// A request-reply operation driven by a runtime. See the [module docs](self) for the loop.
pub trait Operation {
    /// The value the operation yields on success.
    type Output;

    /// Returns the next message to send, or `None` when nothing is to be sent now.
    #[must_use]
    fn poll_transmit(&mut self, now: Instant) -> Option<Transmit>;

    /// Feeds a response, a failure or a datagram.
    fn handle_input(&mut self, now: Instant, input: Input<'_>);

    /// Tells the machine that the instant from [`Operation::poll_timeout`] has passed.
    fn handle_timeout(&mut self, now: Instant);

    /// Returns when [`Operation::handle_timeout`] is due, or `None` when the operation is over.
    #[must_use]
    fn poll_timeout(&self) -> Option<Instant>;

    /// Returns the result once, when the operation is over.
    #[must_use]
    fn poll_output(&mut self) -> Option<Result<Self::Output, OperationError>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_maximum() {
        let policy = RetryPolicy {
            timeout: Duration::from_secs(1),
            attempts: 6,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(3),
        };
        assert_eq!(policy.backoff_after(1), Duration::from_millis(500));
        assert_eq!(policy.backoff_after(2), Duration::from_secs(1));
        assert_eq!(policy.backoff_after(3), Duration::from_secs(2));
        assert_eq!(policy.backoff_after(4), Duration::from_secs(3));
        assert_eq!(policy.backoff_after(40), Duration::from_secs(3));
    }
}
