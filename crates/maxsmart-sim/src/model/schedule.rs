//! Clock-driven settings: master/slave (202, 512), switch-off timers (204, 515), rules (206, 516)
//! and random mode (207), with the events they schedule on the device clock.

use jiff::civil::{Date, DateTime};
use jiff::tz::Offset;
use jiff::{SignedDuration, Timestamp, ToSpan};

use crate::rng::Rng;

/// Most rules a device holds.
pub(crate) const MAX_RULES: usize = 12;

/// Master power thresholds in watts for `limit` 0 to 3.
const MASTER_THRESHOLDS: [f64; 4] = [2.0, 5.0, 10.0, 35.0];

/// Role code of a master port in the 202 `master` array.
const ROLE_MASTER: u8 = 1;

/// Role code of a slave port in the 202 `master` array.
const ROLE_SLAVE: u8 = 0;

/// Role code of a port outside master/slave.
pub(crate) const ROLE_NONE: u8 = 2;

/// Shortest and longest pause in minutes between random-mode switchings (inferred: the altery
/// docs describe random mode but not its rhythm).
const RANDOM_PAUSE_MINUTES: (u64, u64) = (10, 45);

/// Master/slave setup of command 202.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MasterSlave {
    /// Role per port: 0 slave, 1 master, 2 not involved.
    pub(crate) roles: Vec<u8>,
    /// Threshold index 0 to 3 (2, 5, 10 or 35 W).
    pub(crate) limit: u8,
}

/// Switch-off timer of command 204.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Timer {
    /// Moment the timer began, as sent.
    pub(crate) start: DateTime,
    /// Minutes from `start` until the port switches off.
    pub(crate) delay: u32,
    /// Whether the timer still has to fire.
    pub(crate) armed: bool,
}

/// Rule of command 206.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rule {
    /// Rule id.
    pub(crate) id: u64,
    /// 1 enabled, 0 disabled.
    pub(crate) en: u8,
    /// Action per port: 0 off, 1 on, 2 unchanged.
    pub(crate) port: Vec<u8>,
    /// Minutes after midnight (weekly rules).
    pub(crate) time: u16,
    /// Unix time in seconds for a one-time rule, 0 for a weekly rule.
    pub(crate) day: i64,
    /// Flag per weekday, Sunday first: 1 runs the rule that day.
    pub(crate) week: Vec<u8>,
}

/// Random mode of command 207.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RandomMode {
    /// 1 on, 0 off.
    pub(crate) en: u8,
    /// Flag per weekday, Sunday first: 1 enables windows that start that day.
    pub(crate) week: Vec<u8>,
    /// Start and stop in minutes after midnight. A stop below the start ends the next day.
    pub(crate) time: [u16; 2],
    /// 1 when the port takes part.
    pub(crate) port: Vec<u8>,
}

/// Next step of random mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RandomStep {
    /// Toggle one participating port.
    Toggle,
    /// Window end: participating ports switch off (inferred).
    End,
}

/// All clock-driven settings of a device.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Schedule {
    pub(crate) master: Option<MasterSlave>,
    pub(crate) timers: Vec<Option<Timer>>,
    pub(crate) rules: Vec<Rule>,
    pub(crate) random: Option<RandomMode>,
    pending_random: Option<(DateTime, RandomStep)>,
}

impl Schedule {
    /// Creates an empty schedule for `ports` ports.
    pub(crate) fn new(ports: usize) -> Self {
        Schedule {
            master: None,
            timers: vec![None; ports],
            rules: Vec::new(),
            random: None,
            pending_random: None,
        }
    }

    /// Forgets the planned random step, after the clock or the random setup changed.
    pub(crate) fn clock_changed(&mut self) {
        self.pending_random = None;
    }

    /// Replaces the random-mode setup.
    pub(crate) fn set_random(&mut self, random: RandomMode) {
        self.random = Some(random);
        self.pending_random = None;
    }

