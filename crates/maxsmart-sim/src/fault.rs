//! Fault injection: deliberate device misbehaviour that a robust client must survive.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::rng::Rng;

/// Set of faults a simulated device injects. The default injects none.
///
/// Faults can be changed while the device runs with `SimDevice::set_faults`. Build a set with
/// the builder methods or by parsing [`Fault`] specifications from the command line.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Faults {
    /// Delay added before every reply, HTTP and UDP.
    pub latency: Duration,
    /// Drops every Nth received datagram (1 drops all, 0 or `None` drops none).
    pub drop_every: Option<u32>,
    /// Probability from 0.0 to 1.0 of dropping a received datagram, drawn from the device seed.
    pub drop_probability: f64,
    /// Stays silent, instead of replying with `code` 400, on malformed requests and invalid
    /// arguments. HTTP connections stay open without a reply for `silence_hold`.
    pub silent_on_malformed: bool,
    /// How long a silent HTTP connection stays open before the device closes it.
    pub silence_hold: Duration,
    /// Replies `code` 400 to every command without executing it.
    pub always_400: bool,
    /// Replaces every reply body with bytes that are not JSON.
    pub malformed_json: bool,
    /// Cuts every reply body in the middle.
    pub truncated_json: bool,
    /// Writes a comma before the closing brace of every reply object.
    pub trailing_commas: bool,
    /// Sends a `response` number one above the command number.
    pub wrong_response: bool,
    /// Sends every UDP reply twice.
    pub duplicate_datagrams: bool,
    /// Extra delay for UDP replies only, so they arrive after a short client timeout.
    pub late_datagrams: Option<Duration>,
    /// Keeps HTTP connections open after a reply (no `Connection: close`) and closes the
    /// connection without a reply when a second request arrives on it.
    pub keep_alive_refusal: bool,
    /// Closes each HTTP connection after one reply without sending `Connection: close`.
    pub silent_close: bool,
    /// Refuses TCP connections: the listener is closed while this is set.
    pub refuse_connections: bool,
    /// Sends power readings as integers in whole watts.
    pub integer_watts: bool,
    /// Number of status reads (HTTP 511 and 513, V3 90) after an acknowledged switch command
    /// that still report the switch states from before the command. 0 applies switches at once.
    pub switch_lag_reads: u32,
    /// Acknowledges switch commands (HTTP 200, V3 20) without switching any port.
    pub switch_ignored: bool,
}

/// One fault as named on the command line, such as `latency=200ms` or `truncated-json`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    /// `latency=DURATION`: delay before every reply.
    Latency(Duration),
    /// `drop-every=N`: drop every Nth datagram.
    DropEvery(u32),
    /// `drop-probability=P`: drop datagrams with probability P (0.0 to 1.0).
    DropProbability(f64),
    /// `silent-on-malformed`: no reply to malformed requests and invalid arguments.
    SilentOnMalformed,
    /// `silence-hold=DURATION`: how long a silent HTTP connection stays open.
    SilenceHold(Duration),
    /// `always-400`: reply `code` 400 to every command.
    Always400,
    /// `malformed-json`: reply bodies that are not JSON.
    MalformedJson,
    /// `truncated-json`: reply bodies cut in the middle.
    TruncatedJson,
    /// `trailing-commas`: a comma before each closing brace.
    TrailingCommas,
    /// `wrong-response`: `response` one above the command number.
    WrongResponse,
    /// `duplicate-datagrams`: every UDP reply sent twice.
    DuplicateDatagrams,
    /// `late-datagrams=DURATION`: UDP replies delayed by DURATION.
    LateDatagrams(Duration),
    /// `keep-alive-refusal`: keep connections open, refuse the second request on one.
    KeepAliveRefusal,
    /// `silent-close`: close after one reply without `Connection: close`.
    SilentClose,
    /// `refuse-connections`: refuse TCP connections.
    RefuseConnections,
    /// `integer-watts`: power readings as whole-watt integers.
    IntegerWatts,
    /// `switch-lag=N`: N status reads after a switch still show the old states.
    SwitchLag(u32),
    /// `switch-ignored`: switch commands acknowledged but not applied.
    SwitchIgnored,
}

