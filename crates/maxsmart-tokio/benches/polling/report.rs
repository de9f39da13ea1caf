//! The figures of one benchmark run and their printout.

use std::time::Duration;

use crate::probe::{Counts, Samples};
use crate::process::{CpuSplit, CpuTime, DescriptorLimit, Snapshot};
use crate::settings::{Settings, StartMode};

/// Figures from before polling started.
#[derive(Debug)]
pub struct Setup {
    pub limit: DescriptorLimit,
    pub fleet_start: Duration,
    pub connect: Duration,
    pub before_fleet: Snapshot,
    pub after_fleet: Snapshot,
    pub after_connect: Snapshot,
}

/// Figures from the measured window.
#[derive(Debug)]
pub struct Window {
    pub wall: Duration,
    pub counts: Counts,
    pub cpu: CpuTime,
    pub split: CpuSplit,
    /// CPUs busy on average over the whole machine, this process included.
    pub machine_busy_cpus: f64,
    pub machine_cpus: usize,
    pub samples: Samples,
    pub start: Snapshot,
    pub end: Snapshot,
    pub max_descriptors: usize,
    /// Tasks alive on the client runtime at the end of the window, from tokio's metrics.
    pub client_tasks: usize,
    pub load_start: String,
    pub load_end: String,
}

/// Events read from the merged event streams of every device over the whole run.
#[derive(Debug, Default)]
pub struct StreamTally {
    pub received: u64,
    pub dropped: u64,
}

/// Figures from the whole run and from after polling stopped and every device closed.
#[derive(Debug)]
pub struct Teardown {
    pub totals: Counts,
    pub streams: StreamTally,
    /// The sum of `live_tasks()` over every closed device.
    pub device_tasks_left: usize,
    /// Tasks alive on the client runtime after every device closed, from tokio's metrics,
    /// once they reach 0 or after a 1 s wait.
    pub client_tasks_left: usize,
    pub after_close: Snapshot,
    pub after_fleet_stop: Snapshot,
}

/// Every figure of one run.
#[derive(Debug)]
pub struct Report {
    pub setup: Setup,
    pub window: Window,
    pub teardown: Teardown,
}

impl Report {
    /// Returns whether any task outlived its device.
    pub fn tasks_left(&self) -> bool {
        self.teardown.device_tasks_left > 0 || self.teardown.client_tasks_left > 0
    }

    /// Prints the report on standard output.
    pub fn print(&self, settings: &Settings) {
        print_settings(settings, &self.setup);
        print_setup(&self.setup);
        print_window(settings, &self.window);
        print_resources(&self.setup, &self.window, &self.teardown);
        print_teardown(&self.teardown);
    }
}

fn line(label: &str, value: impl std::fmt::Display) {
    println!("  {label:<22}{value}");
}

fn print_settings(settings: &Settings, setup: &Setup) {
    let start = match settings.start {
        StartMode::Spread => "poll starts spread evenly over one interval",
        StartMode::Burst => "every device starts polling at once",
    };
    println!("maxsmart-tokio polling benchmark");
    line(
        "devices",
        format_args!(
            "{} simulated strip130 devices (ports 1, 3, 5 on) on 127.0.0.1, forced HTTP, one client Device each",
            settings.devices
        ),
    );
    line(
        "interval",
        format_args!("{}, {start}", seconds(settings.interval)),
    );
    line(
        "runtimes",
        "client and simulator on separate tokio multi-thread runtimes in this process",
    );
    line(
        "fd limit",
        format_args!(
            "soft {} (was {}), hard {}",
            setup.limit.soft, setup.limit.soft_before, setup.limit.hard
        ),
    );
}

fn print_setup(setup: &Setup) {
    println!("setup");
    line("fleet start", seconds(setup.fleet_start));
    line(
        "connect",
        format_args!("{} (one status read per device)", seconds(setup.connect)),
    );
}

fn print_window(settings: &Settings, window: &Window) {
    let counts = &window.counts;
    let expected =
        settings.devices as f64 * window.wall.as_secs_f64() / settings.interval.as_secs_f64();
    println!("measured window");
    line(
        "wall time",
        format_args!(
            "{} (load average {} at start, {} at end)",
            seconds(window.wall),
            window.load_start,
            window.load_end
        ),
    );
    line(
        "polls completed",
        format_args!(
            "{} (devices x window / interval = {expected:.0})",
            counts.polled
        ),
    );
    line("polls failed", counts.failed);
    line("change events", counts.changes);
    line(
        "poll latency",
        percentiles(&window.samples.latencies, Duration::ZERO),
    );
    line(
        "poll start lateness",
        percentiles(&window.samples.gaps, settings.interval),
    );
    print_runtime_calls(counts, window.client_tasks);
    print_cpu(window);
}

