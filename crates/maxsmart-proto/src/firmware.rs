//! Firmware families, detected from the version string, and what each one supports.
//!
//! The table below is what [`FirmwareFamily::capability`] returns. "yes" means a published
//! capture or a client reported working on devices shows the command on that family,
//! "unverified" means no source shows it either way (or the sources disagree), and "no"
//! means a source shows the family lacks it. Only "no" makes a builder reject the operation;
//! unverified operations are sent and the device decides.
//!
//! | Operation (HTTP command)            | 1.06, 1.10 | 1.30 | 2.11 | 3.x | 5.x | unknown |
//! |-------------------------------------|------------|------|------|-----|-----|---------|
//! | status 511, switch 200              | yes        | yes  | yes  | yes | no  | unverified |
//! | switch states 513                   | unverified | yes  | unverified | unverified | no | unverified |
//! | rename 201                          | unverified | yes  | no   | unverified | no | unverified |
//! | statistics 510                      | unverified | yes  | unverified | unverified | no | unverified |
//! | device time 502, reset 120          | unverified | yes  | unverified | unverified | no | unverified |
//! | 202/512, 204/515, 205, 206/516, 207 | unverified | yes  | unverified | unverified | no | unverified |
//! | random mode query 517               | unverified | unverified | unverified | unverified | no | unverified |
//! | hardware ids 124                    | unverified | unverified | unverified | unverified | no | unverified |
//!
//! Over UDP V3 only status (90) and switch (20) exist. Firmware 5.x speaks only V3 and has
//! no HTTP server. According to python-maxsmart 2.1.0, 2.11 replies to V3 "with limited data".
//! Firmware 2.11 keeps no names on the device, so renaming is rejected there.

use alloc::string::String;
use core::fmt;

use serde::Serialize;

use crate::status::WattFormat;

/// A group of firmware versions that behave alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FirmwareFamily {
    /// 1.06, seen on CoCoSo SOW323 strips (HTTP).
    V1_06,
    /// 1.10, MaxSmart strips and plugs (HTTP).
    V1_10,
    /// 1.30, MaxSmart strips and plugs: the full HTTP command set, watts as decimal strings.
    V1_30,
    /// 2.11, MaxSmart strips and plugs: HTTP control, integer milliwatts, no names.
    V2_11,
    /// 3.x (3.36 and 3.49 seen), Revogi SOW323: HTTP, integer milliwatts.
    V3x,
    /// 5.x (5.11 seen), Revogi strips: UDP V3 only.
    V5x,
    /// Any other version, or none reported.
    Unknown,
}

impl FirmwareFamily {
    /// Detects the family from a version string such as `1.30` or `5.11`.
    ///
    /// Surrounding white space is ignored. Versions 1.06, 1.10, 1.30 and 2.11 must match
    /// exactly; any 3.x and 5.x version maps to its family; everything else is
    /// [`FirmwareFamily::Unknown`].
    ///
    /// ```
    /// use maxsmart_proto::firmware::FirmwareFamily;
    ///
    /// assert_eq!(FirmwareFamily::from_version("1.30"), FirmwareFamily::V1_30);
    /// assert_eq!(FirmwareFamily::from_version("3.49"), FirmwareFamily::V3x);
    /// assert_eq!(FirmwareFamily::from_version("1.24"), FirmwareFamily::Unknown);
    /// ```
    pub fn from_version(version: &str) -> Self {
        let version = version.trim();
        match version {
            "1.06" => return FirmwareFamily::V1_06,
            "1.10" => return FirmwareFamily::V1_10,
            "1.30" => return FirmwareFamily::V1_30,
            "2.11" => return FirmwareFamily::V2_11,
            _ => {}
        }
        let Some((major, minor)) = version.split_once('.') else {
            return FirmwareFamily::Unknown;
        };
        if minor.is_empty() || !minor.bytes().all(|byte| byte.is_ascii_digit()) {
            return FirmwareFamily::Unknown;
        }
        match major {
            "3" => FirmwareFamily::V3x,
            "5" => FirmwareFamily::V5x,
            _ => FirmwareFamily::Unknown,
        }
    }

    /// Detects the family from an optional version; `None` is [`FirmwareFamily::Unknown`].
    pub fn from_optional(version: Option<&str>) -> Self {
        version.map_or(FirmwareFamily::Unknown, FirmwareFamily::from_version)
    }

