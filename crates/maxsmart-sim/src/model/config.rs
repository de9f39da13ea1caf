//! HTTP configuration commands of firmware 1.30: master/slave, timers, price, rules, random mode.

use jiff::Timestamp;
use jiff::civil::DateTime;
use serde_json::Value;

use super::DeviceModel;
use super::args::{self, ArgError};
use super::json::ObjectWriter;
use super::request::Args;
use super::schedule::{MAX_RULES, MasterSlave, ROLE_NONE, RandomMode, Rule, Timer};

/// Result of a command handler: the reply `data` JSON when the command has one.
type CommandResult = Result<Option<String>, ArgError>;

/// Largest minute-of-day value.
const LAST_MINUTE: u64 = 1439;

/// Runs cmd 202: `master` port array (0 slave, 1 master, 2 none) and `limit` 0 to 3.
///
/// More than one master is rejected, as the altery docs allow only one.
pub(super) fn set_master_slave(model: &mut DeviceModel, args: &Args) -> CommandResult {
    let roles = args::integer_array(args, "master", model.ports.len(), 2)?;
    let limit = args::integer(args, "limit", 0..=3)?;
    if roles.iter().filter(|role| **role == 1).count() > 1 {
        return Err(args::invalid("master", &Value::from(roles)));
    }
    model.schedule.master = Some(MasterSlave {
        roles,
        limit: u8::try_from(limit).unwrap_or(0),
    });
    model.apply_master_slave();
    Ok(None)
}

/// Builds the cmd 512 `data` object. An unconfigured device reports every port as not involved
/// and `limit` 0 (inferred).
pub(super) fn master_slave(model: &DeviceModel) -> String {
    let (roles, limit) = match &model.schedule.master {
        Some(setup) => (setup.roles.clone(), setup.limit),
        None => (vec![ROLE_NONE; model.ports.len()], 0),
    };
    ObjectWriter::new()
        .field("master", &roles)
        .field("limit", &limit)
        .finish()
}

/// Runs cmd 204: switch port `port` off `delay` minutes after `start`.
///
/// `start` is also accepted as `Start`, the spelling of the formatted altery example. A timer
/// whose moment has already passed switches the port off at once, and `delay` 0 clears the
/// timer (both inferred). A timer on a port that is off has no effect when it fires.
pub(super) fn set_timer(model: &mut DeviceModel, args: &Args) -> CommandResult {
    let index = port_index(model, args)?;
    let field = if args.contains_key("start") {
        "start"
    } else {
        "Start"
    };
    let start_text = args
        .get(field)
        .and_then(Value::as_str)
        .ok_or(ArgError::Missing("start"))?;
    let start = parse_device_time(start_text)
        .ok_or_else(|| args::invalid("start", &Value::from(start_text)))?;
    let delay = args::integer(args, "delay", 0..=u64::from(u32::MAX))?;
    let delay = u32::try_from(delay).unwrap_or(u32::MAX);

    let timer = Timer {
        start,
        delay,
        armed: delay > 0,
    };
    if let Some(slot) = model.schedule.timers.get_mut(index) {
        *slot = Some(timer);
    }
    // A timer whose moment has passed fires at the next instant the model advances to.
    Ok(None)
}

/// Builds the cmd 515 `data` object for port `port`.
///
/// A port without a timer reports the current device time and `delay` 0 (inferred: how a
/// cleared timer looks is unknown).
pub(super) fn timer(model: &DeviceModel, now: Timestamp, args: &Args) -> CommandResult {
    let index = port_index(model, args)?;
    let (start, delay) = match model.schedule.timers.get(index).cloned().flatten() {
        Some(timer) => (timer.start, timer.delay),
        None => (model.clock.read(now), 0),
    };
    let data = ObjectWriter::new()
        .field("start", &format_device_time(start))
        .field("delay", &delay)
        .finish();
    Ok(Some(data))
}

