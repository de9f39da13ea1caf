//! Firmware profiles: the replies each simulated device family sends and the commands it handles.

use std::fmt;
use std::str::FromStr;

/// Firmware family of a simulated device.
///
/// Each profile replies only to the requests that public sources show its family handling. Where
/// the sources are silent the profile picks the conservative behaviour, and the code marks that
/// choice as inferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profile {
    /// MaxSmart Power Station, 6 ports, firmware 1.30: HTTP with the full command set, watts and
    /// amperes as decimal strings, port names in discovery.
    Strip130,
    /// MaxSmart Smart Plug, 1 port, firmware 1.30: as [`Profile::Strip130`] but without `pname`
    /// in discovery and with a `null` statistics date.
    Plug130,
    /// MaxSmart Power Station, 6 ports, firmware 2.11: HTTP switch and status only, integer
    /// milliwatts and milliamperes, no names and no statistics.
    Strip211,
    /// Revogi SOW323 strip, 6 ports, firmware 3.49: HTTP switch and status only, integer
    /// milliwatts, Revogi-style discovery reply.
    Strip349,
    /// Revogi strip, 6 ports, firmware 5.11: UDP only (discovery and V3 commands 20 and 90), no
    /// TCP listener.
    Strip511,
}

/// Encoding of power and current readings in status replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadingFormat {
    /// Decimal strings: watts with two decimals, amperes with one decimal (`"15.20"`, `"0.1"`).
    DecimalStrings,
    /// Integers in milliwatts and milliamperes.
    MilliUnits,
}

/// Key layout of the discovery reply `data` object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscoveryLayout {
    /// MaxSmart 1.30: `sn`, `name`, `pname`, `mac`, `sak`, `ver`, `register`, `nver`, `protect`.
    MaxSmart130,
    /// MaxSmart 2.11 minimum: `sn`, `name`, `ver`, `mac`, `sak`.
    Minimal,
    /// Revogi 1.06 and 3.49: `sn`, `name`, `regid`, `ver`, `mac`, `sak`, `active`, `resettime`.
    Revogi,
    /// Revogi 5.11: `sn`, `regid`, `sak`, `name`, `mac`, `ver`.
    Revogi511,
}

impl Profile {
    /// Returns every profile, in a stable order.
    pub fn all() -> [Profile; 5] {
        [
            Profile::Strip130,
            Profile::Plug130,
            Profile::Strip211,
            Profile::Strip349,
            Profile::Strip511,
        ]
    }

