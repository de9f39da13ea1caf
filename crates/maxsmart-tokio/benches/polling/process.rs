//! Readings of this process and machine: CPU time from `getrusage` and per thread from
//! `/proc/self/task/*/schedstat`, memory and thread count from `/proc/self/status`, open file
//! descriptors from `/proc/self/fd`, the file descriptor limit, and the machine's CPU time
//! and load from `/proc/stat` and `/proc/loadavg`.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::time::Duration;

use nix::sys::resource::{Resource, UsageWho, getrlimit, getrusage, setrlimit};
use nix::sys::time::TimeVal;

/// Thread name prefix of the client runtime's workers.
pub const CLIENT_THREAD: &str = "client-worker";
/// Thread name prefix of the simulator runtime's workers.
pub const SIMULATOR_THREAD: &str = "sim-worker";

/// The process's CPU time in user and kernel mode, from `getrusage(RUSAGE_SELF)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuTime {
    pub user: Duration,
    pub system: Duration,
}

impl CpuTime {
    /// Reads the CPU time used by every thread of the process so far, ended threads included.
    pub fn now() -> io::Result<CpuTime> {
        let usage = getrusage(UsageWho::RUSAGE_SELF).map_err(io::Error::from)?;
        Ok(CpuTime {
            user: duration_of(usage.user_time()),
            system: duration_of(usage.system_time()),
        })
    }

    /// Returns the CPU time `self`, read later, has over `earlier`.
    pub fn since(self, earlier: CpuTime) -> CpuTime {
        CpuTime {
            user: self.user.saturating_sub(earlier.user),
            system: self.system.saturating_sub(earlier.system),
        }
    }

    pub fn total(self) -> Duration {
        self.user + self.system
    }
}

fn duration_of(time: TimeVal) -> Duration {
    let seconds = u64::try_from(time.tv_sec()).unwrap_or(0);
    let micros = u64::try_from(time.tv_usec()).unwrap_or(0);
    Duration::from_secs(seconds) + Duration::from_micros(micros)
}

/// The time each live thread has spent on a CPU, keyed by thread id, with its name.
#[derive(Debug, Clone, Default)]
pub struct ThreadTimes(HashMap<u32, (String, Duration)>);

/// CPU time split by the runtime the threads belong to.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuSplit {
    pub client: Duration,
    pub simulator: Duration,
    /// The main thread, which runs the benchmark's own loop, readings and log clearing, and
    /// any thread with another name.
    pub other: Duration,
}

impl ThreadTimes {
    /// Reads the first field of every thread's `schedstat`: nanoseconds on a CPU, user and
    /// kernel mode together.
    pub fn now() -> io::Result<ThreadTimes> {
        let mut threads = HashMap::new();
        for entry in fs::read_dir("/proc/self/task")? {
            let path = entry?.path();
            let Some(id) = path
                .file_name()
                .and_then(|name| name.to_str()?.parse().ok())
            else {
                continue;
            };
            // A thread that ended after the directory was listed has no files left.
            let (Ok(name), Ok(schedstat)) = (
                fs::read_to_string(path.join("comm")),
                fs::read_to_string(path.join("schedstat")),
            ) else {
                continue;
            };
            let nanos = schedstat
                .split_whitespace()
                .next()
                .and_then(|field| field.parse().ok())
                .ok_or_else(|| invalid_data(format!("invalid schedstat `{schedstat}`")))?;
            threads.insert(id, (name.trim().to_owned(), Duration::from_nanos(nanos)));
        }
        Ok(ThreadTimes(threads))
    }

    /// Splits the CPU time each thread alive now used since `earlier` by thread name.
    pub fn split_since(&self, earlier: &ThreadTimes) -> CpuSplit {
        let mut split = CpuSplit::default();
        for (id, (name, time)) in &self.0 {
            let before = earlier.0.get(id).map_or(Duration::ZERO, |(_, time)| *time);
            let used = time.saturating_sub(before);
            if name.starts_with(CLIENT_THREAD) {
                split.client += used;
            } else if name.starts_with(SIMULATOR_THREAD) {
                split.simulator += used;
            } else {
                split.other += used;
            }
        }
        split
    }
}