/// Names and one-line descriptions of every fault, for help texts.
pub const FAULT_HELP: &[(&str, &str)] = &[
    (
        "latency=DURATION",
        "delay every reply, for example 200ms or 2s",
    ),
    ("drop-every=N", "drop every Nth received datagram"),
    (
        "drop-probability=P",
        "drop received datagrams with probability P (0.0 to 1.0)",
    ),
    (
        "silent-on-malformed",
        "send nothing instead of code 400 for malformed requests",
    ),
    (
        "silence-hold=DURATION",
        "keep a silent HTTP connection open this long (default 30s)",
    ),
    ("always-400", "reply code 400 to every command"),
    ("malformed-json", "send reply bodies that are not JSON"),
    ("truncated-json", "cut every reply body in the middle"),
    (
        "trailing-commas",
        "write a comma before every closing brace",
    ),
    (
        "wrong-response",
        "send a response number one above the command",
    ),
    ("duplicate-datagrams", "send every UDP reply twice"),
    ("late-datagrams=DURATION", "delay UDP replies by DURATION"),
    (
        "keep-alive-refusal",
        "keep connections open and refuse a second request on one",
    ),
    (
        "silent-close",
        "close after one reply without sending Connection: close",
    ),
    ("refuse-connections", "refuse TCP connections"),
    (
        "integer-watts",
        "send power readings as integer whole watts",
    ),
    (
        "switch-lag=N",
        "report the old switch states in the next N status reads after a switch",
    ),
    (
        "switch-ignored",
        "acknowledge switch commands without switching any port",
    ),
];

/// Default time a silent HTTP connection stays open, longer than the 10 s request limit of the
/// python client so that a client times out first.
const DEFAULT_SILENCE_HOLD: Duration = Duration::from_secs(30);

impl Faults {
    /// Returns a set without faults.
    pub fn none() -> Self {
        Faults::default()
    }

    /// Adds `fault` to the set, replacing an earlier value of the same kind.
    pub fn with(mut self, fault: Fault) -> Self {
        self.apply(fault);
        self
    }

    /// Sets `fault` in place, replacing an earlier value of the same kind.
    pub fn apply(&mut self, fault: Fault) {
        match fault {
            Fault::Latency(delay) => self.latency = delay,
            Fault::DropEvery(every) => self.drop_every = Some(every),
            Fault::DropProbability(probability) => self.drop_probability = probability,
            Fault::SilentOnMalformed => self.silent_on_malformed = true,
            Fault::SilenceHold(hold) => self.silence_hold = hold,
            Fault::Always400 => self.always_400 = true,
            Fault::MalformedJson => self.malformed_json = true,
            Fault::TruncatedJson => self.truncated_json = true,
            Fault::TrailingCommas => self.trailing_commas = true,
            Fault::WrongResponse => self.wrong_response = true,
            Fault::DuplicateDatagrams => self.duplicate_datagrams = true,
            Fault::LateDatagrams(delay) => self.late_datagrams = Some(delay),
            Fault::KeepAliveRefusal => self.keep_alive_refusal = true,
            Fault::SilentClose => self.silent_close = true,
            Fault::RefuseConnections => self.refuse_connections = true,
            Fault::IntegerWatts => self.integer_watts = true,
            Fault::SwitchLag(reads) => self.switch_lag_reads = reads,
            Fault::SwitchIgnored => self.switch_ignored = true,
        }
    }

    /// Sets the delay added before every reply.
    pub fn latency(self, delay: Duration) -> Self {
        self.with(Fault::Latency(delay))
    }

    /// Drops every `every`th received datagram.
    pub fn drop_every(self, every: u32) -> Self {
        self.with(Fault::DropEvery(every))
    }

