//! Schedule rules: HTTP command 206 creates, edits or deletes one, 516 lists them.
//!
//! A rule is weekly (`day` 0 and some `week` flags set, run at `time` minutes after midnight
//! on those days) or one-time (`day` a Unix time in seconds, every `week` flag 0). This
//! reading follows the published 516 sample, which contradicts the field table of the same
//! notes for `day`. A device stores at most 12 rules.

use alloc::vec::Vec;

use serde::Serialize;
use serde_json::Value;

use super::{Weekdays, check_minute, check_port_array, parse_port_codes};
use crate::error::{InvalidArgument, ParseError};
use crate::json;

/// HTTP command 206: create, edit or delete a rule.
pub const CHANGE_RULE: u16 = 206;
/// HTTP command 516: list the rules.
pub const RULES: u16 = 516;
/// The maximum number of rules a device stores.
pub const MAX_RULES: usize = 12;

/// The action of a rule on one port, sent as 0 (off), 1 (on) or 2 (unchanged).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PortAction {
    /// Switch the port off (code 0).
    Off,
    /// Switch the port on (code 1).
    On,
    /// Leave the port as it is (code 2).
    Unchanged,
}

impl PortAction {
    /// Returns the wire code.
    pub fn wire_code(self) -> u8 {
        match self {
            PortAction::Off => 0,
            PortAction::On => 1,
            PortAction::Unchanged => 2,
        }
    }

    /// Converts a wire code, or returns `None` for an unknown one.
    pub fn from_wire(code: u64) -> Option<Self> {
        match code {
            0 => Some(PortAction::Off),
            1 => Some(PortAction::On),
            2 => Some(PortAction::Unchanged),
            _ => None,
        }
    }
}

/// When a rule runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Schedule {
    /// Every week on these days, at the rule's minute of the day.
    Weekly(Weekdays),
    /// Once, at this Unix time in seconds.
    ///
    /// One-time rules carry a minute of the day as well. In both published samples it differs
    /// from the time of day in `unix_seconds`, and how the device combines them is unknown.
    Once {
        /// The Unix time in seconds (`day`).
        unix_seconds: u64,
    },
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Rule {
    /// The rule id, needed to edit or delete the rule.
    ///
    /// NOTE: who assigns the id of a new rule is unknown; the captured create request
    /// already carries one, so the caller chooses it.
    pub id: u64,
    /// Whether the rule runs.
    pub enabled: bool,
    /// One action per port, port 1 first.
    pub actions: Vec<PortAction>,
    /// Minutes after midnight (`time`), 0 to 1439.
    pub minute_of_day: u16,
    /// Weekly or one-time.
    pub schedule: Schedule,
}

impl Rule {
    /// Checks the rule for a device with `port_count` ports.
    ///
    /// # Errors
    ///
    /// Returns [`InvalidArgument`] when the actions do not cover every port, the minute is
    /// 1440 or more, a weekly rule has no day, or a one-time rule has time 0 (which the
    /// device would read as weekly).
    pub fn validate(&self, port_count: u8) -> Result<(), InvalidArgument> {
        check_port_array("port", self.actions.len(), port_count)?;
        check_minute("time", self.minute_of_day)?;
        match self.schedule {
            Schedule::Weekly(days) if days.is_empty() => Err(InvalidArgument::InvalidValue {
                field: "week",
                value: alloc::string::String::from("no day"),
                expected: "at least one day for a weekly rule",
            }),
            Schedule::Once { unix_seconds: 0 } => Err(InvalidArgument::OutOfRange {
                field: "day",
                value: alloc::string::String::from("0"),
                expected: "a Unix time above 0 for a one-time rule",
            }),
            _ => Ok(()),
        }
    }
}

/// A change sent with command 206.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleChange {
    /// Adds a rule (mode 0).
    Create(Rule),
    /// Replaces the rule with the same id (mode 1).
    Edit(Rule),
    /// Removes the rule with the same id (mode 2).
    ///
    /// The reverse-engineered notes require only `id` for a deletion. The other fields are
    /// sent as given, so the request has the same shape as create and edit; that this is
    /// harmless is inferred. Pass the rule as read with 516.
    Delete(Rule),
}

