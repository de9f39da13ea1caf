//! Port state: names, switch states, nominal loads and the noisy readings derived from them.

use crate::profile::ReadingFormat;
use crate::rng::Rng;

/// Typical appliance loads in watts that ports draw when switched on.
const APPLIANCE_WATTS: [f64; 10] = [15.2, 8.7, 122.5, 60.0, 35.4, 5.2, 230.0, 41.0, 11.5, 75.0];

/// Relative noise of power readings: plus or minus 2 %.
const NOISE: f64 = 0.02;

/// Mains voltage used to derive current from power.
const MAINS_VOLTS: f64 = 230.0;

/// State of one port.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Port {
    /// Port name as shown in discovery `pname`.
    pub(crate) name: String,
    /// Whether the relay is closed.
    pub(crate) on: bool,
    /// Power the connected appliance draws while the port is on, in watts.
    pub(crate) load_watts: f64,
}

/// One reading of a port, before encoding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Reading {
    /// Power in watts, exactly 0.0 when the port is off.
    pub(crate) watts: f64,
    /// Current in amperes, exactly 0.0 when the port is off.
    pub(crate) amps: f64,
}

/// Power or current values encoded for a reply.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub(crate) enum Encoded {
    /// Decimal strings (`"15.20"`).
    Strings(Vec<String>),
    /// Integers (milli-units or whole watts).
    Integers(Vec<i64>),
}

/// Creates `count` ports named `PORT1`... with loads drawn from the appliance table.
pub(crate) fn default_ports(count: usize, rng: &mut Rng) -> Vec<Port> {
    (1..=count)
        .map(|number| {
            let pick = rng.range(0, APPLIANCE_WATTS.len() as u64 - 1);
            let load_watts = APPLIANCE_WATTS
                .get(usize::try_from(pick).unwrap_or(0))
                .copied()
                .unwrap_or(APPLIANCE_WATTS[0]);
            Port {
                name: default_port_name(number),
                on: false,
                load_watts,
            }
        })
        .collect()
}

/// Returns the factory name of port `number` (1-based).
pub(crate) fn default_port_name(number: usize) -> String {
    format!("PORT{number}")
}

/// Takes one noisy reading of `port` as it draws with its switch `on` or off.
pub(crate) fn read(port: &Port, on: bool, rng: &mut Rng) -> Reading {
    if !on {
        return Reading {
            watts: 0.0,
            amps: 0.0,
        };
    }
    let factor = 1.0 + (rng.next_f64() * 2.0 - 1.0) * NOISE;
    // A port that is on always reads above zero, even with a tiny configured load.
    let watts = (port.load_watts * factor).max(0.01);
    Reading {
        watts,
        amps: watts / MAINS_VOLTS,
    }
}

/// Encodes power readings for a reply in `format`, or in whole watts when `integer_watts`.
pub(crate) fn encode_watts(
    readings: &[Reading],
    format: ReadingFormat,
    integer_watts: bool,
) -> Encoded {
    if integer_watts {
        // A port that draws anything reads at least 1 W, so "on" never looks like 0.
        return Encoded::Integers(
            readings
                .iter()
                .map(|reading| whole(reading.watts))
                .collect(),
        );
    }
    match format {
        ReadingFormat::DecimalStrings => Encoded::Strings(
            readings
                .iter()
                .map(|reading| format!("{:.2}", reading.watts))
                .collect(),
        ),
        ReadingFormat::MilliUnits => Encoded::Integers(
            readings
                .iter()
                .map(|reading| milli(reading.watts))
                .collect(),
        ),
    }
}

/// Encodes current readings for a reply in `format`.
pub(crate) fn encode_amps(readings: &[Reading], format: ReadingFormat) -> Encoded {
    match format {
        ReadingFormat::DecimalStrings => Encoded::Strings(
            readings
                .iter()
                .map(|reading| format!("{:.1}", reading.amps))
                .collect(),
        ),
        ReadingFormat::MilliUnits => {
            Encoded::Integers(readings.iter().map(|reading| milli(reading.amps)).collect())
        }
    }
}

/// Converts to milli-units, rounding, with at least 1 for a positive value.
fn milli(value: f64) -> i64 {
    if value <= 0.0 {
        return 0;
    }
    ((value * 1000.0).round() as i64).max(1)
}

/// Converts to whole units, rounding, with at least 1 for a positive value.
fn whole(value: f64) -> i64 {
    if value <= 0.0 {
        return 0;
    }
    (value.round() as i64).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port(on: bool, load_watts: f64) -> Port {
        Port {
            name: "PORT1".to_owned(),
            on,
            load_watts,
        }
    }

    #[test]
    fn off_port_reads_exactly_zero() {
        let mut rng = Rng::new(1);
        let reading = read(&port(false, 100.0), false, &mut rng);
        assert_eq!(reading.watts, 0.0);
        assert_eq!(reading.amps, 0.0);
    }

    #[test]
    fn on_port_reads_near_load() {
        let mut rng = Rng::new(1);
        for _ in 0..100 {
            let reading = read(&port(true, 100.0), true, &mut rng);
            assert!((98.0..=102.0).contains(&reading.watts), "{}", reading.watts);
            assert!(reading.amps > 0.4);
        }
    }

    #[test]
    fn decimal_strings_have_two_decimals() {
        let readings = [
            Reading {
                watts: 15.2,
                amps: 0.066,
            },
            Reading {
                watts: 0.0,
                amps: 0.0,
            },
        ];
        let watts = encode_watts(&readings, ReadingFormat::DecimalStrings, false);
        assert_eq!(
            watts,
            Encoded::Strings(vec!["15.20".to_owned(), "0.00".to_owned()])
        );
        let amps = encode_amps(&readings, ReadingFormat::DecimalStrings);
        assert_eq!(
            amps,
            Encoded::Strings(vec!["0.1".to_owned(), "0.0".to_owned()])
        );
    }

    #[test]
    fn milli_units_are_integers() {
        let readings = [
            Reading {
                watts: 15.2,
                amps: 0.066,
            },
            Reading {
                watts: 0.0,
                amps: 0.0,
            },
        ];
        let watts = encode_watts(&readings, ReadingFormat::MilliUnits, false);
        assert_eq!(watts, Encoded::Integers(vec![15200, 0]));
        let amps = encode_amps(&readings, ReadingFormat::MilliUnits);
        assert_eq!(amps, Encoded::Integers(vec![66, 0]));
    }

    #[test]
    fn integer_watts_round_but_stay_positive() {
        let readings = [
            Reading {
                watts: 0.3,
                amps: 0.001,
            },
            Reading {
                watts: 122.5,
                amps: 0.5,
            },
        ];
        let watts = encode_watts(&readings, ReadingFormat::DecimalStrings, true);
        assert_eq!(watts, Encoded::Integers(vec![1, 123]));
    }

    #[test]
    fn default_ports_draw_power() {
        let mut rng = Rng::new(9);
        let ports = default_ports(6, &mut rng);
        assert_eq!(ports.len(), 6);
        assert_eq!(ports[5].name, "PORT6");
        assert!(ports.iter().all(|port| port.load_watts > 1.0 && !port.on));
    }
}
