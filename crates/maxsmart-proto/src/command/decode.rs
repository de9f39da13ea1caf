//! Reading requests back from the wire, as a device or a simulator does.

use alloc::string::String;

use serde_json::Value;

use super::{FACTORY_RESET, Request, STATUS, SWITCH, SWITCH_STATES};
use crate::clock::DEVICE_TIME;
use crate::config::master::{self, MASTER_SLAVE, SET_MASTER_SLAVE};
use crate::config::price::SET_PRICE;
use crate::config::random::{self, RANDOM_MODE, SET_RANDOM_MODE};
use crate::config::rules::{self, CHANGE_RULE, RULES};
use crate::config::timer::{SET_TIMER, TIMER};
use crate::config::{Currency, Price, RuleChange, TimerSetting};
use crate::datetime::DateTime;
use crate::error::ParseError;
use crate::http::HttpRequest;
use crate::ids::HARDWARE_IDS;
use crate::json;
use crate::names::{NameTarget, RENAME};
use crate::port::PortSelector;
use crate::stats::{STATISTICS, StatisticsKind};
use crate::v3::{self, V3Request};

impl Request {
    /// Reads the typed command from a decoded HTTP request.
    ///
    /// Arguments may carry `sn` and numbers as strings; both are accepted. Commands without
    /// arguments ignore any `json` parameter. Field names in errors are those of the JSON
    /// arguments; the parsers shared with replies name them `data.*`.
    ///
    /// # Errors
    ///
    /// Returns [`ParseError::UnknownCommand`] for a command number this crate does not know,
    /// and other [`ParseError`]s for missing, malformed or out-of-range arguments.
    ///
    /// ```
    /// use maxsmart_proto::command::Request;
    /// use maxsmart_proto::http::parse_target;
    /// use maxsmart_proto::port::PortSelector;
    ///
    /// let request = Request::from_http(&parse_target("/?cmd=200&json=%7B%22port%22:0,%22state%22:1%7D")?)?;
    /// assert_eq!(request, Request::Switch { port: PortSelector::All, on: true });
    /// # Ok::<(), maxsmart_proto::ParseError>(())
    /// ```
    pub fn from_http(request: &HttpRequest) -> Result<Request, ParseError> {
        let arguments = match request.arguments.as_deref() {
            Some(text) => Some(parse_arguments(text)?),
            None => None,
        };
        let arguments = arguments.as_ref();
        let decoded = match request.command {
            STATUS => Request::Status,
            FACTORY_RESET => Request::FactoryReset,
            HARDWARE_IDS => Request::HardwareIds,
            MASTER_SLAVE => Request::MasterSlave,
            RANDOM_MODE => Request::RandomMode,
            DEVICE_TIME => Request::DeviceTime,
            SWITCH_STATES => Request::SwitchStates,
            SWITCH => decode_switch(required(arguments)?)?,
            RENAME => decode_rename(required(arguments)?)?,
            SET_MASTER_SLAVE => Request::SetMasterSlave(master::parse_master_slave(arguments)?),
            SET_TIMER => Request::SetTimer(decode_timer(required(arguments)?)?),
            TIMER => Request::Timer {
                port: port_number(required(arguments)?, "port", "json.port")?,
            },
            SET_PRICE => Request::SetPrice(decode_price(required(arguments)?)?),
            CHANGE_RULE => Request::ChangeRule(decode_rule_change(required(arguments)?)?),
            RULES => Request::Rules {
                page: decode_page(arguments)?,
            },
            SET_RANDOM_MODE => Request::SetRandomMode(random::parse_random_mode(arguments)?),
            STATISTICS => Request::Statistics {
                kind: decode_kind(required(arguments)?)?,
            },
            command => return Err(ParseError::UnknownCommand { command }),
        };
        tracing::trace!(command = request.command, "http request parsed");
        Ok(decoded)
    }

    /// Reads the typed command from a decoded V3 request.
    ///
    /// # Errors
    ///
    /// Returns [`ParseError::UnknownCommand`] for commands other than 20 and 90, and other
    /// [`ParseError`]s for missing or malformed switch fields.
    pub fn from_v3(request: &V3Request) -> Result<Request, ParseError> {
        match request.command {
            v3::CMD_STATUS => Ok(Request::Status),
            v3::CMD_SWITCH => decode_switch(&Value::Object(request.fields.clone())),
            command => Err(ParseError::UnknownCommand { command }),
        }
    }
}