/// Runs cmd 205: `cost` per kWh as a decimal string and `money` 0 to 3.
///
/// A numeric `cost` is rejected, as the device format is a string (inferred).
pub(super) fn set_price(model: &mut DeviceModel, args: &Args) -> CommandResult {
    let cost = args::string(args, "cost")?;
    let valid = !cost.is_empty()
        && cost.len() <= 12
        && cost
            .parse::<f64>()
            .is_ok_and(|value| value >= 0.0 && value.is_finite());
    if !valid {
        return Err(args::invalid("cost", &Value::from(cost)));
    }
    let money = args::integer(args, "money", 0..=3)?;
    model.cost = cost.to_owned();
    model.money = u8::try_from(money).unwrap_or(0);
    Ok(None)
}

/// Runs cmd 206: `mode` 0 creates, 1 edits, 2 deletes the rule `id`.
///
/// Create uses the `id` the client sends, because the altery create example carries one. A
/// missing or zero `id` gets a device-chosen one (inferred). A 13th rule, a duplicate id on create and an
/// unknown id on edit or delete are rejected.
pub(super) fn edit_rule(model: &mut DeviceModel, args: &Args) -> CommandResult {
    let mode = args::integer(args, "mode", 0..=2)?;
    let id = args::optional_integer(args, "id", 0..=u64::from(u32::MAX))?.unwrap_or(0);
    let existing = model.schedule.rules.iter().position(|rule| rule.id == id);

    if mode == 2 {
        let index = existing.ok_or(ArgError::Rejected("rule id not found"))?;
        model.schedule.rules.remove(index);
        return Ok(None);
    }

    let mut rule = parse_rule(model, args)?;
    if mode == 1 {
        let index = existing.ok_or(ArgError::Rejected("rule id not found"))?;
        rule.id = id;
        model.schedule.rules[index] = rule;
        return Ok(None);
    }

    if model.schedule.rules.len() >= MAX_RULES {
        return Err(ArgError::Rejected("rule table full"));
    }
    if id != 0 && existing.is_some() {
        return Err(ArgError::Rejected("rule id already exists"));
    }
    rule.id = if id == 0 { new_rule_id(model) } else { id };
    model.schedule.rules.push(rule);
    Ok(None)
}

/// Builds the cmd 516 `data` object. All rules fit on page 0, so other pages are empty
/// (inferred).
pub(super) fn rules(model: &DeviceModel, args: &Args) -> CommandResult {
    let page = args::optional_integer(args, "page", 0..=u64::from(u16::MAX))?.unwrap_or(0);
    let rules: Vec<String> = if page == 0 {
        model.schedule.rules.iter().map(rule_json).collect()
    } else {
        Vec::new()
    };
    let data = ObjectWriter::new()
        .field("total", &model.schedule.rules.len())
        .field("page", &page)
        .raw("rule", &format!("[{}]", rules.join(",")))
        .finish();
    Ok(Some(data))
}

/// Runs cmd 207: random mode with `en`, `week`, `time` [start, stop] and `port` flags.
pub(super) fn set_random(model: &mut DeviceModel, args: &Args) -> CommandResult {
    let en = args::integer(args, "en", 0..=1)?;
    let week = args::integer_array(args, "week", 7, 1)?;
    let port = args::integer_array(args, "port", model.ports.len(), 1)?;
    let time_value = args.get("time").ok_or(ArgError::Missing("time"))?;
    let times: Option<Vec<u16>> = time_value.as_array().and_then(|items| {
        items
            .iter()
            .map(|item| {
                item.as_u64()
                    .filter(|minute| *minute <= LAST_MINUTE)
                    .and_then(|minute| u16::try_from(minute).ok())
            })
            .collect()
    });
    let Some([start, stop]) = times
        .as_deref()
        .and_then(|times| <[u16; 2]>::try_from(times).ok())
    else {
        return Err(args::invalid("time", time_value));
    };
    model.schedule.set_random(RandomMode {
        en: u8::try_from(en).unwrap_or(0),
        week,
        time: [start, stop],
        port,
    });
    Ok(None)
}

/// Reads the `port` field as a 0-based index of a real port (1 to N).
fn port_index(model: &DeviceModel, args: &Args) -> Result<usize, ArgError> {
    let port = args::integer(args, "port", 1..=model.ports.len() as u64)?;
    usize::try_from(port - 1).map_err(|_| args::invalid("port", &Value::from(port)))
}