    /// Returns the earliest event after `cursor`, or at `cursor` for an overdue timer.
    pub(crate) fn next_event(&mut self, cursor: DateTime, rng: &mut Rng) -> Option<DateTime> {
        let random = self.next_random(cursor, rng);
        let timers = self
            .timers
            .iter()
            .flatten()
            .filter(|timer| timer.armed)
            .map(|timer| timer_deadline(timer).max(cursor));
        let rules = self
            .rules
            .iter()
            .filter_map(|rule| next_rule_run(rule, cursor));
        timers.chain(rules).chain(random).min()
    }

    /// Returns the switchings due at `at` as `(port index, on)` pairs, in order, and marks the
    /// events as done.
    pub(crate) fn take_due(
        &mut self,
        at: DateTime,
        switches: &[bool],
        rng: &mut Rng,
    ) -> Vec<(usize, bool)> {
        let mut actions = Vec::new();
        for (index, timer) in self.timers.iter_mut().enumerate() {
            let Some(timer) = timer.as_mut().filter(|timer| timer.armed) else {
                continue;
            };
            if timer_deadline(timer) <= at {
                timer.armed = false;
                actions.push((index, false));
            }
        }

        for rule in &self.rules {
            if rule.en == 1 && rule_runs_at(rule, at) {
                for (index, action) in rule.port.iter().enumerate() {
                    match *action {
                        0 => actions.push((index, false)),
                        1 => actions.push((index, true)),
                        _ => {}
                    }
                }
            }
        }

        if let Some((when, step)) = self.pending_random {
            if when == at {
                self.pending_random = None;
                actions.extend(self.random_actions(step, switches, rng));
            }
        }
        actions
    }

    /// Returns the `(port index, on)` pairs master/slave imposes given each port's draw.
    pub(crate) fn master_slave_targets(&self, draw_watts: &[f64]) -> Vec<(usize, bool)> {
        let Some(setup) = &self.master else {
            return Vec::new();
        };
        let Some(master) = setup.roles.iter().position(|role| *role == ROLE_MASTER) else {
            return Vec::new();
        };
        let threshold = MASTER_THRESHOLDS
            .get(usize::from(setup.limit))
            .copied()
            .unwrap_or(MASTER_THRESHOLDS[0]);
        let master_active = draw_watts.get(master).copied().unwrap_or(0.0) > threshold;
        // NOTE: inferred. The altery docs say slaves switch on above the threshold. That they
        // also switch off below it is how other master/slave strips behave.
        setup
            .roles
            .iter()
            .enumerate()
            .filter(|(_, role)| **role == ROLE_SLAVE)
            .map(|(index, _)| (index, master_active))
            .collect()
    }

    /// Plans the next random-mode step after `cursor` when none is planned.
    fn next_random(&mut self, cursor: DateTime, rng: &mut Rng) -> Option<DateTime> {
        let random = self.random.as_ref().filter(|random| random.en == 1)?;
        if let Some((when, _)) = self.pending_random {
            if when >= cursor {
                return Some(when);
            }
        }
        let planned = plan_random(random, cursor, rng);
        self.pending_random = planned;
        planned.map(|(when, _)| when)
    }

    /// Returns the switchings of one random-mode step.
    fn random_actions(
        &self,
        step: RandomStep,
        switches: &[bool],
        rng: &mut Rng,
    ) -> Vec<(usize, bool)> {
        let Some(random) = &self.random else {
            return Vec::new();
        };
        let taking_part: Vec<usize> = random
            .port
            .iter()
            .enumerate()
            .filter(|(_, flag)| **flag == 1)
            .map(|(index, _)| index)
            .collect();
        match step {
            RandomStep::End => taking_part
                .into_iter()
                .map(|index| (index, false))
                .collect(),
            RandomStep::Toggle => {
                if taking_part.is_empty() {
                    return Vec::new();
                }
                let pick = rng.range(0, taking_part.len() as u64 - 1);
                let index = taking_part[usize::try_from(pick).unwrap_or(0)];
                let on = switches.get(index).copied().unwrap_or(false);
                vec![(index, !on)]
            }
        }
    }
}

/// Returns the moment a timer fires.
fn timer_deadline(timer: &Timer) -> DateTime {
    timer
        .start
        .saturating_add(SignedDuration::from_mins(i64::from(timer.delay)))
}

