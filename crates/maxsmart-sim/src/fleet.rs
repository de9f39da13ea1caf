//! Fleet: several simulated devices started and stopped together.

use std::io;
use std::net::{IpAddr, Ipv4Addr};

use crate::config::SimConfig;
use crate::device::SimDevice;
use crate::profile::Profile;

/// A group of simulated devices in one process.
///
/// Devices either share 127.0.0.1 with a port pair each, or get one loopback address each
/// (127.0.0.2, 127.0.0.3, ...) with the same ports, such as the real 80 and 8888.
#[derive(Debug, Default)]
pub struct Fleet {
    devices: Vec<SimDevice>,
}

impl Fleet {
    /// Starts one device per configuration, in order.
    ///
    /// # Errors
    ///
    /// Returns the first start error, after stopping the devices started before it.
    pub async fn start(configs: impl IntoIterator<Item = SimConfig>) -> io::Result<Fleet> {
        let mut fleet = Fleet::default();
        for config in configs {
            match SimDevice::start(config).await {
                Ok(device) => fleet.devices.push(device),
                Err(error) => {
                    fleet.stop().await;
                    return Err(error);
                }
            }
        }
        Ok(fleet)
    }

    /// Starts one device per profile on 127.0.0.1 with free ports and distinct serials.
    ///
    /// # Errors
    ///
    /// Returns the first start error, after stopping the devices started before it.
    pub async fn start_profiles(profiles: &[Profile]) -> io::Result<Fleet> {
        Fleet::start(
            profiles
                .iter()
                .enumerate()
                .map(|(index, profile)| SimConfig::numbered(*profile, index)),
        )
        .await
    }

    /// Starts one device per profile, device `i` on loopback address `first + i` with the
    /// given ports (for example 80 and 8888), and distinct serials.
    ///
    /// # Errors
    ///
    /// Returns `InvalidInput` when the addresses would leave 127.0.0.0/8, and otherwise the
    /// first start error, after stopping the devices started before it.
    pub async fn start_spread(
        profiles: &[Profile],
        first: Ipv4Addr,
        http_port: u16,
        udp_port: u16,
    ) -> io::Result<Fleet> {
        let configs = spread_configs(profiles, first, http_port, udp_port)?;
        Fleet::start(configs).await
    }

    /// Returns the devices in start order.
    pub fn devices(&self) -> &[SimDevice] {
        &self.devices
    }

    /// Returns the device at `index`.
    pub fn get(&self, index: usize) -> Option<&SimDevice> {
        self.devices.get(index)
    }

    /// Returns the number of devices.
    pub fn len(&self) -> usize {
        self.devices.len()
    }

    /// Returns whether the fleet has no devices.
    pub fn is_empty(&self) -> bool {
        self.devices.is_empty()
    }

    /// Stops every device and waits until all sockets are closed.
    pub async fn stop(self) {
        for device in self.devices {
            device.stop().await;
        }
    }
}

/// Builds configurations with consecutive loopback addresses starting at `first`.
fn spread_configs(
    profiles: &[Profile],
    first: Ipv4Addr,
    http_port: u16,
    udp_port: u16,
) -> io::Result<Vec<SimConfig>> {
    let base = u32::from(first);
    profiles
        .iter()
        .enumerate()
        .map(|(index, profile)| {
            let address = u32::try_from(index)
                .ok()
                .and_then(|offset| base.checked_add(offset))
                .map(Ipv4Addr::from)
                .filter(Ipv4Addr::is_loopback)
                .ok_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::InvalidInput,
                        format!("device {index} would get an address outside 127.0.0.0/8"),
                    )
                })?;
            Ok(SimConfig::numbered(*profile, index).ip(IpAddr::V4(address), http_port, udp_port))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_addresses_are_consecutive() {
        let profiles = [Profile::Strip130, Profile::Strip511];
        let configs = spread_configs(&profiles, Ipv4Addr::new(127, 0, 0, 2), 80, 8888).unwrap();
        assert_eq!(configs[0].udp_addr, "127.0.0.2:8888".parse().unwrap());
        assert_eq!(configs[1].http_addr, "127.0.0.3:80".parse().unwrap());
    }

    #[test]
    fn spread_stays_in_loopback() {
        let profiles = [Profile::Strip130, Profile::Strip130];
        let result = spread_configs(&profiles, Ipv4Addr::new(127, 255, 255, 255), 80, 8888);
        assert!(result.is_err());
    }
}