impl RuleChange {
    /// Returns the `mode` code: 0 create, 1 edit, 2 delete.
    pub fn mode(&self) -> u8 {
        match self {
            RuleChange::Create(_) => 0,
            RuleChange::Edit(_) => 1,
            RuleChange::Delete(_) => 2,
        }
    }

    /// Returns the rule the change carries.
    pub fn rule(&self) -> &Rule {
        match self {
            RuleChange::Create(rule) | RuleChange::Edit(rule) | RuleChange::Delete(rule) => rule,
        }
    }
}

/// The rules a device reports through command 516.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleList {
    /// The number of rules the device reports in `total`.
    pub total: u64,
    /// The page number; all rules fit on page 0.
    pub page: u64,
    /// The rules.
    pub rules: Vec<Rule>,
}

/// The `json` argument of command 206, fields in the order of the captured request.
#[derive(Debug, Serialize)]
pub(crate) struct RuleFields {
    pub(crate) port: Vec<u8>,
    pub(crate) time: u16,
    pub(crate) id: u64,
    pub(crate) mode: u8,
    pub(crate) week: [u8; 7],
    pub(crate) day: u64,
    pub(crate) en: u8,
}

impl From<&RuleChange> for RuleFields {
    fn from(change: &RuleChange) -> Self {
        let rule = change.rule();
        let (week, day) = match rule.schedule {
            Schedule::Weekly(days) => (days.to_wire(), 0),
            Schedule::Once { unix_seconds } => (Weekdays::NONE.to_wire(), unix_seconds),
        };
        RuleFields {
            port: rule
                .actions
                .iter()
                .map(|action| action.wire_code())
                .collect(),
            time: rule.minute_of_day,
            id: rule.id,
            mode: change.mode(),
            week,
            day,
            en: u8::from(rule.enabled),
        }
    }
}

/// The `json` argument of command 516.
#[derive(Debug, Serialize)]
pub(crate) struct PageField {
    pub(crate) page: u8,
}

/// Parses the `data` object of a 516 reply.
///
/// # Errors
///
/// Returns [`ParseError`] when `data` or `rule` is missing, or a rule lacks `id`, `en`,
/// `port` or `time` or contains an invalid value. A missing `total` or `page` reads as the
/// number of rules and 0.
pub fn parse_rules(data: Option<&Value>) -> Result<RuleList, ParseError> {
    let data = json::data_object(data)?;
    let items = json::array(data, "rule", "data.rule")?;
    let rules = items
        .iter()
        .map(parse_rule)
        .collect::<Result<Vec<_>, _>>()?;
    let total = json::optional_u64(data, "total", "data.total")?.unwrap_or(rules.len() as u64);
    if total != rules.len() as u64 {
        tracing::warn!(total, listed = rules.len(), "rule count differs from total");
    }
    Ok(RuleList {
        total,
        page: json::optional_u64(data, "page", "data.page")?.unwrap_or(0),
        rules,
    })
}