/// Memory, thread and file descriptor figures read at one moment.
#[derive(Debug, Clone, Copy, Default)]
pub struct Snapshot {
    /// Resident set size, in KiB (`VmRSS`).
    pub rss_kib: u64,
    /// Peak resident set size since the process started, in KiB (`VmHWM`).
    pub peak_rss_kib: u64,
    /// OS threads (`Threads`).
    pub threads: u64,
    /// Open file descriptors.
    pub descriptors: usize,
}

impl Snapshot {
    pub fn now() -> io::Result<Snapshot> {
        let status = fs::read_to_string("/proc/self/status")?;
        Ok(Snapshot {
            rss_kib: status_field(&status, "VmRSS")?,
            peak_rss_kib: status_field(&status, "VmHWM")?,
            threads: status_field(&status, "Threads")?,
            descriptors: open_descriptors()?,
        })
    }
}

/// Reads the first number of the `name:` line of `/proc/self/status`.
fn status_field(status: &str, name: &str) -> io::Result<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| invalid_data(format!("/proc/self/status has no valid `{name}` line")))
}

/// Counts the entries of `/proc/self/fd`, less the one that lists them.
fn open_descriptors() -> io::Result<usize> {
    let listed = fs::read_dir("/proc/self/fd")?.count();
    Ok(listed.saturating_sub(1))
}

/// The soft and hard limits on open file descriptors.
#[derive(Debug, Clone, Copy)]
pub struct DescriptorLimit {
    /// The soft limit before this process raised it.
    pub soft_before: u64,
    /// The soft limit in force now.
    pub soft: u64,
    pub hard: u64,
}

/// Raises the soft `RLIMIT_NOFILE` to the hard limit.
pub fn raise_descriptor_limit() -> io::Result<DescriptorLimit> {
    let (soft_before, hard) = getrlimit(Resource::RLIMIT_NOFILE).map_err(io::Error::from)?;
    if soft_before < hard {
        setrlimit(Resource::RLIMIT_NOFILE, hard, hard).map_err(io::Error::from)?;
    }
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).map_err(io::Error::from)?;
    Ok(DescriptorLimit {
        soft_before,
        soft,
        hard,
    })
}

/// The CPU time of the whole machine from the `cpu` line of `/proc/stat`, in clock ticks.
#[derive(Debug, Clone, Copy, Default)]
pub struct MachineTime {
    /// Ticks in every state, idle included, summed over all CPUs.
    pub total: u64,
    /// Ticks outside the idle and I/O wait states, summed over all CPUs.
    pub busy: u64,
    /// The number of CPUs listed.
    pub cpus: usize,
}

impl MachineTime {
    pub fn now() -> io::Result<MachineTime> {
        let stat = fs::read_to_string("/proc/stat")?;
        let ticks: Vec<u64> = stat
            .lines()
            .find_map(|line| line.strip_prefix("cpu "))
            .map(|fields| {
                fields
                    .split_whitespace()
                    .filter_map(|f| f.parse().ok())
                    .collect()
            })
            .unwrap_or_default();
        // The fields are user, nice, system, idle, iowait, irq, softirq, steal and two guest
        // times that user and nice already include.
        if ticks.len() < 8 {
            return Err(invalid_data(
                "/proc/stat has no valid `cpu` line".to_owned(),
            ));
        }
        let total: u64 = ticks[..8].iter().sum();
        let cpus = stat
            .lines()
            .filter(|line| line.starts_with("cpu") && !line.starts_with("cpu "))
            .count();
        Ok(MachineTime {
            total,
            busy: total - ticks[3] - ticks[4],
            cpus,
        })
    }

    /// Returns how many CPUs were busy on average between `earlier` and `self`.
    pub fn busy_cpus_since(self, earlier: MachineTime) -> f64 {
        let total = self.total.saturating_sub(earlier.total);
        let busy = self.busy.saturating_sub(earlier.busy);
        if total == 0 {
            return 0.0;
        }
        self.cpus as f64 * busy as f64 / total as f64
    }
}

/// Returns the 1, 5 and 15 minute load averages from `/proc/loadavg`.
pub fn load_average() -> io::Result<String> {
    let text = fs::read_to_string("/proc/loadavg")?;
    let averages: Vec<&str> = text.split_whitespace().take(3).collect();
    Ok(averages.join(" "))
}

fn invalid_data(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}