    /// Drops received datagrams with `probability` (clamped to 0.0 to 1.0).
    pub fn drop_probability(self, probability: f64) -> Self {
        self.with(Fault::DropProbability(probability))
    }

    /// Sends nothing for malformed requests and invalid arguments.
    pub fn silent_on_malformed(self) -> Self {
        self.with(Fault::SilentOnMalformed)
    }

    /// Replies `code` 400 to every command.
    pub fn always_400(self) -> Self {
        self.with(Fault::Always400)
    }

    /// Sends reply bodies that are not JSON.
    pub fn malformed_json(self) -> Self {
        self.with(Fault::MalformedJson)
    }

    /// Cuts every reply body in the middle.
    pub fn truncated_json(self) -> Self {
        self.with(Fault::TruncatedJson)
    }

    /// Writes a comma before every closing brace.
    pub fn trailing_commas(self) -> Self {
        self.with(Fault::TrailingCommas)
    }

    /// Sends a `response` number one above the command.
    pub fn wrong_response(self) -> Self {
        self.with(Fault::WrongResponse)
    }

    /// Sends every UDP reply twice.
    pub fn duplicate_datagrams(self) -> Self {
        self.with(Fault::DuplicateDatagrams)
    }

    /// Delays UDP replies by `delay`.
    pub fn late_datagrams(self, delay: Duration) -> Self {
        self.with(Fault::LateDatagrams(delay))
    }

    /// Keeps HTTP connections open and refuses a second request on one.
    pub fn keep_alive_refusal(self) -> Self {
        self.with(Fault::KeepAliveRefusal)
    }

    /// Closes after one reply without sending `Connection: close`.
    pub fn silent_close(self) -> Self {
        self.with(Fault::SilentClose)
    }

    /// Refuses TCP connections.
    pub fn refuse_connections(self) -> Self {
        self.with(Fault::RefuseConnections)
    }

    /// Sends power readings as integer whole watts.
    pub fn integer_watts(self) -> Self {
        self.with(Fault::IntegerWatts)
    }

    /// Makes the next `reads` status reads after each acknowledged switch command report the
    /// switch states from before the command.
    pub fn switch_lag(self, reads: u32) -> Self {
        self.with(Fault::SwitchLag(reads))
    }

    /// Acknowledges switch commands without switching any port.
    pub fn switch_ignored(self) -> Self {
        self.with(Fault::SwitchIgnored)
    }

    /// Returns how long a silent HTTP connection stays open.
    pub fn effective_silence_hold(&self) -> Duration {
        if self.silence_hold.is_zero() {
            DEFAULT_SILENCE_HOLD
        } else {
            self.silence_hold
        }
    }

    /// Returns whether the datagram with 1-based sequence number `sequence` is dropped.
    pub(crate) fn drops_datagram(&self, sequence: u64, rng: &mut Rng) -> bool {
        if let Some(every) = self.drop_every.filter(|every| *every > 0) {
            if sequence % u64::from(every) == 0 {
                return true;
            }
        }
        let probability = self.drop_probability.clamp(0.0, 1.0);
        probability > 0.0 && rng.next_f64() < probability
    }

    /// Applies the body faults (malformed, truncated, trailing commas) to a reply text.
    pub(crate) fn corrupt_body(&self, body: String) -> String {
        let mut body = body;
        if self.trailing_commas {
            body = body.replace('}', ",}");
        }
        if self.truncated_json {
            let mut cut = body.len() / 2;
            while !body.is_char_boundary(cut) {
                cut -= 1;
            }
            body.truncate(cut);
        }
        if self.malformed_json {
            body = format!("<html>{body}</html");
        }
        body
    }
}

/// Error returned when a fault specification does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid fault `{spec}`: {reason}")]
pub struct InvalidFault {
    /// The specification as given.
    pub spec: String,
    /// Reason the specification is invalid.
    pub reason: String,
}

