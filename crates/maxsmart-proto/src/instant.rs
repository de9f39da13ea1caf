//! A monotonic timestamp supplied by the caller.

use core::ops::{Add, Sub};
use core::time::Duration;

use serde::{Serialize, Serializer};

/// The offset [`Instant::to_std`] uses for instants the platform's clock cannot represent:
/// about 100 years, later than any deadline a program waits for.
pub const FAR_FUTURE: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

/// A point on the caller's monotonic clock, measured from an origin the caller chose.
///
/// The state machines compare and add these values but never read a clock. Two instants
/// are comparable only when they come from the same origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(Duration);

impl Instant {
    /// The origin of the caller's clock.
    pub const ZERO: Instant = Instant(Duration::ZERO);

    /// Creates an instant that lies `elapsed` after the origin.
    pub const fn from_elapsed(elapsed: Duration) -> Self {
        Instant(elapsed)
    }

    /// Converts a standard library instant, measured against `origin`.
    ///
    /// Instants earlier than `origin` map to [`Instant::ZERO`].
    #[cfg(feature = "std")]
    pub fn from_std(instant: std::time::Instant, origin: std::time::Instant) -> Self {
        Instant(instant.saturating_duration_since(origin))
    }

    /// Converts back to a standard library instant, measured against `origin`.
    ///
    /// Saturates: an instant beyond what the platform's clock can represent, such as a
    /// deadline derived from a timeout of 10^19 seconds, maps to [`FAR_FUTURE`] after
    /// `origin`. When even that does not fit, it maps to the latest instant the platform
    /// can represent, which is never earlier than `origin`.
    #[cfg(feature = "std")]
    pub fn to_std(self, origin: std::time::Instant) -> std::time::Instant {
        if let Some(instant) = origin.checked_add(self.0) {
            return instant;
        }
        if let Some(instant) = origin.checked_add(FAR_FUTURE) {
            return instant;
        }
        latest_after(origin, FAR_FUTURE)
    }

    /// Returns the time elapsed since the origin.
    pub const fn elapsed(self) -> Duration {
        self.0
    }

    /// Returns the time from `earlier` to `self`, or zero when `earlier` is later.
    pub fn saturating_duration_since(self, earlier: Instant) -> Duration {
        self.0.saturating_sub(earlier.0)
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;

    fn add(self, rhs: Duration) -> Instant {
        Instant(self.0.saturating_add(rhs))
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;

    fn sub(self, rhs: Instant) -> Duration {
        self.saturating_duration_since(rhs)
    }
}

/// Returns the latest instant from `origin` to `origin + limit` that the platform can
/// represent, given that `origin + limit` itself cannot be.
///
/// Bisects the offset, so it takes at most about 64 steps for offsets up to [`FAR_FUTURE`].
#[cfg(feature = "std")]
fn latest_after(origin: std::time::Instant, limit: Duration) -> std::time::Instant {
    // `fits` can always be added to `origin`, and `too_far` never can.
    let mut fits = Duration::ZERO;
    let mut too_far = limit;
    while too_far - fits > Duration::from_nanos(1) {
        let middle = fits + (too_far - fits) / 2;
        if origin.checked_add(middle).is_some() {
            fits = middle;
        } else {
            too_far = middle;
        }
    }
    origin + fits
}

/// Serializes as the time since the origin, the way serde writes a [`Duration`].
impl Serialize for Instant {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addition_moves_forward() {
        let t = Instant::from_elapsed(Duration::from_secs(2)) + Duration::from_millis(500);
        assert_eq!(t.elapsed(), Duration::from_millis(2500));
    }

    #[test]
    fn serializes_as_elapsed_duration() {
        let instant = Instant::from_elapsed(Duration::from_millis(1500));
        assert_eq!(
            serde_json::to_string(&instant).unwrap(),
            r#"{"secs":1,"nanos":500000000}"#
        );
    }

    #[test]
    fn subtraction_saturates_at_zero() {
        let early = Instant::from_elapsed(Duration::from_secs(1));
        let late = Instant::from_elapsed(Duration::from_secs(3));
        assert_eq!(late - early, Duration::from_secs(2));
        assert_eq!(early - late, Duration::ZERO);
    }

    #[cfg(feature = "std")]
    #[test]
    #[allow(
        clippy::disallowed_methods,
        reason = "a real instant is the input under test"
    )]
    fn far_deadline_near_clock_end_stays_ahead() {
        let mut origin = std::time::Instant::now();
        // Moves `origin` to within a nanosecond of the latest representable instant.
        let mut step = FAR_FUTURE;
        while step > Duration::ZERO {
            match origin.checked_add(step) {
                Some(later) => {
                    origin = later;
                    step = step.saturating_mul(2);
                }
                None => step /= 2,
            }
        }
        let origin = origin - FAR_FUTURE / 2;
        assert!(origin.checked_add(FAR_FUTURE).is_none());

        let deadline = Instant::from_elapsed(Duration::MAX).to_std(origin);
        assert!(deadline > origin);
        assert_eq!(deadline.checked_add(Duration::from_nanos(1)), None);
        assert!(deadline - origin >= FAR_FUTURE / 2);
    }

    #[cfg(feature = "std")]
    #[test]
    #[allow(
        clippy::disallowed_methods,
        reason = "a real instant is the input under test"
    )]
    fn std_round_trip_keeps_offset() {
        let origin = std::time::Instant::now();
        let later = origin + Duration::from_millis(1234);
        let converted = Instant::from_std(later, origin);
        assert_eq!(converted.elapsed(), Duration::from_millis(1234));
        assert_eq!(converted.to_std(origin), later);
    }

    #[cfg(feature = "std")]
    #[test]
    #[allow(
        clippy::disallowed_methods,
        reason = "a real instant is the origin under test"
    )]
    fn huge_instant_saturates_to_far_future() {
        let origin = std::time::Instant::now();
        let huge = Instant::ZERO + Duration::from_secs(10_000_000_000_000_000_000);
        assert_eq!(huge.to_std(origin), origin + FAR_FUTURE);
        let largest = Instant::from_elapsed(Duration::MAX);
        assert_eq!(largest.to_std(origin), origin + FAR_FUTURE);
    }

    #[test]
    fn addition_saturates_at_the_largest_duration() {
        let late = Instant::from_elapsed(Duration::MAX - Duration::from_secs(1));
        assert_eq!((late + Duration::from_secs(5)).elapsed(), Duration::MAX);
    }
}
