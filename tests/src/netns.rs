//! Network namespaces for the broadcast cases: created with `ip`, entered with `setns` on
//! dedicated threads, and removed by a drop guard.
//!
//! The layout is one client namespace holding a bridge at 198.18.0.1/24 and one namespace
//! per simulated device, each joined to the bridge by a veth pair and addressed
//! 198.18.0.2, 198.18.0.3 and so on. 198.18.0.0/15 is reserved for benchmarking, so no real
//! network uses it. Nothing is created in the namespace the tests start in.

use std::fs::File;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use maxsmart_sim::{Profile, SimConfig, SimDevice};
use nix::sched::{CloneFlags, setns};
use tokio::sync::oneshot;

/// The client's address on the test network.
pub const CLIENT_IP: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 1);

/// The prefix length of the test network.
const PREFIX: u8 = 24;

/// Returns the address of device `index` on the test network.
pub fn device_ip(index: usize) -> Ipv4Addr {
    let host = u8::try_from(index + 2).expect("fewer than 250 devices");
    Ipv4Addr::new(198, 18, 0, host)
}

/// Returns whether `ip` lies in 198.18.0.0/15.
fn is_test_address(ip: Ipv4Addr) -> bool {
    let [first, second, ..] = ip.octets();
    first == 198 && (second & 0xfe) == 18
}

/// The namespaces of one test; dropping it deletes them all.
#[derive(Debug)]
pub struct Network {
    client: String,
    devices: Vec<String>,
}

impl Network {
    /// Creates the client namespace and `devices` device namespaces.
    ///
    /// Returns `None`, after saying why on standard error, where namespaces cannot be made:
    /// without root or without the `ip` command.
    pub fn create(devices: usize) -> Option<Network> {
        if !nix::unistd::geteuid().is_root() {
            eprintln!("skipped: network namespaces need root");
            return None;
        }
        if !ip_available() {
            eprintln!("skipped: the `ip` command (iproute2) is not installed");
            return None;
        }
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let prefix = format!(
            "mxs{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let network = Network {
            client: format!("{prefix}-c"),
            devices: (0..devices)
                .map(|index| format!("{prefix}-d{index}"))
                .collect(),
        };
        if let Err(error) = network.build() {
            eprintln!("skipped: network namespaces are not available here: {error}");
            return None;
        }
        Some(network)
    }

    /// Creates the namespaces, the bridge and the links. On failure the guard that the
    /// caller drops removes what was made.
    fn build(&self) -> Result<(), String> {
        ip(&["netns", "add", &self.client])?;

        let client = ["-n", self.client.as_str()];
        ip(&[&client[..], &["link", "set", "lo", "up"]].concat())?;
        ip(&[&client[..], &["link", "add", "br0", "type", "bridge"]].concat())?;
        let client_address = format!("{CLIENT_IP}/{PREFIX}");
        ip(&[
            &client[..],
            &["addr", "add", &client_address, "brd", "+", "dev", "br0"],
        ]
        .concat())?;
        ip(&[&client[..], &["link", "set", "br0", "up"]].concat())?;
        // The limited broadcast 255.255.255.255 leaves through the default route.
        ip(&[&client[..], &["route", "add", "default", "dev", "br0"]].concat())?;

        for (index, namespace) in self.devices.iter().enumerate() {
            ip(&["netns", "add", namespace])?;
            let port = format!("veth{index}");
            ip(&[
                &client[..],
                &["link", "add", &port, "type", "veth", "peer", "name", "eth0"],
                &["netns", namespace],
            ]
            .concat())?;
            ip(&[&client[..], &["link", "set", &port, "master", "br0", "up"]].concat())?;

            let device = ["-n", namespace.as_str()];
            ip(&[&device[..], &["link", "set", "lo", "up"]].concat())?;
            let address = format!("{}/{PREFIX}", device_ip(index));
            ip(&[
                &device[..],
                &["addr", "add", &address, "brd", "+", "dev", "eth0"],
            ]
            .concat())?;
            ip(&[&device[..], &["link", "set", "eth0", "up"]].concat())?;
        }
        Ok(())
    }

    /// Returns the client namespace's name.
    pub fn client(&self) -> &str {
        &self.client
    }