impl FromStr for Fault {
    type Err = InvalidFault;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: &str| InvalidFault {
            spec: spec.to_owned(),
            reason: reason.to_owned(),
        };
        let (name, value) = match spec.split_once('=') {
            Some((name, value)) => (name.trim(), Some(value.trim())),
            None => (spec.trim(), None),
        };
        let needs_value = || value.ok_or_else(|| invalid("missing `=VALUE`"));
        let duration = || {
            needs_value().and_then(|text| {
                parse_duration(text).ok_or_else(|| invalid("expected a duration such as 200ms"))
            })
        };

        let fault = match name {
            "latency" => Fault::Latency(duration()?),
            "drop-every" => Fault::DropEvery(
                needs_value()?
                    .parse()
                    .map_err(|_| invalid("expected a whole number"))?,
            ),
            "drop-probability" => {
                let probability: f64 = needs_value()?
                    .parse()
                    .map_err(|_| invalid("expected a number from 0.0 to 1.0"))?;
                if !(0.0..=1.0).contains(&probability) {
                    return Err(invalid("expected a number from 0.0 to 1.0"));
                }
                Fault::DropProbability(probability)
            }
            "switch-lag" => Fault::SwitchLag(
                needs_value()?
                    .parse()
                    .map_err(|_| invalid("expected a whole number of status reads"))?,
            ),
            "silence-hold" => Fault::SilenceHold(duration()?),
            "late-datagrams" => Fault::LateDatagrams(duration()?),
            _ => {
                if value.is_some() {
                    return Err(invalid("this fault takes no value"));
                }
                flag_fault(name).ok_or_else(|| invalid("unknown fault name, see --help"))?
            }
        };
        Ok(fault)
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Latency(delay) => write!(f, "latency={}ms", delay.as_millis()),
            Fault::DropEvery(every) => write!(f, "drop-every={every}"),
            Fault::SwitchLag(reads) => write!(f, "switch-lag={reads}"),
            Fault::DropProbability(probability) => write!(f, "drop-probability={probability}"),
            Fault::SilenceHold(hold) => write!(f, "silence-hold={}ms", hold.as_millis()),
            Fault::LateDatagrams(delay) => write!(f, "late-datagrams={}ms", delay.as_millis()),
            Fault::SilentOnMalformed => f.write_str("silent-on-malformed"),
            Fault::Always400 => f.write_str("always-400"),
            Fault::MalformedJson => f.write_str("malformed-json"),
            Fault::TruncatedJson => f.write_str("truncated-json"),
            Fault::TrailingCommas => f.write_str("trailing-commas"),
            Fault::WrongResponse => f.write_str("wrong-response"),
            Fault::DuplicateDatagrams => f.write_str("duplicate-datagrams"),
            Fault::KeepAliveRefusal => f.write_str("keep-alive-refusal"),
            Fault::SilentClose => f.write_str("silent-close"),
            Fault::RefuseConnections => f.write_str("refuse-connections"),
            Fault::IntegerWatts => f.write_str("integer-watts"),
            Fault::SwitchIgnored => f.write_str("switch-ignored"),
        }
    }
}

/// Returns the fault without a value named `name`.
fn flag_fault(name: &str) -> Option<Fault> {
    let fault = match name {
        "silent-on-malformed" => Fault::SilentOnMalformed,
        "always-400" => Fault::Always400,
        "malformed-json" => Fault::MalformedJson,
        "truncated-json" => Fault::TruncatedJson,
        "trailing-commas" => Fault::TrailingCommas,
        "wrong-response" => Fault::WrongResponse,
        "duplicate-datagrams" => Fault::DuplicateDatagrams,
        "keep-alive-refusal" => Fault::KeepAliveRefusal,
        "silent-close" => Fault::SilentClose,
        "refuse-connections" => Fault::RefuseConnections,
        "integer-watts" => Fault::IntegerWatts,
        "switch-ignored" => Fault::SwitchIgnored,
        _ => return None,
    };
    Some(fault)
}

