//! Fake identifiers of a simulated device: serial, MAC, `sak`, `regid` and hardware ids.

use crate::profile::Profile;

/// Identifiers a device reports in discovery and in command 124. All values are fake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Identity {
    /// Serial number (`sn`).
    pub(crate) serial: String,
    /// MAC address, lowercase, `xx:xx:xx:xx:xx:xx`.
    pub(crate) mac: String,
    /// Twelve-digit `sak`.
    pub(crate) sak: String,
    /// Revogi cloud registration id (`regid`).
    pub(crate) regid: String,
    /// CPU id, 24 hex digits (command 124).
    pub(crate) cpuid: String,
    /// `plcmac` of command 124.
    pub(crate) plcmac: String,
    /// `plcdak` of command 124, 16 digits.
    pub(crate) plcdak: String,
}

impl Identity {
    /// Builds the identifiers for `serial`.
    ///
    /// The default serial of a profile gets the values of that family's sample discovery reply,
    /// so default devices match the fixtures. Any other serial gets values derived from a hash
    /// of the serial, so different serials get different MAC addresses.
    pub(crate) fn new(profile: Profile, serial: &str) -> Self {
        let number = if serial == profile.default_serial() {
            fixture_number(profile)
        } else {
            hash_serial(serial) & 0xFF_FFFF_FFFF
        };
        let regid_number = match (profile, serial == profile.default_serial()) {
            (Profile::Strip511, true) => 2,
            (Profile::Strip349, true) => 3,
            _ => number % 1_000_000_000,
        };
        Identity {
            serial: serial.to_owned(),
            mac: mac_from_number(0x0200_0000_0000 | number),
            sak: format!("{:012}", number % 1_000_000_000_000),
            regid: format!("rvg{regid_number:09}"),
            cpuid: format!("{number:024x}"),
            plcmac: mac_from_number(0x0200_0000_0000 | (number + 0x10)),
            plcdak: format!("{:016}", number % 10_000_000_000_000_000),
        }
    }
}

/// Returns the identifier number used by the sample discovery reply of `profile`.
fn fixture_number(profile: Profile) -> u64 {
    match profile {
        Profile::Strip130 => 1,
        Profile::Plug130 => 2,
        Profile::Strip211 => 3,
        Profile::Strip511 => 5,
        Profile::Strip349 => 6,
    }
}

/// Returns the FNV-1a hash of `serial`.
fn hash_serial(serial: &str) -> u64 {
    serial.bytes().fold(0xCBF2_9CE4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01B3)
    })
}

/// Formats the low 48 bits of `number` as a MAC address.
fn mac_from_number(number: u64) -> String {
    let bytes = number.to_be_bytes();
    bytes[2..]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_strip_matches_fixture_identity() {
        let identity = Identity::new(Profile::Strip130, "SWP6000000000001");
        assert_eq!(identity.mac, "02:00:00:00:00:01");
        assert_eq!(identity.sak, "000000000001");
    }

    #[test]
    fn default_511_matches_fixture_identity() {
        let identity = Identity::new(Profile::Strip511, "SWW6000000000004");
        assert_eq!(identity.mac, "02:00:00:00:00:05");
        assert_eq!(identity.sak, "000000000005");
        assert_eq!(identity.regid, "rvg000000002");
    }

    #[test]
    fn other_serials_get_other_macs() {
        let first = Identity::new(Profile::Strip130, "SWP6000000000101");
        let second = Identity::new(Profile::Strip130, "SWP6000000000102");
        assert_ne!(first.mac, second.mac);
        assert_eq!(first.sak.len(), 12);
        assert_eq!(first.cpuid.len(), 24);
        assert_eq!(first.plcdak.len(), 16);
    }
}