    /// Returns the name of device namespace `index`.
    pub fn device(&self, index: usize) -> &str {
        &self.devices[index]
    }

    /// Gives device `index` the address `new` in place of its current one, as a DHCP
    /// renewal would.
    pub fn readdress_device(&self, index: usize, old: Ipv4Addr, new: Ipv4Addr) {
        let device = ["-n", self.devices[index].as_str()];
        let old = format!("{old}/{PREFIX}");
        let new = format!("{new}/{PREFIX}");
        ip(&[&device[..], &["addr", "del", &old, "dev", "eth0"]].concat())
            .expect("removing the old address");
        ip(&[
            &device[..],
            &["addr", "add", &new, "brd", "+", "dev", "eth0"],
        ]
        .concat())
        .expect("adding the new address");
    }
}

impl Drop for Network {
    fn drop(&mut self) {
        for namespace in self.devices.iter().chain([&self.client]) {
            if let Err(error) = ip(&["netns", "del", namespace]) {
                eprintln!("could not delete network namespace {namespace}: {error}");
            }
        }
    }
}

/// Returns whether `ip` runs.
fn ip_available() -> bool {
    Command::new("ip")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Runs `ip` with `arguments`, returning its standard error on failure.
fn ip(arguments: &[&str]) -> Result<(), String> {
    let output = Command::new("ip")
        .args(arguments)
        .output()
        .map_err(|error| format!("ip {}: {error}", arguments.join(" ")))?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "ip {}: {}",
        arguments.join(" "),
        String::from_utf8_lossy(&output.stderr).trim()
    ))
}

/// Moves the calling thread into network namespace `name`.
fn enter(name: &str) {
    let path = format!("/run/netns/{name}");
    let file = File::open(&path).unwrap_or_else(|error| panic!("opening {path}: {error}"));
    setns(&file, CloneFlags::CLONE_NEWNET)
        .unwrap_or_else(|error| panic!("entering network namespace {name}: {error}"));
}

/// Runs `work` on a new thread inside network namespace `name` and returns its result.
///
/// Sockets belong to the namespace of the thread that creates them, so everything `work`
/// opens stays inside. A panic in `work` is raised again here.
pub fn run_in<T: Send + 'static>(name: &str, work: impl FnOnce() -> T + Send + 'static) -> T {
    let name = name.to_owned();
    let thread = thread::spawn(move || {
        enter(&name);
        assert_only_test_interfaces();
        work()
    });
    match thread.join() {
        Ok(output) => output,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Panics unless every IPv4 address this thread can see is loopback or in the test range,
/// so a broadcast can never leave the test network.
pub fn assert_only_test_interfaces() {
    let interfaces = if_addrs::get_if_addrs().expect("listing interfaces");
    for interface in interfaces {
        if let IpAddr::V4(ip) = interface.ip() {
            assert!(
                ip.is_loopback() || is_test_address(ip),
                "interface {} has {ip}, outside the test network; refusing to broadcast",
                interface.name
            );
        }
    }
}

/// A simulated device serving inside its own namespace, on ports 80 and 8888 of every
/// address there, so it hears broadcasts.
#[derive(Debug)]
pub struct NamespacedSim {
    device: Arc<SimDevice>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl NamespacedSim {
    /// Starts a device of `profile` with `serial` in namespace `name`.
    pub fn start(name: &str, profile: Profile, serial: &str) -> NamespacedSim {
        let any = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
        let config = SimConfig::new(profile)
            .serial(serial)
            .http_addr(SocketAddr::new(any, 80))
            .udp_addr(SocketAddr::new(any, 8888))
            .allow_non_loopback(true);
        let name = name.to_owned();
        let (ready_sender, ready) = std::sync::mpsc::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = thread::spawn(move || {
            enter(&name);
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("simulator runtime builds");
            runtime.block_on(async move {
                let device = SimDevice::start(config)
                    .await
                    .expect("simulator binds inside its namespace");
                let device = Arc::new(device);
                let _ = ready_sender.send(Arc::clone(&device));
                let _ = stopped.await;
            });
        });
        let device = ready.recv().expect("simulator thread reports its device");
        NamespacedSim {
            device,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// Returns the simulated device, to read its state and request log.
    pub fn device(&self) -> &SimDevice {
        &self.device
    }
}

impl Drop for NamespacedSim {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
