//! The energy price and currency: HTTP command 205, echoed by statistics (510).
//!
//! The device stores one tariff for display only and computes no cost.

use alloc::string::String;
use core::fmt;

use serde::{Serialize, Serializer};

use crate::error::InvalidArgument;

/// HTTP command 205: set the energy price and currency.
pub const SET_PRICE: u16 = 205;

/// The maximum length of a price text, in characters.
const MAX_COST_CHARS: usize = 12;

/// The currency code of the `money` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Currency {
    /// Code 0, the euro.
    Euro,
    /// Code 1, the US dollar.
    UsDollar,
    /// Code 2, the Japanese yen.
    Yen,
    /// Code 3, the Swiss franc.
    SwissFranc,
    /// Any other code, kept as sent.
    Other(u64),
}

impl Currency {
    /// Converts a `money` code.
    pub fn from_wire(code: u64) -> Self {
        match code {
            0 => Currency::Euro,
            1 => Currency::UsDollar,
            2 => Currency::Yen,
            3 => Currency::SwissFranc,
            other => Currency::Other(other),
        }
    }

    /// Returns the `money` code.
    pub fn wire_code(self) -> u64 {
        match self {
            Currency::Euro => 0,
            Currency::UsDollar => 1,
            Currency::Yen => 2,
            Currency::SwissFranc => 3,
            Currency::Other(code) => code,
        }
    }

    /// Returns the ISO 4217 code, or `None` for an unknown currency code.
    pub fn iso_code(self) -> Option<&'static str> {
        match self {
            Currency::Euro => Some("EUR"),
            Currency::UsDollar => Some("USD"),
            Currency::Yen => Some("JPY"),
            Currency::SwissFranc => Some("CHF"),
            Currency::Other(_) => None,
        }
    }
}

/// Writes the ISO 4217 code, or `code N` for an unknown code.
impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.iso_code() {
            Some(code) => f.write_str(code),
            None => write!(f, "code {}", self.wire_code()),
        }
    }
}

/// Serializes as the ISO code, or as the number for an unknown code.
impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.iso_code() {
            Some(code) => serializer.serialize_str(code),
            None => serializer.serialize_u64(self.wire_code()),
        }
    }
}

/// A price per kWh and its currency.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Price {
    /// The price per kWh as decimal text, such as `0.21`, exactly as sent on the wire.
    pub cost: String,
    /// The currency.
    pub currency: Currency,
}

impl Price {
    /// Creates a price after checking that `cost` is a plain non-negative decimal.
    ///
    /// # Errors
    ///
    /// Returns [`InvalidArgument::InvalidValue`] for text that is not digits with at most
    /// one decimal point, or longer than 12 characters.
    ///
    /// ```
    /// use maxsmart_proto::config::{Currency, Price};
    ///
    /// let price = Price::new("0.21", Currency::SwissFranc)?;
    /// assert_eq!(price.value(), Some(0.21));
    /// assert!(Price::new("-1", Currency::Euro).is_err());
    /// assert!(Price::new("1e3", Currency::Euro).is_err());
    /// # Ok::<(), maxsmart_proto::InvalidArgument>(())
    /// ```
    pub fn new(cost: &str, currency: Currency) -> Result<Self, InvalidArgument> {
        if !is_plain_decimal(cost) || cost.len() > MAX_COST_CHARS {
            return Err(InvalidArgument::InvalidValue {
                field: "cost",
                value: alloc::format!("{cost:?}"),
                expected: "a non-negative decimal such as 0.21, at most 12 characters",
            });
        }
        Ok(Price {
            cost: String::from(cost),
            currency,
        })
    }

    /// Returns the price as a number, or `None` when the text is not a decimal.
    pub fn value(&self) -> Option<f64> {
        self.cost
            .trim()
            .parse()
            .ok()
            .filter(|value: &f64| value.is_finite())
    }
}

/// The `json` argument of command 205, fields in wire order.
#[derive(Debug, Serialize)]
pub(crate) struct PriceFields<'a> {
    pub(crate) cost: &'a str,
    pub(crate) money: u64,
}

impl<'a> From<&'a Price> for PriceFields<'a> {
    fn from(price: &'a Price) -> Self {
        PriceFields {
            cost: &price.cost,
            money: price.currency.wire_code(),
        }
    }
}

fn is_plain_decimal(text: &str) -> bool {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    !whole.is_empty() && digits(whole) && digits(fraction) && !text.ends_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::HttpRequest;

    #[test]
    fn currency_codes_round_trip_and_unknown_is_kept() {
        for code in 0..6 {
            assert_eq!(Currency::from_wire(code).wire_code(), code);
        }
        assert_eq!(Currency::from_wire(3), Currency::SwissFranc);
        assert_eq!(Currency::from_wire(9), Currency::Other(9));
        assert_eq!(alloc::format!("{}", Currency::from_wire(9)), "code 9");
        assert_eq!(alloc::format!("{}", Currency::Yen), "JPY");
    }

    #[test]
    fn currency_serializes_as_iso_code_or_number() {
        assert_eq!(
            serde_json::to_string(&Currency::SwissFranc).unwrap(),
            "\"CHF\""
        );
        assert_eq!(serde_json::to_string(&Currency::Other(7)).unwrap(), "7");
    }

    #[test]
    fn price_request_matches_altery_fields() {
        let price = Price::new("0.21", Currency::SwissFranc).unwrap();
        let request = HttpRequest::new(SET_PRICE, &PriceFields::from(&price));
        assert_eq!(
            request.arguments.as_deref(),
            Some(r#"{"cost":"0.21","money":3}"#)
        );
    }

    #[test]
    fn malformed_prices_are_rejected() {
        for cost in [
            "",
            ".5",
            "5.",
            "1.2.3",
            "abc",
            " 1",
            "0,21",
            "1234567890123",
        ] {
            assert!(Price::new(cost, Currency::Euro).is_err(), "{cost:?}");
        }
        assert!(Price::new("12", Currency::Euro).is_ok());
        assert!(Price::new("0.215", Currency::Euro).is_ok());
    }
}
