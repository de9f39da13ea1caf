//! Tolerated device misbehaviour, logged at `warn` level the first time a [`QuirkLog`]
//! records it and at `debug` level after that, so that a device polled every few seconds does not
//! repeat the same warning.

/// A misbehaviour that the parsers tolerate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quirk {
    /// The JSON type of the watt values contradicts the firmware family's encoding.
    WattEncodingMismatch,
    /// The `watt`, `amp` and `switch` arrays of a status differ in length.
    StatusArrayLengths,
    /// A V3 reply lacks its `V3` prefix.
    V3ReplyWithoutPrefix,
}

impl Quirk {
    fn bit(self) -> u8 {
        match self {
            Quirk::WattEncodingMismatch => 1,
            Quirk::StatusArrayLengths => 2,
            Quirk::V3ReplyWithoutPrefix => 4,
        }
    }
}

/// The quirks already logged at `warn` level, kept by a [`Poller`](crate::Poller) for its
/// device. A fresh log warns about everything.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct QuirkLog(u8);

impl QuirkLog {
    /// Records `quirk` and returns whether this log records it for the first time.
    pub(crate) fn first(&mut self, quirk: Quirk) -> bool {
        let seen = self.0 & quirk.bit() != 0;
        self.0 |= quirk.bit();
        !seen
    }
}

/// Logs a tolerated quirk: `report_quirk!(log, Quirk::X, fields..., "message")` logs at `warn`
/// level the first time `log` records `Quirk::X` and at `debug` level after that.
macro_rules! report_quirk {
    ($log:expr, $quirk:expr, $($event:tt)+) => {
        if $log.first($quirk) {
            tracing::warn!($($event)+)
        } else {
            tracing::debug!($($event)+)
        }
    };
}

pub(crate) use report_quirk;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_quirk_is_first_once() {
        let mut log = QuirkLog::default();
        assert!(log.first(Quirk::StatusArrayLengths));
        assert!(!log.first(Quirk::StatusArrayLengths));
        assert!(log.first(Quirk::V3ReplyWithoutPrefix));
        assert!(log.first(Quirk::WattEncodingMismatch));
        assert!(!log.first(Quirk::V3ReplyWithoutPrefix));
    }
}
