//! Measures the cost of polling many simulated devices from one process with `maxsmart-tokio`.
//!
//! The benchmark starts N simulated 6-port strips (firmware 1.30, HTTP, ports 1, 3 and 5 on)
//! on 127.0.0.1 and connects one client `Device` to each with the HTTP protocol forced. It
//! starts polling on all of them and measures a fixed window of wall time: polls, failures,
//! events, poll latency, CPU time, memory, file descriptors and threads. It then stops
//! polling, closes every device and the simulators, and reports the tasks left. It sends
//! traffic to 127.0.0.1 only.
//!
//! The simulators run in this process on a tokio runtime of their own, so their CPU time
//! appears in the process total and is split out by thread name. `--help` lists the options.
//!
//! ```sh
//! cargo bench -p maxsmart-tokio --bench polling -- --devices 100 --interval 1 --duration 20
//! ```

#[path = "polling/probe.rs"]
mod probe;
#[path = "polling/process.rs"]
mod process;
#[path = "polling/report.rs"]
mod report;
#[path = "polling/settings.rs"]
mod settings;

use std::io;
use std::net::IpAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::channel::oneshot;
use futures::future::{Either, FutureExt, join_all, select};
use futures::stream::{self, SelectAll, StreamExt, TryStreamExt};
use maxsmart_client::{Device, DeviceBuilder, LiveTasks};
use maxsmart_sim::{Fleet, Profile, SimConfig, SimDevice};
use maxsmart_tokio::{EventStream, PollConfig, ProtocolChoice};

use self::probe::{Counts, Measured, Probe};
use self::process::{CLIENT_THREAD, CpuTime, MachineTime, SIMULATOR_THREAD, Snapshot, ThreadTimes};
use self::report::{Report, Setup, StreamTally, Teardown, Window};
use self::settings::{Request, Settings, StartMode, USAGE};

/// The simulated device type: a 6-port strip that serves every HTTP command.
const PROFILE: Profile = Profile::Strip130;
/// The switch states of every simulated device at start, port 1 first: ports with a load
/// report changing power, so polls decode non-zero readings.
const SWITCHES: [bool; 6] = [true, false, true, false, true, false];
/// How many devices connect at once during setup.
const CONNECT_CONCURRENCY: usize = 64;
/// File descriptors per device: the simulator's TCP listener and UDP socket, and during a
/// poll the client's connection and the simulator's accepted one.
const DESCRIPTORS_PER_DEVICE: u64 = 4;
/// File descriptors kept free for the runtimes, standard streams and `/proc` readings.
const DESCRIPTOR_RESERVE: u64 = 64;
/// The pause between two descriptor counts, and between two clearings of the simulator's
/// request logs, in the measured window.
const SAMPLE_PERIOD: Duration = Duration::from_secs(1);

/// The maximum wait for tokio to release the tasks of closed devices.
const TASK_RELEASE_WAIT: Duration = Duration::from_secs(1);

type BenchDevice = Device<Measured>;