fn parse_arguments(text: &str) -> Result<Value, ParseError> {
    let value = json::parse_document(text.as_bytes())?;
    if !value.is_object() {
        return Err(json::invalid("json", &value, "a JSON object"));
    }
    Ok(value)
}

fn required(arguments: Option<&Value>) -> Result<&Value, ParseError> {
    arguments.ok_or(ParseError::MissingField { field: "json" })
}

fn port_number(arguments: &Value, key: &str, path: &'static str) -> Result<u8, ParseError> {
    json::read_uint(
        json::field(arguments, key, path)?,
        path,
        "a port number 0 to 255",
    )
}

fn decode_switch(arguments: &Value) -> Result<Request, ParseError> {
    let port = port_number(arguments, "port", "json.port")?;
    let on = json::read_flag(json::field(arguments, "state", "json.state")?, "json.state")?;
    Ok(Request::Switch {
        port: PortSelector::from_wire(port),
        on,
    })
}

fn decode_rename(arguments: &Value) -> Result<Request, ParseError> {
    let port = port_number(arguments, "port", "json.port")?;
    let name = json::string(arguments, "name", "json.name")?;
    Ok(Request::Rename {
        target: NameTarget::from_wire(port),
        name: String::from(name),
    })
}

fn decode_timer(arguments: &Value) -> Result<TimerSetting, ParseError> {
    let port = port_number(arguments, "port", "json.port")?;
    // The formatted example in the 1.30 notes writes `Start`; the captured URL `start`.
    let start_value = match arguments.get("start") {
        Some(value) if !value.is_null() => value,
        _ => json::field(arguments, "Start", "json.start")?,
    };
    // Requests keep the month-length check because only device replies are read leniently.
    let start = start_value
        .as_str()
        .and_then(|text| text.trim().split_once(','))
        .and_then(|(date, time)| DateTime::parse_parts(date, time))
        .ok_or_else(|| json::invalid("json.start", start_value, "yyyy-MM-dd,HH:mm:ss"))?;
    let delay = json::field(arguments, "delay", "json.delay")?;
    Ok(TimerSetting {
        port,
        start,
        delay_minutes: json::read_uint(delay, "json.delay", "minutes 0 to 65535")?,
    })
}

fn decode_price(arguments: &Value) -> Result<Price, ParseError> {
    let cost = json::optional_string(arguments, "cost", "json.cost")?
        .ok_or(ParseError::MissingField { field: "json.cost" })?;
    let money = json::read_u64(json::field(arguments, "money", "json.money")?, "json.money")?;
    Ok(Price {
        cost,
        currency: Currency::from_wire(money),
    })
}

fn decode_rule_change(arguments: &Value) -> Result<RuleChange, ParseError> {
    let mode_value = json::field(arguments, "mode", "json.mode")?;
    let mode = json::read_u64(mode_value, "json.mode")?;
    let rule = rules::parse_rule(arguments)?;
    match mode {
        0 => Ok(RuleChange::Create(rule)),
        1 => Ok(RuleChange::Edit(rule)),
        2 => Ok(RuleChange::Delete(rule)),
        _ => Err(json::invalid(
            "json.mode",
            mode_value,
            "0 (create), 1 (edit) or 2 (delete)",
        )),
    }
}

fn decode_page(arguments: Option<&Value>) -> Result<u8, ParseError> {
    let Some(arguments) = arguments else {
        return Ok(0);
    };
    let page = json::optional_u64(arguments, "page", "json.page")?.unwrap_or(0);
    u8::try_from(page).map_err(|_| json::invalid("json.page", &arguments["page"], "0 to 255"))
}

