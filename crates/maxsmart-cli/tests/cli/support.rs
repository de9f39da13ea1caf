//! Helpers: start a simulator, run the binary against it, parse its JSON.

use std::process::Stdio;
use std::time::Duration;

use maxsmart_sim::{LogEntry, Profile, SimConfig, SimDevice};
use serde_json::Value;

/// The result of one run of the binary.
#[derive(Debug)]
pub struct Run {
    /// The exit code; -1 when a signal ended the process.
    pub code: i32,
    /// Everything written to standard output.
    pub stdout: String,
    /// Everything written to standard error.
    pub stderr: String,
}

impl Run {
    /// Parses standard output as one JSON document.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|error| panic!("stdout is not JSON ({error}):\n{}", self.stdout))
    }

    /// Panics with both outputs unless the run exited with `code`.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Panics unless the run succeeded.
    #[track_caller]
    pub fn expect_success(&self) -> &Self {
        self.expect_code(0)
    }
}

/// Starts a simulator of `profile` on 127.0.0.1 with free ports.
pub async fn start(profile: Profile) -> SimDevice {
    start_with(SimConfig::new(profile)).await
}

/// Starts a simulator with `config`.
pub async fn start_with(config: SimConfig) -> SimDevice {
    SimDevice::start(config)
        .await
        .expect("the simulator binds free loopback ports")
}

/// Returns the options that point the binary at `simulator`, with a short timeout.
pub fn target(simulator: &SimDevice) -> Vec<String> {
    let mut args = vec![
        String::from("--host"),
        simulator.udp_addr().ip().to_string(),
        String::from("--udp-port"),
        simulator.udp_addr().port().to_string(),
        String::from("--timeout"),
        String::from("1"),
    ];
    match simulator.http_addr() {
        Some(http) => args.extend([String::from("--http-port"), http.port().to_string()]),
        // Without this the client would try HTTP on port 80 of 127.0.0.1, which the test
        // does not own.
        None => args.extend([String::from("--protocol"), String::from("udp")]),
    }
    args
}

/// Runs `maxsmart` with `args` followed by the options for `simulator`.
pub async fn run_on(simulator: &SimDevice, args: &[&str]) -> Run {
    let mut all: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    all.extend(target(simulator));
    run(&all).await
}

/// Runs `maxsmart` with `args` and no `MAXSMART_HOST`, and waits at most 60 s.
pub async fn run<S: AsRef<str>>(args: &[S]) -> Run {
    run_in(args, &[], None).await
}

/// Runs `maxsmart` with `args`, the variables `env` (and no other `MAXSMART_HOST`), in the
/// folder `cwd` when given, and waits at most 60 s.
pub async fn run_in<S: AsRef<str>>(
    args: &[S],
    env: &[(String, String)],
    cwd: Option<&std::path::Path>,
) -> Run {
    let mut command = command(args);
    if let Some(cwd) = cwd {
        command.current_dir(cwd);
    }
    command
        .envs(env.iter().map(|(name, value)| (name, value)))
        .env("NO_COLOR", "1");
    output(command).await
}

/// Runs `maxsmart` with `args` as a colour terminal would: `CLICOLOR_FORCE=1` and no
/// `NO_COLOR`, so `anstream` writes escape sequences to the pipe instead of removing them.
pub async fn run_with_colour<S: AsRef<str>>(args: &[S]) -> Run {
    let mut command = command(args);
    command.env_remove("NO_COLOR").env("CLICOLOR_FORCE", "1");
    output(command).await
}

/// Returns a command that runs `maxsmart` with `args`, without `MAXSMART_HOST` or `RUST_LOG`.
fn command<S: AsRef<str>>(args: &[S]) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_maxsmart"));
    command
        .args(args.iter().map(AsRef::as_ref))
        .env_remove("MAXSMART_HOST")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    command
}

/// Runs `command` and waits at most 60 s for it to end.
async fn output(mut command: tokio::process::Command) -> Run {
    let output = tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .expect("maxsmart ends within 60 s")
        .expect("maxsmart starts");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Returns the command numbers (HTTP and V3) the simulator received, in order.
pub fn commands(simulator: &SimDevice) -> Vec<u16> {
    simulator
        .requests()
        .iter()
        .filter_map(|entry: &LogEntry| entry.cmd)
        .collect()
}

/// Waits until the simulator has received command `command` at least `count` times, for at
/// most 20 s.
pub async fn wait_for_command(simulator: &SimDevice, command: u16, count: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while commands(simulator)
        .iter()
        .filter(|cmd| **cmd == command)
        .count()
        < count
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "command {command} not received {count} times"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