/// Returns the civil time of a one-time rule's `day`, reading the Unix time as UTC.
///
/// NOTE: inferred. The altery samples carry both `day` and a `time`, and their relation is
/// unknown. The simulator fires a one-time rule at the instant `day` names and treats the
/// device clock as UTC for that.
fn one_time_moment(day: i64) -> Option<DateTime> {
    let instant = Timestamp::from_second(day).ok()?;
    Some(Offset::UTC.to_datetime(instant))
}

/// Returns the first run of `rule` after `cursor`.
fn next_rule_run(rule: &Rule, cursor: DateTime) -> Option<DateTime> {
    if rule.en != 1 {
        return None;
    }
    if rule.day != 0 {
        return one_time_moment(rule.day).filter(|moment| *moment > cursor);
    }
    (0..=7)
        .filter_map(|offset: i64| cursor.date().checked_add(offset.days()).ok())
        .filter(|date| week_allows(&rule.week, *date))
        .map(|date| at_minute(date, rule.time))
        .find(|moment| *moment > cursor)
}

/// Returns whether `rule` runs exactly at `at`.
fn rule_runs_at(rule: &Rule, at: DateTime) -> bool {
    if rule.day != 0 {
        return one_time_moment(rule.day) == Some(at);
    }
    week_allows(&rule.week, at.date()) && at_minute(at.date(), rule.time) == at
}

/// Plans the next random-mode step after `cursor`: a toggle inside the current window, the
/// window end, or the start of the next window.
fn plan_random(
    random: &RandomMode,
    cursor: DateTime,
    rng: &mut Rng,
) -> Option<(DateTime, RandomStep)> {
    let [start, stop] = random.time;
    if start == stop {
        return None;
    }
    let mut next_start: Option<DateTime> = None;
    for offset in -1..=7_i64 {
        let Ok(day) = cursor.date().checked_add(offset.days()) else {
            continue;
        };
        if !week_allows(&random.week, day) {
            continue;
        }
        let window_start = at_minute(day, start);
        let end_day = if stop > start {
            day
        } else {
            day.checked_add(1.day()).unwrap_or(day)
        };
        let window_end = at_minute(end_day, stop);
        if window_start <= cursor && cursor < window_end {
            let pause = rng.range(RANDOM_PAUSE_MINUTES.0, RANDOM_PAUSE_MINUTES.1);
            let pause = SignedDuration::from_mins(i64::try_from(pause).unwrap_or(10));
            let toggle_at = cursor.saturating_add(pause);
            return Some(if toggle_at >= window_end {
                (window_end, RandomStep::End)
            } else {
                (toggle_at, RandomStep::Toggle)
            });
        }
        if window_start > cursor && next_start.is_none_or(|best| window_start < best) {
            next_start = Some(window_start);
        }
    }
    next_start.map(|moment| (moment, RandomStep::Toggle))
}

/// Returns whether the Sunday-first `week` array enables `date`.
fn week_allows(week: &[u8], date: Date) -> bool {
    let index = usize::try_from(date.weekday().to_sunday_zero_offset()).unwrap_or(0);
    week.get(index).copied() == Some(1)
}

