//! Sets of weekdays, sent as a `week` array of seven 0/1 flags starting on Sunday.

use alloc::vec::Vec;
use core::fmt;

use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::error::ParseError;
use crate::json;

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    /// Sunday, the first entry of a `week` array.
    Sunday,
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday, the last entry of a `week` array.
    Saturday,
}

impl Weekday {
    /// Every weekday in wire order, Sunday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Sunday,
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
    ];

    /// Returns the index in a `week` array: 0 for Sunday, 6 for Saturday.
    pub fn wire_index(self) -> usize {
        self as usize
    }
}

/// A set of weekdays.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Weekdays(u8);

impl Weekdays {
    /// No day.
    pub const NONE: Weekdays = Weekdays(0);
    /// Monday to Friday.
    pub const WORKDAYS: Weekdays = Weekdays(0b011_1110);
    /// Every day.
    pub const EVERY_DAY: Weekdays = Weekdays(0b111_1111);

    /// Returns the set of the given days.
    ///
    /// ```
    /// use maxsmart_proto::config::{Weekday, Weekdays};
    ///
    /// let days = Weekdays::from_days(&[Weekday::Sunday, Weekday::Saturday]);
    /// assert_eq!(days.to_wire(), [1, 0, 0, 0, 0, 0, 1]);
    /// ```
    pub fn from_days(days: &[Weekday]) -> Self {
        days.iter().fold(Weekdays::NONE, |set, day| set.with(*day))
    }

    /// Returns this set with `day` added.
    #[must_use]
    pub fn with(self, day: Weekday) -> Self {
        Weekdays(self.0 | 1 << day.wire_index())
    }

    /// Returns whether `day` is in the set.
    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.wire_index()) != 0
    }

    /// Returns whether the set has no day.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Returns the days in the set, Sunday first.
    pub fn days(self) -> impl Iterator<Item = Weekday> {
        Weekday::ALL
            .into_iter()
            .filter(move |day| self.contains(*day))
    }

    /// Returns the `week` array, Sunday first.
    pub fn to_wire(self) -> [u8; 7] {
        Weekday::ALL.map(|day| u8::from(self.contains(day)))
    }

    /// Builds the set from a `week` array, Sunday first.
    pub fn from_wire(flags: [bool; 7]) -> Self {
        let mut set = Weekdays::NONE;
        for (day, flag) in Weekday::ALL.into_iter().zip(flags) {
            if flag {
                set = set.with(day);
            }
        }
        set
    }

    /// Parses a JSON `week` array of seven 0/1 flags.
    pub(crate) fn parse(value: &Value, field: &'static str) -> Result<Self, ParseError> {
        let Some(items) = value.as_array() else {
            return Err(json::invalid(field, value, "an array of 7 flags"));
        };
        if items.len() != 7 {
            return Err(json::invalid(field, value, "an array of 7 flags"));
        }
        let mut flags = [false; 7];
        for (flag, item) in flags.iter_mut().zip(items) {
            *flag = json::read_flag(item, field)?;
        }
        Ok(Weekdays::from_wire(flags))
    }
}

impl fmt::Debug for Weekdays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.days()).finish()
    }
}

/// Serializes as the list of day names, Sunday first.
impl Serialize for Weekdays {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let days: Vec<Weekday> = self.days().collect();
        days.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn week_starts_on_sunday() {
        let days = Weekdays::parse(&json!([0, 1, 1, 1, 1, 1, 0]), "week").unwrap();
        assert_eq!(days, Weekdays::WORKDAYS);
        assert!(!days.contains(Weekday::Sunday));
        assert!(days.contains(Weekday::Monday));
        assert!(days.contains(Weekday::Friday));
        assert!(!days.contains(Weekday::Saturday));
        assert_eq!(days.to_wire(), [0, 1, 1, 1, 1, 1, 0]);
    }

    #[test]
    fn wrong_length_and_values_are_invalid() {
        for value in [json!([0, 1]), json!([0, 0, 0, 0, 0, 0, 0, 0]), json!("x")] {
            assert!(Weekdays::parse(&value, "week").is_err(), "{value}");
        }
        let error = Weekdays::parse(&json!([0, 0, 0, 2, 0, 0, 0]), "week").unwrap_err();
        assert!(matches!(
            error,
            ParseError::InvalidValue { field: "week", .. }
        ));
    }

    #[test]
    fn serializes_as_day_names() {
        let days = Weekdays::from_days(&[Weekday::Saturday, Weekday::Monday]);
        assert_eq!(
            serde_json::to_string(&days).unwrap(),
            r#"["monday","saturday"]"#
        );
        assert_eq!(alloc::format!("{days:?}"), "{Monday, Saturday}");
    }
}