/// Parses one rule object, from a 516 reply or a 206 request.
pub(crate) fn parse_rule(value: &Value) -> Result<Rule, ParseError> {
    if !value.is_object() {
        return Err(json::invalid("data.rule", value, "an object"));
    }
    let id = json::read_u64(json::field(value, "id", "rule.id")?, "rule.id")?;
    let enabled = json::read_flag(json::field(value, "en", "rule.en")?, "rule.en")?;
    let actions = parse_port_codes(
        json::field(value, "port", "rule.port")?,
        "rule.port",
        "0 (off), 1 (on) or 2 (unchanged)",
        PortAction::from_wire,
    )?;
    let minute_of_day = json::read_uint(
        json::field(value, "time", "rule.time")?,
        "rule.time",
        "minutes after midnight",
    )?;
    let day = json::optional_u64(value, "day", "rule.day")?.unwrap_or(0);
    let week = match value.get("week") {
        None | Some(Value::Null) => Weekdays::NONE,
        Some(week) => Weekdays::parse(week, "rule.week")?,
    };
    let schedule = if day == 0 {
        Schedule::Weekly(week)
    } else {
        if !week.is_empty() {
            tracing::warn!(id, "one-time rule has weekdays set; reading it as one-time");
        }
        Schedule::Once { unix_seconds: day }
    };
    Ok(Rule {
        id,
        enabled,
        actions,
        minute_of_day,
        schedule,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Weekday;
    use crate::http::{HttpRequest, parse_reply};
    use serde_json::json;

    #[test]
    fn fixture_516_has_weekly_and_one_time_rules() {
        let data = parse_reply(fixture!("v1.30/516.json"), RULES).unwrap();
        let list = parse_rules(data.as_ref()).unwrap();
        assert_eq!(list.total, 2);
        assert_eq!(list.page, 0);

        let weekly = &list.rules[0];
        assert_eq!(weekly.id, 23362268);
        assert!(weekly.enabled);
        assert_eq!(weekly.minute_of_day, 615);
        assert_eq!(
            weekly.actions,
            [
                PortAction::On,
                PortAction::Off,
                PortAction::Unchanged,
                PortAction::Unchanged,
                PortAction::Unchanged,
                PortAction::Unchanged
            ]
        );
        assert_eq!(weekly.schedule, Schedule::Weekly(Weekdays::WORKDAYS));
        let Schedule::Weekly(days) = weekly.schedule else {
            panic!("expected a weekly rule");
        };
        assert!(days.contains(Weekday::Monday));
        assert!(!days.contains(Weekday::Sunday));

        let once = &list.rules[1];
        assert_eq!(once.id, 23381567);
        assert!(!once.enabled);
        assert_eq!(
            once.schedule,
            Schedule::Once {
                unix_seconds: 1539387495
            }
        );
        assert_eq!(&once.actions[..3], [PortAction::On; 3]);
        assert_eq!(&once.actions[3..], [PortAction::Unchanged; 3]);
    }

    #[test]
    fn edit_request_matches_captured_fields() {
        let rule = Rule {
            id: 23441730,
            enabled: false,
            actions: [1, 2, 2, 2, 2, 2]
                .map(|code| PortAction::from_wire(code).unwrap())
                .to_vec(),
            minute_of_day: 1384,
            schedule: Schedule::Once {
                unix_seconds: 1539387857,
            },
        };
        let fields = RuleFields::from(&RuleChange::Edit(rule));
        let request = HttpRequest::new(CHANGE_RULE, &fields);
        assert_eq!(
            request.arguments.as_deref(),
            Some(
                r#"{"port":[1,2,2,2,2,2],"time":1384,"id":23441730,"mode":1,"week":[0,0,0,0,0,0,0],"day":1539387857,"en":0}"#
            )
        );
    }

    #[test]
    fn rule_validation_catches_bad_rules() {
        let weekly = Rule {
            id: 1,
            enabled: true,
            actions: alloc::vec![PortAction::On],
            minute_of_day: 60,
            schedule: Schedule::Weekly(Weekdays::EVERY_DAY),
        };
        assert_eq!(weekly.validate(1), Ok(()));
        assert!(weekly.validate(6).is_err());
        let late = Rule {
            minute_of_day: 1440,
            ..weekly.clone()
        };
        assert!(late.validate(1).is_err());
        let never = Rule {
            schedule: Schedule::Weekly(Weekdays::NONE),
            ..weekly.clone()
        };
        assert!(matches!(
            never.validate(1),
            Err(InvalidArgument::InvalidValue { field: "week", .. })
        ));
        let epoch = Rule {
            schedule: Schedule::Once { unix_seconds: 0 },
            ..weekly
        };
        assert!(epoch.validate(1).is_err());
    }

    #[test]
    fn rule_missing_id_or_bad_action() {
        let error = parse_rules(Some(&json!({"rule": [{"en": 1, "port": [1], "time": 0}]})));
        assert_eq!(error, Err(ParseError::MissingField { field: "rule.id" }));
        let bad = json!({"rule": [{"id": 1, "en": 1, "port": [5], "time": 0}]});
        assert!(matches!(
            parse_rules(Some(&bad)),
            Err(ParseError::InvalidValue {
                field: "rule.port",
                ..
            })
        ));
    }

    #[test]
    fn missing_total_counts_the_rules() {
        let data = json!({"rule": [{"id": "7", "en": "1", "port": ["1"], "time": "5"}]});
        let list = parse_rules(Some(&data)).unwrap();
        assert_eq!(list.total, 1);
        assert_eq!(list.rules[0].id, 7);
        assert_eq!(list.rules[0].schedule, Schedule::Weekly(Weekdays::NONE));
    }
}