/// Parses `250ms`, `2s`, `1.5s` or a bare number of milliseconds.
fn parse_duration(text: &str) -> Option<Duration> {
    if let Some(millis) = text.strip_suffix("ms") {
        return millis.trim().parse::<u64>().ok().map(Duration::from_millis);
    }
    if let Some(seconds) = text.strip_suffix('s') {
        let seconds: f64 = seconds.trim().parse().ok()?;
        return Duration::try_from_secs_f64(seconds).ok();
    }
    text.parse::<u64>().ok().map(Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse() {
        assert_eq!(
            "latency=200ms".parse::<Fault>(),
            Ok(Fault::Latency(Duration::from_millis(200)))
        );
        assert_eq!(
            "late-datagrams=1.5s".parse::<Fault>(),
            Ok(Fault::LateDatagrams(Duration::from_millis(1500)))
        );
        assert_eq!("drop-every=3".parse::<Fault>(), Ok(Fault::DropEvery(3)));
        assert_eq!("truncated-json".parse::<Fault>(), Ok(Fault::TruncatedJson));
        assert_eq!("switch-lag=2".parse::<Fault>(), Ok(Fault::SwitchLag(2)));
        assert_eq!("switch-ignored".parse::<Fault>(), Ok(Fault::SwitchIgnored));
        let faults = Faults::none().with("switch-lag=4".parse().unwrap());
        assert_eq!(faults.switch_lag_reads, 4);
    }

    #[test]
    fn bad_specs_are_rejected() {
        assert!("latency".parse::<Fault>().is_err());
        assert!("latency=soon".parse::<Fault>().is_err());
        assert!("drop-probability=1.5".parse::<Fault>().is_err());
        assert!("truncated-json=1".parse::<Fault>().is_err());
        assert!("switch-lag".parse::<Fault>().is_err());
        assert!("switch-lag=-1".parse::<Fault>().is_err());
        assert!("switch-ignored=1".parse::<Fault>().is_err());
        let error = "explode".parse::<Fault>().unwrap_err();
        assert!(error.to_string().contains("explode"));
    }

    #[test]
    fn every_help_entry_parses() {
        for (spec, _) in FAULT_HELP {
            let example = spec
                .replace("DURATION", "10ms")
                .replace("=N", "=2")
                .replace("=P", "=0.5");
            let fault: Fault = example.parse().unwrap();
            assert_eq!(fault.to_string().parse::<Fault>(), Ok(fault), "{example}");
        }
    }

    #[test]
    fn drop_every_third() {
        let faults = Faults::none().drop_every(3);
        let mut rng = Rng::new(0);
        let dropped: Vec<bool> = (1..=6)
            .map(|n| faults.drops_datagram(n, &mut rng))
            .collect();
        assert_eq!(dropped, [false, false, true, false, false, true]);
    }

    #[test]
    fn drop_probability_one_drops_all() {
        let faults = Faults::none().drop_probability(1.0);
        let mut rng = Rng::new(0);
        assert!((1..=20).all(|n| faults.drops_datagram(n, &mut rng)));
    }

    #[test]
    fn no_faults_keep_body() {
        let body = r#"{"response":200,"code":200}"#.to_owned();
        assert_eq!(Faults::none().corrupt_body(body.clone()), body);
    }

    #[test]
    fn trailing_commas_are_inserted() {
        let body = r#"{"response":200,"code":200}"#.to_owned();
        let corrupted = Faults::none().trailing_commas().corrupt_body(body);
        assert_eq!(corrupted, r#"{"response":200,"code":200,}"#);
        assert!(serde_json::from_str::<serde_json::Value>(&corrupted).is_err());
    }

    #[test]
    fn truncation_breaks_json() {
        let body = r#"{"response":200,"code":200}"#.to_owned();
        let corrupted = Faults::none().truncated_json().corrupt_body(body.clone());
        assert_eq!(corrupted.len(), body.len() / 2);
        assert!(serde_json::from_str::<serde_json::Value>(&corrupted).is_err());
    }
}