/// Returns `date` at `minutes` after midnight (values past 1439 clamp to 23:59).
fn at_minute(date: Date, minutes: u16) -> DateTime {
    let minutes = minutes.min(1439);
    let hour = i8::try_from(minutes / 60).unwrap_or(23);
    let minute = i8::try_from(minutes % 60).unwrap_or(59);
    date.at(hour, minute, 0, 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn weekly_rule(time: u16, week: [u8; 7], port: Vec<u8>) -> Rule {
        Rule {
            id: 1,
            en: 1,
            port,
            time,
            day: 0,
            week: week.to_vec(),
        }
    }

    #[test]
    fn weekly_rule_runs_on_enabled_day() {
        // 2018-10-12 is a Friday, and the rule runs Monday to Friday at 10:15.
        let rule = weekly_rule(615, [0, 1, 1, 1, 1, 1, 0], vec![1, 0]);
        let friday_evening = date(2018, 10, 12).at(18, 0, 0, 0);
        assert_eq!(
            next_rule_run(&rule, friday_evening),
            Some(date(2018, 10, 15).at(10, 15, 0, 0))
        );
        assert!(rule_runs_at(&rule, date(2018, 10, 15).at(10, 15, 0, 0)));
        assert!(!rule_runs_at(&rule, date(2018, 10, 14).at(10, 15, 0, 0)));
    }

    #[test]
    fn one_time_rule_runs_once() {
        let mut rule = weekly_rule(0, [0; 7], vec![1]);
        rule.day = 1_539_387_495;
        let moment = date(2018, 10, 12).at(23, 38, 15, 0);
        assert_eq!(
            next_rule_run(&rule, date(2018, 10, 12).at(0, 0, 0, 0)),
            Some(moment)
        );
        assert_eq!(next_rule_run(&rule, moment), None);
    }

    #[test]
    fn disabled_rule_never_runs() {
        let mut rule = weekly_rule(615, [1; 7], vec![1]);
        rule.en = 0;
        assert_eq!(
            next_rule_run(&rule, date(2018, 10, 12).at(0, 0, 0, 0)),
            None
        );
    }

    #[test]
    fn timer_fires_once() {
        let mut schedule = Schedule::new(2);
        schedule.timers[1] = Some(Timer {
            start: date(2018, 10, 10).at(22, 50, 52, 0),
            delay: 5,
            armed: true,
        });
        let mut rng = Rng::new(0);
        let cursor = date(2018, 10, 10).at(22, 51, 0, 0);
        let deadline = date(2018, 10, 10).at(22, 55, 52, 0);
        assert_eq!(schedule.next_event(cursor, &mut rng), Some(deadline));
        assert_eq!(
            schedule.take_due(deadline, &[true, true], &mut rng),
            vec![(1, false)]
        );
        assert_eq!(schedule.next_event(deadline, &mut rng), None);
    }

    #[test]
    fn master_controls_slaves() {
        let mut schedule = Schedule::new(3);
        schedule.master = Some(MasterSlave {
            roles: vec![1, 0, 2],
            limit: 1,
        });
        assert_eq!(
            schedule.master_slave_targets(&[60.0, 0.0, 0.0]),
            vec![(1, true)]
        );
        assert_eq!(
            schedule.master_slave_targets(&[4.0, 9.0, 0.0]),
            vec![(1, false)]
        );
    }

    #[test]
    fn random_mode_toggles_inside_window_only() {
        let mut schedule = Schedule::new(2);
        schedule.set_random(RandomMode {
            en: 1,
            week: vec![1; 7],
            time: [1200, 60],
            port: vec![0, 1],
        });
        let mut rng = Rng::new(4);
        let before = date(2018, 10, 12).at(12, 0, 0, 0);
        let window_start = date(2018, 10, 12).at(20, 0, 0, 0);
        assert_eq!(schedule.next_event(before, &mut rng), Some(window_start));
        assert_eq!(
            schedule.take_due(window_start, &[false, false], &mut rng),
            vec![(1, true)]
        );

        let next = schedule.next_event(window_start, &mut rng).unwrap();
        let pause = next.duration_since(window_start);
        assert!(pause >= SignedDuration::from_mins(10), "{pause}");
        assert!(pause <= SignedDuration::from_mins(45), "{pause}");
    }

    #[test]
    fn random_mode_ends_with_ports_off() {
        let mut schedule = Schedule::new(2);
        schedule.set_random(RandomMode {
            en: 1,
            week: vec![1; 7],
            time: [1200, 1210],
            port: vec![1, 1],
        });
        let mut rng = Rng::new(4);
        let inside = date(2018, 10, 12).at(20, 5, 0, 0);
        let end = date(2018, 10, 12).at(20, 10, 0, 0);
        assert_eq!(schedule.next_event(inside, &mut rng), Some(end));
        let actions = schedule.take_due(end, &[true, true], &mut rng);
        assert_eq!(actions, vec![(0, false), (1, false)]);
    }
}