fn decode_kind(arguments: &Value) -> Result<StatisticsKind, ParseError> {
    let value = json::field(arguments, "type", "json.type")?;
    json::read_u64(value, "json.type")
        .ok()
        .and_then(StatisticsKind::from_wire)
        .ok_or_else(|| json::invalid("json.type", value, "0, 1 or 2"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{PortAction, PortRole, PowerThreshold, Rule, Schedule, Weekdays};
    use crate::http::parse_target;
    use crate::v3::parse_request;

    fn round_trip(request: &Request) -> Request {
        let target = request.http().target();
        Request::from_http(&parse_target(&target).unwrap()).unwrap()
    }

    #[test]
    fn every_http_command_round_trips() {
        let start = DateTime::new(2018, 10, 20, 0, 11, 30).unwrap();
        let rule = Rule {
            id: 23362268,
            enabled: true,
            actions: alloc::vec![PortAction::On, PortAction::Unchanged],
            minute_of_day: 615,
            schedule: Schedule::Weekly(Weekdays::WORKDAYS),
        };
        let requests = [
            Request::Status,
            Request::Switch {
                port: PortSelector::One(6),
                on: false,
            },
            Request::FactoryReset,
            Request::HardwareIds,
            Request::Rename {
                target: NameTarget::Device,
                name: "Salon & co = 100%".into(),
            },
            Request::SetMasterSlave(crate::config::MasterSlave {
                roles: alloc::vec![PortRole::Master, PortRole::Slave],
                threshold: PowerThreshold::Watts10,
            }),
            Request::MasterSlave,
            Request::SetTimer(TimerSetting {
                port: 2,
                start,
                delay_minutes: 90,
            }),
            Request::Timer { port: 4 },
            Request::SetPrice(Price::new("0.21", Currency::Other(8)).unwrap()),
            Request::ChangeRule(RuleChange::Create(rule.clone())),
            Request::ChangeRule(RuleChange::Delete(rule)),
            Request::Rules { page: 0 },
            Request::SetRandomMode(crate::config::RandomMode {
                enabled: true,
                days: Weekdays::EVERY_DAY,
                start_minute: 1320,
                stop_minute: 120,
                ports: alloc::vec![true, false],
            }),
            Request::RandomMode,
            Request::DeviceTime,
            Request::Statistics {
                kind: StatisticsKind::Daily,
            },
            Request::SwitchStates,
        ];
        for request in requests {
            assert_eq!(round_trip(&request), request);
        }
    }

    #[test]
    fn altery_style_switch_with_serial_decodes() {
        let target = core::str::from_utf8(fixture!("requests/http-200-altery-style.txt")).unwrap();
        let request = Request::from_http(&parse_target(target).unwrap()).unwrap();
        assert_eq!(
            request,
            Request::Switch {
                port: PortSelector::One(1),
                on: false
            }
        );
    }

    #[test]
    fn capitalised_timer_start_is_accepted() {
        let request = HttpRequest {
            command: SET_TIMER,
            arguments: Some(r#"{"port":1,"Start":"2018-10-06,22:27:20","delay":1}"#.into()),
        };
        let Request::SetTimer(setting) = Request::from_http(&request).unwrap() else {
            panic!("expected a timer");
        };
        assert_eq!(setting.start.minute, 27);
        assert_eq!(setting.delay_minutes, 1);
    }

    #[test]
    fn missing_or_bad_arguments_are_named() {
        assert_eq!(
            Request::from_http(&HttpRequest::bare(SWITCH)),
            Err(ParseError::MissingField { field: "json" })
        );
        let no_state = HttpRequest {
            command: SWITCH,
            arguments: Some(r#"{"port":1}"#.into()),
        };
        assert_eq!(
            Request::from_http(&no_state),
            Err(ParseError::MissingField {
                field: "json.state"
            })
        );
        let bad_mode = HttpRequest {
            command: CHANGE_RULE,
            arguments: Some(r#"{"mode":5,"id":1,"en":1,"port":[1],"time":0}"#.into()),
        };
        assert!(matches!(
            Request::from_http(&bad_mode),
            Err(ParseError::InvalidValue {
                field: "json.mode",
                ..
            })
        ));
        let not_object = HttpRequest {
            command: SWITCH,
            arguments: Some("[1]".into()),
        };
        assert!(matches!(
            Request::from_http(&not_object),
            Err(ParseError::InvalidValue { field: "json", .. })
        ));
        assert_eq!(
            Request::from_http(&HttpRequest::bare(999)),
            Err(ParseError::UnknownCommand { command: 999 })
        );
    }

    #[test]
    fn v3_requests_decode() {
        let all_off = parse_request(fixture!("requests/v3-20-all-off.txt")).unwrap();
        assert_eq!(
            Request::from_v3(&all_off),
            Ok(Request::Switch {
                port: PortSelector::All,
                on: false
            })
        );
        let status = parse_request(fixture!("requests/v3-90-without-sn.txt")).unwrap();
        assert_eq!(Request::from_v3(&status), Ok(Request::Status));
        let bind = parse_request(br#"V3{"cmd":73,"regid":"x"}"#).unwrap();
        assert_eq!(
            Request::from_v3(&bind),
            Err(ParseError::UnknownCommand { command: 73 })
        );
    }
}