    /// Returns whether the family serves HTTP on TCP port 80.
    pub fn has_http(self) -> bool {
        self != FirmwareFamily::V5x
    }

    /// Returns the watt encoding this family is known to send over the given transport,
    /// or `None` when no source documents it.
    ///
    /// 1.30 sends decimal strings in watts over HTTP. 2.11 and 3.x send integer milliwatts
    /// over HTTP, and every V3 reply holds integer milliwatts.
    pub fn expected_watt_format(self, over_v3: bool) -> Option<WattFormat> {
        if over_v3 {
            return Some(WattFormat::Milliwatts);
        }
        match self {
            FirmwareFamily::V1_30 => Some(WattFormat::Watts),
            FirmwareFamily::V2_11 | FirmwareFamily::V3x => Some(WattFormat::Milliwatts),
            FirmwareFamily::V5x => Some(WattFormat::Milliwatts),
            FirmwareFamily::V1_06 | FirmwareFamily::V1_10 | FirmwareFamily::Unknown => None,
        }
    }

    /// Returns how well this family supports `feature` over HTTP and over V3.
    pub fn capability(self, feature: Feature) -> Capability {
        Capability {
            http: self.http_support(feature),
            v3: self.v3_support(feature),
        }
    }

    fn http_support(self, feature: Feature) -> Support {
        use FirmwareFamily as F;
        if self == F::V5x {
            return Support::Unsupported;
        }
        match (feature, self) {
            (Feature::Status | Feature::Switch, F::Unknown) => Support::Unverified,
            (Feature::Status | Feature::Switch, _) => Support::Supported,
            (Feature::Rename, F::V2_11) => Support::Unsupported,
            (Feature::HardwareIds | Feature::ReadRandomMode, _) => Support::Unverified,
            (_, F::V1_30) => Support::Supported,
            _ => Support::Unverified,
        }
    }

    fn v3_support(self, feature: Feature) -> Support {
        match feature {
            Feature::Status | Feature::Switch if self == FirmwareFamily::V5x => Support::Supported,
            Feature::Status | Feature::Switch => Support::Unverified,
            _ => Support::Unsupported,
        }
    }
}

impl fmt::Display for FirmwareFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            FirmwareFamily::V1_06 => "1.06",
            FirmwareFamily::V1_10 => "1.10",
            FirmwareFamily::V1_30 => "1.30",
            FirmwareFamily::V2_11 => "2.11",
            FirmwareFamily::V3x => "3.x",
            FirmwareFamily::V5x => "5.x",
            FirmwareFamily::Unknown => "unknown",
        };
        f.write_str(text)
    }
}

/// An operation whose availability depends on the firmware.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Feature {
    /// Reading watts, amps and switch states (HTTP 511, V3 90).
    Status,
    /// Switching ports (HTTP 200, V3 20).
    Switch,
    /// Reading switch states alone (HTTP 513).
    SwitchStates,
    /// Renaming a port or the device (HTTP 201).
    Rename,
    /// Reading energy statistics (HTTP 510).
    Statistics,
    /// Reading the device clock (HTTP 502).
    DeviceTime,
    /// Reading hardware identifiers (HTTP 124).
    HardwareIds,
    /// Factory reset (HTTP 120).
    FactoryReset,
    /// Setting or reading the master/slave setup (HTTP 202, 512).
    MasterSlave,
    /// Setting or reading a switch-off timer (HTTP 204, 515).
    Timer,
    /// Setting the energy price and currency (HTTP 205).
    Price,
    /// Changing or reading schedule rules (HTTP 206, 516).
    Rules,
    /// Setting random mode (HTTP 207).
    RandomMode,
    /// Reading random mode (HTTP 517, whose reply format is inferred).
    ReadRandomMode,
}

impl Feature {
    /// Returns the name used in error messages, such as `rename`.
    pub fn name(self) -> &'static str {
        match self {
            Feature::Status => "status",
            Feature::Switch => "switch",
            Feature::SwitchStates => "switch states",
            Feature::Rename => "rename",
            Feature::Statistics => "statistics",
            Feature::DeviceTime => "device time",
            Feature::HardwareIds => "hardware ids",
            Feature::FactoryReset => "factory reset",
            Feature::MasterSlave => "master/slave",
            Feature::Timer => "timer",
            Feature::Price => "price",
            Feature::Rules => "rules",
            Feature::RandomMode => "random mode",
            Feature::ReadRandomMode => "random mode query",
        }
    }
}