fn print_runtime_calls(counts: &Counts, client_tasks: usize) {
    let polls = (counts.polled + counts.failed).max(1) as f64;
    line(
        "runtime calls",
        format_args!(
            "{} connections, {} timers ({:.2} per poll), {} tasks spawned",
            counts.connects,
            counts.sleeps,
            counts.sleeps as f64 / polls,
            counts.spawns
        ),
    );
    line(
        "client tasks alive",
        format_args!("{client_tasks} at window end (tokio metrics, event reader included)"),
    );
}

fn print_cpu(window: &Window) {
    let share = |time: Duration| percent_of_core(time, window.wall);
    line(
        "process CPU",
        format_args!(
            "{} of one core (user {}, system {})",
            share(window.cpu.total()),
            seconds(window.cpu.user),
            seconds(window.cpu.system)
        ),
    );
    line("  client threads", share(window.split.client));
    line("  simulator threads", share(window.split.simulator));
    line("  main thread", share(window.split.other));
    let process = window.cpu.total().as_secs_f64() / window.wall.as_secs_f64();
    line(
        "machine CPU",
        format_args!(
            "{:.1}% of one core busy over all {} CPUs, {:.1}% outside this process",
            100.0 * window.machine_busy_cpus,
            window.machine_cpus,
            100.0 * (window.machine_busy_cpus - process).max(0.0)
        ),
    );
}

fn print_resources(setup: &Setup, window: &Window, teardown: &Teardown) {
    println!("resources");
    let stages = [
        ("before fleet", setup.before_fleet),
        ("after fleet start", setup.after_fleet),
        ("after connect", setup.after_connect),
        ("window start", window.start),
        ("window end", window.end),
        ("after close", teardown.after_close),
        ("after fleet stop", teardown.after_fleet_stop),
    ];
    for (stage, snapshot) in stages {
        line(
            stage,
            format_args!(
                "RSS {}, {} fds, {} threads",
                mebibytes(snapshot.rss_kib),
                snapshot.descriptors,
                snapshot.threads
            ),
        );
    }
    line(
        "peak RSS",
        mebibytes(teardown.after_fleet_stop.peak_rss_kib),
    );
    line("max fds in window", window.max_descriptors);
}

fn print_teardown(teardown: &Teardown) {
    let totals = &teardown.totals;
    println!("whole run");
    line(
        "events",
        format_args!(
            "{} to callbacks, {} read from streams, {} dropped by full streams",
            totals.polled + totals.failed + totals.changes,
            teardown.streams.received,
            teardown.streams.dropped
        ),
    );
    line(
        "HTTP requests",
        format_args!("{} sent by the client", totals.connects),
    );
    line(
        "tasks left",
        format_args!(
            "{} device tasks (live_tasks), {} tokio tasks on the client runtime",
            teardown.device_tasks_left, teardown.client_tasks_left
        ),
    );
}

/// Formats the percentiles of `samples`, each less `offset`.
fn percentiles(samples: &[Duration], offset: Duration) -> String {
    if samples.is_empty() {
        return "no samples".to_owned();
    }
    let mut sorted: Vec<Duration> = samples.iter().map(|s| s.saturating_sub(offset)).collect();
    sorted.sort_unstable();
    let at = |fraction: f64| {
        let rank = (fraction * (sorted.len() - 1) as f64).round() as usize;
        milliseconds(sorted[rank])
    };
    format!(
        "p50 {}, p90 {}, p99 {}, p99.9 {}, max {} ({} samples)",
        at(0.5),
        at(0.9),
        at(0.99),
        at(0.999),
        at(1.0),
        sorted.len()
    )
}

fn seconds(duration: Duration) -> String {
    format!("{:.3} s", duration.as_secs_f64())
}

fn milliseconds(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

fn mebibytes(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn percent_of_core(time: Duration, wall: Duration) -> String {
    format!("{:.1}%", 100.0 * time.as_secs_f64() / wall.as_secs_f64())
}