/// Parses the fields of a rule for create and edit.
fn parse_rule(model: &DeviceModel, args: &Args) -> Result<Rule, ArgError> {
    let en = args::integer(args, "en", 0..=1)?;
    let port = args::integer_array(args, "port", model.ports.len(), 2)?;
    let time = args::integer(args, "time", 0..=LAST_MINUTE)?;
    let day = args::integer(args, "day", 0..=u64::from(u32::MAX))?;
    let week = args::integer_array(args, "week", 7, 1)?;
    Ok(Rule {
        id: 0,
        en: u8::try_from(en).unwrap_or(0),
        port,
        time: u16::try_from(time).unwrap_or(0),
        day: i64::try_from(day).unwrap_or(0),
        week,
    })
}

/// Picks an unused 8-digit rule id.
fn new_rule_id(model: &mut DeviceModel) -> u64 {
    loop {
        let id = model.noise.range(10_000_000, 99_999_999);
        if model.schedule.rules.iter().all(|rule| rule.id != id) {
            return id;
        }
    }
}

/// Writes one rule in the key order of the 516 sample.
fn rule_json(rule: &Rule) -> String {
    ObjectWriter::new()
        .field("id", &rule.id)
        .field("en", &rule.en)
        .field("port", &rule.port)
        .field("time", &rule.time)
        .field("day", &rule.day)
        .field("week", &rule.week)
        .finish()
}

/// Parses the device time format `yyyy-MM-dd,HH:mm:ss`.
fn parse_device_time(text: &str) -> Option<DateTime> {
    DateTime::strptime("%Y-%m-%d,%H:%M:%S", text).ok()
}

