//! The bridge between the runtime's clock and the protocol core's instants.

use std::time::Instant as StdInstant;

use maxsmart_proto::Instant;

/// Converts wall-clock monotonic time into the protocol core's [`Instant`] values.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    origin: StdInstant,
}

impl Clock {
    /// Creates a clock whose origin is now.
    pub(crate) fn new() -> Self {
        Clock {
            origin: StdInstant::now(),
        }
    }

    /// Returns the current instant.
    pub(crate) fn now(&self) -> Instant {
        Instant::from_std(StdInstant::now(), self.origin)
    }

    /// Converts a protocol instant back for the runtime's timers.
    pub(crate) fn to_std(self, instant: Instant) -> StdInstant {
        instant.to_std(self.origin)
    }
}