fn main() -> ExitCode {
    let settings = match Settings::parse(std::env::args().skip(1)) {
        Ok(Request::Run(settings)) => settings,
        Ok(Request::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&settings) {
        Ok(report) => {
            report.print(&settings);
            if report.tasks_left() {
                eprintln!("error: tasks outlived their devices");
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: polling benchmark failed: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the whole benchmark: simulators, clients, the measured window and the teardown.
fn run(settings: &Settings) -> io::Result<Report> {
    let limit = process::raise_descriptor_limit()?;
    check_descriptor_budget(settings.devices, limit.soft)?;
    let before_fleet = Snapshot::now()?;
    let simulator = build_runtime(SIMULATOR_THREAD)?;
    let client = build_runtime(CLIENT_THREAD)?;

    let started = Instant::now();
    let configs =
        (0..settings.devices).map(|index| SimConfig::numbered(PROFILE, index).switches(&SWITCHES));
    let fleet = simulator.block_on(Fleet::start(configs))?;
    let fleet_start = started.elapsed();
    let after_fleet = Snapshot::now()?;

    let outcome = client.block_on(poll_fleet(settings, &fleet, &client));
    simulator.block_on(fleet.stop());
    let after_fleet_stop = Snapshot::now()?;
    client.shutdown_timeout(Duration::from_secs(1));
    simulator.shutdown_timeout(Duration::from_secs(1));

    let client_run = outcome?;
    Ok(Report {
        setup: Setup {
            limit,
            fleet_start,
            connect: client_run.connect,
            before_fleet,
            after_fleet,
            after_connect: client_run.after_connect,
        },
        window: client_run.window,
        teardown: Teardown {
            totals: client_run.totals,
            streams: client_run.streams,
            device_tasks_left: client_run.device_tasks_left,
            client_tasks_left: client_run.client_tasks_left,
            after_close: client_run.after_close,
            after_fleet_stop,
        },
    })
}

/// Fails early when the soft descriptor limit cannot hold every socket of the run.
fn check_descriptor_budget(devices: usize, soft_limit: u64) -> io::Result<()> {
    let needed = devices as u64 * DESCRIPTORS_PER_DEVICE + DESCRIPTOR_RESERVE;
    if needed <= soft_limit {
        return Ok(());
    }
    Err(io::Error::other(format!(
        "{devices} devices need about {needed} file descriptors but the limit is \
         {soft_limit}; raise the hard limit (ulimit -Hn) or use fewer devices"
    )))
}

fn build_runtime(thread_name: &str) -> io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .thread_name(thread_name)
        .enable_all()
        .build()
}

/// The addresses of one simulated device.
#[derive(Debug, Clone, Copy)]
struct Target {
    ip: IpAddr,
    http_port: u16,
    udp_port: u16,
}

impl Target {
    fn of(device: &SimDevice) -> Target {
        let http = device.http_addr().expect("firmware 1.30 serves HTTP");
        Target {
            ip: http.ip(),
            http_port: http.port(),
            udp_port: device.udp_addr().port(),
        }
    }
}

/// The figures of the client side of one run.
#[derive(Debug)]
struct ClientRun {
    connect: Duration,
    after_connect: Snapshot,
    window: Window,
    totals: Counts,
    streams: StreamTally,
    device_tasks_left: usize,
    client_tasks_left: usize,
    after_close: Snapshot,
}

/// Connects to every target, polls for the measured window and closes every device.
async fn poll_fleet(
    settings: &Settings,
    fleet: &Fleet,
    client: &tokio::runtime::Runtime,
) -> io::Result<ClientRun> {
    let targets: Vec<Target> = fleet.devices().iter().map(Target::of).collect();
    let runtime = Measured::default();
    let probe = Arc::clone(runtime.probe());
    let started = Instant::now();
    let devices = connect_all(&runtime, &targets).await?;
    let connect = started.elapsed();
    let after_connect = Snapshot::now()?;

    for device in &devices {
        let probe = Arc::clone(&probe);
        device.on_event(move |event| probe.observe(event));
    }
    let streams = stream::select_all(devices.iter().map(Device::events));
    let (stop_reader, stop) = oneshot::channel();
    let reader = tokio::spawn(read_events(streams, stop));

    start_polling(&devices, settings).await;
    tokio::time::sleep(settings.interval).await;
    let window = measure_window(settings, fleet, &probe, client.handle()).await?;

    join_all(devices.iter().map(Device::stop_polling)).await;
    // The send fails only when the reader has already ended, so nothing is left to stop.
    let _ = stop_reader.send(());
    let streams = reader.await.map_err(io::Error::other)?;
    let live: Vec<LiveTasks> = devices.iter().map(Device::live_tasks).collect();
    join_all(devices.into_iter().map(Device::close)).await;

    Ok(ClientRun {
        connect,
        after_connect,
        window,
        totals: probe.counts(),
        streams,
        device_tasks_left: live.iter().map(LiveTasks::count).sum(),
        client_tasks_left: settled_task_count(client.handle()).await,
        after_close: Snapshot::now()?,
    })
}

/// Waits up to [`TASK_RELEASE_WAIT`] for the runtime of `client` to release every task and
/// returns how many are still alive.
///
/// Tokio counts a task until a worker releases it, which happens just after the task's
/// future is dropped. A device reports its task ended at the drop, so the count can lag.
async fn settled_task_count(client: &tokio::runtime::Handle) -> usize {
    let deadline = Instant::now() + TASK_RELEASE_WAIT;
    loop {
        let alive = client.metrics().num_alive_tasks();
        if alive == 0 || Instant::now() >= deadline {
            return alive;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// Connects one device per target, a few at a time, with the HTTP protocol forced.
async fn connect_all(runtime: &Measured, targets: &[Target]) -> io::Result<Vec<BenchDevice>> {
    stream::iter(targets.iter().copied())
        .map(|target| {
            DeviceBuilder::new(runtime.clone(), target.ip)
                .http_port(target.http_port)
                .udp_port(target.udp_port)
                .protocol(ProtocolChoice::Http)
                .connect()
        })
        .buffer_unordered(CONNECT_CONCURRENCY)
        .map_err(io::Error::other)
        .try_collect()
        .await
}

/// Starts polling on every device, spread over one interval or all at once.
async fn start_polling(devices: &[BenchDevice], settings: &Settings) {
    let config = PollConfig {
        interval: settings.interval,
        ..PollConfig::default()
    };
    let first = tokio::time::Instant::now();
    for (index, device) in devices.iter().enumerate() {
        if settings.start == StartMode::Spread {
            let offset = settings
                .interval
                .mul_f64(index as f64 / devices.len() as f64);
            tokio::time::sleep_until(first + offset).await;
        }
        device.start_polling(config).await;
    }
}

/// Reads events from every device until `stop` fires, then takes the ones already queued.
async fn read_events(
    mut streams: SelectAll<EventStream>,
    mut stop: oneshot::Receiver<()>,
) -> StreamTally {
    let mut tally = StreamTally::default();
    while let Either::Left((Some(_event), _)) = select(streams.next(), &mut stop).await {
        tally.received += 1;
    }
    while let Some(Some(_event)) = streams.next().now_or_never() {
        tally.received += 1;
    }
    tally.dropped = streams.iter().map(EventStream::dropped).sum();
    tally
}

/// Empties the request log of every simulated device.
///
/// Each simulated device keeps up to 10,000 requests in its log by default. Without clearing,
/// the logs grow RSS by about 0.9 KiB per poll until they are full.
fn clear_request_logs(fleet: &Fleet) {
    for device in fleet.devices() {
        device.clear_requests();
    }
}

/// Records the counts, CPU time and resources of one window of `settings.duration`.
async fn measure_window(
    settings: &Settings,
    fleet: &Fleet,
    probe: &Probe,
    client: &tokio::runtime::Handle,
) -> io::Result<Window> {
    let load_start = process::load_average()?;
    clear_request_logs(fleet);
    let start = Snapshot::now()?;
    let counts_before = probe.counts();
    let cpu_before = CpuTime::now()?;
    let threads_before = ThreadTimes::now()?;
    let machine_before = MachineTime::now()?;
    let started = tokio::time::Instant::now();
    probe.set_recording(true);

    let end = started + settings.duration;
    let mut max_descriptors = start.descriptors;
    let mut next_sample = started + SAMPLE_PERIOD;
    while next_sample < end {
        tokio::time::sleep_until(next_sample).await;
        clear_request_logs(fleet);
        max_descriptors = max_descriptors.max(Snapshot::now()?.descriptors);
        next_sample += SAMPLE_PERIOD;
    }
    tokio::time::sleep_until(end).await;

    probe.set_recording(false);
    let wall = started.elapsed();
    let cpu = CpuTime::now()?.since(cpu_before);
    let split = ThreadTimes::now()?.split_since(&threads_before);
    let machine = MachineTime::now()?;
    let counts = probe.counts().since(counts_before);
    let end = Snapshot::now()?;
    Ok(Window {
        wall,
        counts,
        cpu,
        split,
        machine_busy_cpus: machine.busy_cpus_since(machine_before),
        machine_cpus: machine.cpus,
        samples: probe.take_samples(),
        start,
        max_descriptors: max_descriptors.max(end.descriptors),
        end,
        client_tasks: client.metrics().num_alive_tasks(),
        load_start,
        load_end: process::load_average()?,
    })
}