/// Formats a device time as `yyyy-MM-dd,HH:mm:ss`.
pub(super) fn format_device_time(value: DateTime) -> String {
    value.strftime("%Y-%m-%d,%H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_support::{at, command, fixture, http, model};
    use crate::profile::Profile;

    #[test]
    fn master_slave_round_trips() {
        let mut strip = model(Profile::Strip130);
        let fresh = http(&mut strip, at(1), "/?cmd=512");
        assert_eq!(
            fresh["data"],
            json!({"master": [2, 2, 2, 2, 2, 2], "limit": 0})
        );

        let ack = command(
            &mut strip,
            at(2),
            202,
            json!({"master": [1, 0, 0, 0, 2, 2], "limit": 0}),
        );
        assert_eq!(ack["code"], 200);
        let reply = http(&mut strip, at(3), "/?cmd=512");
        let expected: serde_json::Value = serde_json::from_str(&fixture("v1.30/512.json")).unwrap();
        assert_eq!(reply, expected);
    }

    #[test]
    fn slaves_follow_master() {
        let mut strip = model(Profile::Strip130);
        strip.set_load(at(0), 1, 100.0).unwrap();
        command(
            &mut strip,
            at(1),
            202,
            json!({"master": [1, 0, 0, 2, 2, 2], "limit": 3}),
        );
        command(&mut strip, at(2), 200, json!({"port": 1, "state": 1}));
        assert_eq!(
            strip.switch_states(),
            [true, true, true, false, false, false]
        );
        command(&mut strip, at(3), 200, json!({"port": 1, "state": 0}));
        assert_eq!(strip.switch_states(), [false; 6]);
    }

    #[test]
    fn two_masters_are_rejected() {
        let mut strip = model(Profile::Strip130);
        let reply = command(
            &mut strip,
            at(1),
            202,
            json!({"master": [1, 1, 0, 0, 2, 2], "limit": 0}),
        );
        assert_eq!(reply["code"], 400);
        let reply = command(
            &mut strip,
            at(1),
            202,
            json!({"master": [1, 0], "limit": 0}),
        );
        assert_eq!(reply["code"], 400);
        let reply = command(
            &mut strip,
            at(1),
            202,
            json!({"master": [1, 0, 0, 0, 2, 2], "limit": 4}),
        );
        assert_eq!(reply["code"], 400);
    }

    #[test]
    fn timer_switches_port_off_after_delay() {
        let mut strip = model(Profile::Strip130);
        strip.set_clock(at(0), jiff::civil::date(2018, 10, 10).at(22, 50, 52, 0));
        strip.set_switch(at(0), 3, true).unwrap();
        let ack = command(
            &mut strip,
            at(0),
            204,
            json!({"port": 3, "start": "2018-10-10,22:50:52", "delay": 5}),
        );
        assert_eq!(ack["code"], 200);
        let reply = command(&mut strip, at(1), 515, json!({"port": 3}));
        let expected: serde_json::Value = serde_json::from_str(&fixture("v1.30/515.json")).unwrap();
        assert_eq!(reply, expected);

        http(&mut strip, at(299), "/?cmd=511");
        assert!(strip.switch_states()[2]);
        http(&mut strip, at(301), "/?cmd=511");
        assert!(!strip.switch_states()[2]);
    }

    #[test]
    fn timer_accepts_capitalised_start() {
        let mut strip = model(Profile::Strip130);
        let ack = command(
            &mut strip,
            at(0),
            204,
            json!({"port": 1, "Start": "2018-10-11,21:00:00", "delay": 1}),
        );
        assert_eq!(ack["code"], 200);
    }

    #[test]
    fn timer_rejects_bad_fields() {
        let mut strip = model(Profile::Strip130);
        let cases = [
            json!({"port": 0, "start": "2018-10-11,21:00:00", "delay": 1}),
            json!({"port": 7, "start": "2018-10-11,21:00:00", "delay": 1}),
            json!({"port": 1, "start": "2018-10-11 21:00:00", "delay": 1}),
            json!({"port": 1, "start": "2018-10-11,21:00:00"}),
            json!({"port": 1, "delay": 1}),
        ];
        for case in cases {
            let reply = command(&mut strip, at(0), 204, case.clone());
            assert_eq!(reply["code"], 400, "{case}");
        }
    }

    #[test]
    fn price_is_echoed_in_statistics() {
        let mut strip = model(Profile::Strip130);
        let ack = command(&mut strip, at(0), 205, json!({"cost": "0.21", "money": 3}));
        assert_eq!(ack["code"], 200);
        let stats = command(&mut strip, at(1), 510, json!({"type": 0}));
        assert_eq!(stats["data"]["cost"], "0.21");
        assert_eq!(stats["data"]["money"], 3);
    }

    #[test]
    fn price_rejects_bad_values() {
        let mut strip = model(Profile::Strip130);
        for case in [
            json!({"cost": 0.21, "money": 3}),
            json!({"cost": "cheap", "money": 3}),
            json!({"cost": "0.21", "money": 4}),
        ] {
            assert_eq!(
                command(&mut strip, at(0), 205, case.clone())["code"],
                400,
                "{case}"
            );
        }
    }

    #[test]
    fn rules_round_trip_through_516() {
        let mut strip = model(Profile::Strip130);
        let weekly = json!({"id": 23362268, "mode": 0, "en": 1, "port": [1, 0, 2, 2, 2, 2],
            "time": 615, "day": 0, "week": [0, 1, 1, 1, 1, 1, 0]});
        let once = json!({"id": 23381567, "mode": 0, "en": 0, "port": [1, 1, 1, 2, 2, 2],
            "time": 1388, "day": 1539387495, "week": [0, 0, 0, 0, 0, 0, 0]});
        assert_eq!(command(&mut strip, at(0), 206, weekly)["code"], 200);
        assert_eq!(command(&mut strip, at(0), 206, once)["code"], 200);
        let reply = command(&mut strip, at(1), 516, json!({"page": 0}));
        let expected: serde_json::Value = serde_json::from_str(&fixture("v1.30/516.json")).unwrap();
        assert_eq!(reply, expected);
    }

    #[test]
    fn rule_edit_and_delete() {
        let mut strip = model(Profile::Strip130);
        let rule = json!({"id": 7, "mode": 0, "en": 1, "port": [1, 2, 2, 2, 2, 2],
            "time": 600, "day": 0, "week": [1, 1, 1, 1, 1, 1, 1]});
        command(&mut strip, at(0), 206, rule.clone());
        assert_eq!(
            command(&mut strip, at(0), 206, rule.clone())["code"],
            400,
            "duplicate id"
        );

        let mut edit = rule.clone();
        edit["mode"] = json!(1);
        edit["en"] = json!(0);
        assert_eq!(command(&mut strip, at(0), 206, edit)["code"], 200);
        let rules = command(&mut strip, at(0), 516, json!({"page": 0}));
        assert_eq!(rules["data"]["rule"][0]["en"], 0);

        assert_eq!(
            command(&mut strip, at(0), 206, json!({"id": 7, "mode": 2}))["code"],
            200
        );
        assert_eq!(
            command(&mut strip, at(0), 206, json!({"id": 7, "mode": 2}))["code"],
            400
        );
        assert_eq!(
            command(&mut strip, at(0), 516, json!({}))["data"]["total"],
            0
        );
    }

    #[test]
    fn thirteenth_rule_is_rejected() {
        let mut strip = model(Profile::Strip130);
        for id in 1..=12 {
            let rule = json!({"id": id, "mode": 0, "en": 1, "port": [1, 2, 2, 2, 2, 2],
                "time": 600, "day": 0, "week": [1, 1, 1, 1, 1, 1, 1]});
            assert_eq!(command(&mut strip, at(0), 206, rule)["code"], 200);
        }
        let rule = json!({"mode": 0, "en": 1, "port": [1, 2, 2, 2, 2, 2],
            "time": 600, "day": 0, "week": [1, 1, 1, 1, 1, 1, 1]});
        assert_eq!(command(&mut strip, at(0), 206, rule)["code"], 400);
    }

    #[test]
    fn created_rule_without_id_gets_one() {
        let mut strip = model(Profile::Strip130);
        let rule = json!({"mode": 0, "en": 1, "port": [1, 2, 2, 2, 2, 2],
            "time": 600, "day": 0, "week": [1, 1, 1, 1, 1, 1, 1]});
        command(&mut strip, at(0), 206, rule);
        let rules = command(&mut strip, at(0), 516, json!({"page": 0}));
        assert!(rules["data"]["rule"][0]["id"].as_u64().unwrap() >= 10_000_000);
    }

    #[test]
    fn weekly_rule_switches_on_schedule() {
        let mut strip = model(Profile::Strip130);
        // at(0) is Thursday 2018-10-11 21:00, and the rule runs daily at 21:05.
        let rule = json!({"id": 1, "mode": 0, "en": 1, "port": [1, 2, 2, 2, 2, 0],
            "time": 1265, "day": 0, "week": [1, 1, 1, 1, 1, 1, 1]});
        strip.set_switch(at(0), 6, true).unwrap();
        command(&mut strip, at(0), 206, rule);
        http(&mut strip, at(299), "/?cmd=511");
        assert_eq!(
            strip.switch_states(),
            [false, false, false, false, false, true]
        );
        http(&mut strip, at(300), "/?cmd=511");
        assert_eq!(
            strip.switch_states(),
            [true, false, false, false, false, false]
        );
    }

    #[test]
    fn random_mode_switches_within_window() {
        let mut strip = model(Profile::Strip130);
        // Window 21:10 to 23:00 every day, with only port 2 taking part.
        let setup = json!({"en": 1, "week": [1, 1, 1, 1, 1, 1, 1], "time": [1270, 1380],
            "port": [0, 1, 0, 0, 0, 0]});
        assert_eq!(command(&mut strip, at(0), 207, setup)["code"], 200);
        http(&mut strip, at(599), "/?cmd=511");
        assert_eq!(strip.switch_states(), [false; 6]);
        http(&mut strip, at(600), "/?cmd=511");
        assert_eq!(
            strip.switch_states(),
            [false, true, false, false, false, false]
        );
        http(&mut strip, at(2 * 3600 + 1), "/?cmd=511");
        assert_eq!(
            strip.switch_states(),
            [false; 6],
            "ports off after the window"
        );
    }

    #[test]
    fn random_mode_rejects_bad_window() {
        let mut strip = model(Profile::Strip130);
        let setup = json!({"en": 1, "week": [1, 1, 1, 1, 1, 1, 1], "time": [1270, 1440],
            "port": [0, 1, 0, 0, 0, 0]});
        assert_eq!(command(&mut strip, at(0), 207, setup)["code"], 400);
        let setup =
            json!({"en": 1, "week": [1, 1, 1], "time": [0, 60], "port": [0, 1, 0, 0, 0, 0]});
        assert_eq!(command(&mut strip, at(0), 207, setup)["code"], 400);
    }
}