    /// Returns the profile's command-line name, such as `strip130`.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Strip130 => "strip130",
            Profile::Plug130 => "plug130",
            Profile::Strip211 => "strip211",
            Profile::Strip349 => "strip349",
            Profile::Strip511 => "strip511",
        }
    }

    /// Returns a one-line description for help texts.
    pub fn description(self) -> &'static str {
        match self {
            Profile::Strip130 => "MaxSmart Power Station, 6 ports, firmware 1.30, HTTP",
            Profile::Plug130 => "MaxSmart Smart Plug, 1 port, firmware 1.30, HTTP",
            Profile::Strip211 => "MaxSmart Power Station, 6 ports, firmware 2.11, HTTP",
            Profile::Strip349 => "Revogi SOW323 strip, 6 ports, firmware 3.49, HTTP",
            Profile::Strip511 => "Revogi strip, 6 ports, firmware 5.11, UDP V3 only",
        }
    }

    /// Returns the firmware version string sent in discovery (`ver`).
    pub fn firmware(self) -> &'static str {
        match self {
            Profile::Strip130 | Profile::Plug130 => "1.30",
            Profile::Strip211 => "2.11",
            Profile::Strip349 => "3.49",
            Profile::Strip511 => "5.11",
        }
    }

    /// Returns the number of switchable ports.
    pub fn port_count(self) -> usize {
        match self {
            Profile::Plug130 => 1,
            _ => 6,
        }
    }

    /// Returns the fake default serial number, 16 characters like a real one.
    pub fn default_serial(self) -> &'static str {
        match self {
            Profile::Strip130 => "SWP6000000000001",
            Profile::Plug130 => "SWP1000000000001",
            Profile::Strip211 => "SWP6000000000002",
            Profile::Strip349 => "SWW6000000000006",
            Profile::Strip511 => "SWW6000000000004",
        }
    }

    /// Returns the factory device name sent as discovery `name` by a device with `serial`.
    ///
    /// Revogi 3.49 strips name themselves after the last four digits of the serial, as the
    /// Revogi discovery sample (`Revogi-0006`) suggests (inferred).
    pub fn default_device_name(self, serial: &str) -> String {
        match self {
            Profile::Strip130 | Profile::Strip211 => "STRIP".to_owned(),
            // NOTE: inferred. No source shows the factory name of a 1.30 plug.
            Profile::Plug130 => "PLUG".to_owned(),
            Profile::Strip349 => {
                let start = serial.len().saturating_sub(4);
                let suffix = serial.get(start..).unwrap_or(serial);
                format!("Revogi-{suffix}")
            }
            Profile::Strip511 => "Strip".to_owned(),
        }
    }

    /// Returns whether the device listens for HTTP commands on TCP.
    pub fn has_http(self) -> bool {
        self != Profile::Strip511
    }

    /// Returns whether the device replies to V3 datagrams (commands 20 and 90).
    ///
    /// Firmware 2.11 handles them "partly" according to the python library README. Whether 1.30
    /// and 3.49 handle V3 on the LAN is unknown, so those profiles stay silent (inferred).
    pub fn has_v3(self) -> bool {
        matches!(self, Profile::Strip211 | Profile::Strip511)
    }

    /// Returns the encoding of power and current readings.
    pub fn reading_format(self) -> ReadingFormat {
        match self {
            Profile::Strip130 | Profile::Plug130 => ReadingFormat::DecimalStrings,
            _ => ReadingFormat::MilliUnits,
        }
    }

    /// Returns the key layout of the discovery reply.
    pub fn discovery_layout(self) -> DiscoveryLayout {
        match self {
            Profile::Strip130 | Profile::Plug130 => DiscoveryLayout::MaxSmart130,
            Profile::Strip211 => DiscoveryLayout::Minimal,
            Profile::Strip349 => DiscoveryLayout::Revogi,
            Profile::Strip511 => DiscoveryLayout::Revogi511,
        }
    }

    /// Returns whether discovery carries the port names (`pname`).
    pub fn sends_port_names(self) -> bool {
        self == Profile::Strip130
    }

    /// Returns whether the profile handles the HTTP command `cmd`.
    ///
    /// Commands outside this list get a `code` 400 reply. Only firmware 1.30 is documented for
    /// 120, 124 and 201 to 516. For 2.11 and 3.49 the sources show only 200 and 511 working, so
    /// the simulator rejects everything else there (inferred). 517 has no published reply on
    /// any firmware and is rejected everywhere (inferred).
    pub fn supports_http_command(self, cmd: u16) -> bool {
        match self {
            Profile::Strip130 | Profile::Plug130 => matches!(
                cmd,
                120 | 124
                    | 200
                    | 201
                    | 202
                    | 204
                    | 205
                    | 206
                    | 207
                    | 502
                    | 510
                    | 511
                    | 512
                    | 513
                    | 515
                    | 516
            ),
            Profile::Strip211 | Profile::Strip349 => matches!(cmd, 200 | 511),
            Profile::Strip511 => false,
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Error returned when a profile name is not recognised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown profile `{0}`, expected one of strip130, plug130, strip211, strip349, strip511")]
pub struct UnknownProfile(pub String);

impl FromStr for Profile {
    type Err = UnknownProfile;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let requested = text.trim().to_ascii_lowercase();
        Profile::all()
            .into_iter()
            .find(|profile| profile.name() == requested)
            .ok_or_else(|| UnknownProfile(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for profile in Profile::all() {
            assert_eq!(profile.name().parse::<Profile>(), Ok(profile));
        }
    }

    #[test]
    fn unknown_name_is_rejected() {
        let error = "strip999".parse::<Profile>().unwrap_err();
        assert!(error.to_string().contains("strip999"));
    }

    #[test]
    fn serials_have_sixteen_characters() {
        for profile in Profile::all() {
            assert_eq!(profile.default_serial().len(), 16, "{profile}");
        }
    }

    #[test]
    fn only_130_supports_statistics() {
        assert!(Profile::Strip130.supports_http_command(510));
        assert!(Profile::Plug130.supports_http_command(510));
        assert!(!Profile::Strip211.supports_http_command(510));
        assert!(!Profile::Strip349.supports_http_command(201));
        assert!(!Profile::Strip511.supports_http_command(511));
    }
}