/// The documented support of one operation on one family and transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Support {
    /// A capture or a client reported working on devices shows it.
    Supported,
    /// No source shows it either way, or sources disagree; it is sent and the device decides.
    Unverified,
    /// A source shows the family lacks it, or the transport has no such command.
    Unsupported,
}

impl Support {
    /// Returns whether the operation may be sent.
    pub fn is_allowed(self) -> bool {
        self != Support::Unsupported
    }
}

/// The support of one operation over each transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Capability {
    /// Over HTTP on TCP port 80.
    pub http: Support,
    /// Over UDP V3 datagrams.
    pub v3: Support,
}

/// A firmware version string together with its family.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Firmware {
    /// The version as the device reports it, such as `1.30`.
    pub version: String,
    /// The family detected from it.
    pub family: FirmwareFamily,
}

impl Firmware {
    /// Detects the family of `version`.
    pub fn new(version: &str) -> Self {
        Firmware {
            version: String::from(version),
            family: FirmwareFamily::from_version(version),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_versions_map_to_families() {
        let cases = [
            ("1.06", FirmwareFamily::V1_06),
            ("1.10", FirmwareFamily::V1_10),
            ("1.30", FirmwareFamily::V1_30),
            (" 1.30\n", FirmwareFamily::V1_30),
            ("2.11", FirmwareFamily::V2_11),
            ("3.36", FirmwareFamily::V3x),
            ("3.49", FirmwareFamily::V3x),
            ("5.11", FirmwareFamily::V5x),
            ("5.2", FirmwareFamily::V5x),
        ];
        for (version, family) in cases {
            assert_eq!(FirmwareFamily::from_version(version), family, "{version}");
        }
    }

    #[test]
    fn odd_versions_are_unknown() {
        for version in [
            "", "1.24", "2.10", "3.", "3.x", "5", "abc", "13.49", "1.300",
        ] {
            assert_eq!(
                FirmwareFamily::from_version(version),
                FirmwareFamily::Unknown,
                "{version:?}"
            );
        }
        assert_eq!(FirmwareFamily::from_optional(None), FirmwareFamily::Unknown);
    }

    #[test]
    fn rename_is_rejected_on_211_only() {
        let rename = |family: FirmwareFamily| family.capability(Feature::Rename).http;
        assert_eq!(rename(FirmwareFamily::V2_11), Support::Unsupported);
        assert_eq!(rename(FirmwareFamily::V1_30), Support::Supported);
        assert_eq!(rename(FirmwareFamily::V3x), Support::Unverified);
        assert_eq!(rename(FirmwareFamily::Unknown), Support::Unverified);
    }

    #[test]
    fn udp_only_family_has_no_http() {
        let status = FirmwareFamily::V5x.capability(Feature::Status);
        assert_eq!(status.http, Support::Unsupported);
        assert_eq!(status.v3, Support::Supported);
        assert!(!FirmwareFamily::V5x.has_http());
        assert!(FirmwareFamily::V2_11.has_http());
    }

    #[test]
    fn only_status_and_switch_exist_over_v3() {
        for feature in [Feature::Rename, Feature::Statistics, Feature::Rules] {
            let capability = FirmwareFamily::V1_30.capability(feature);
            assert_eq!(capability.v3, Support::Unsupported, "{feature:?}");
            assert_eq!(capability.http, Support::Supported, "{feature:?}");
        }
        assert!(
            FirmwareFamily::V2_11
                .capability(Feature::Switch)
                .v3
                .is_allowed()
        );
    }

    #[test]
    fn inferred_queries_stay_unverified_on_130() {
        let capability = FirmwareFamily::V1_30.capability(Feature::ReadRandomMode);
        assert_eq!(capability.http, Support::Unverified);
        let ids = FirmwareFamily::V1_30.capability(Feature::HardwareIds);
        assert_eq!(ids.http, Support::Unverified);
    }

    #[test]
    fn watt_format_expectation_follows_family_and_transport() {
        assert_eq!(
            FirmwareFamily::V1_30.expected_watt_format(false),
            Some(WattFormat::Watts)
        );
        assert_eq!(
            FirmwareFamily::V2_11.expected_watt_format(false),
            Some(WattFormat::Milliwatts)
        );
        assert_eq!(
            FirmwareFamily::V1_30.expected_watt_format(true),
            Some(WattFormat::Milliwatts)
        );
        assert_eq!(FirmwareFamily::V1_10.expected_watt_format(false), None);
    }
}
