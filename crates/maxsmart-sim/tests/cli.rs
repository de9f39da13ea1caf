//! The `maxsmart-sim` binary: start two devices, talk to them, stop with SIGINT, read the log.

#[path = "support/client.rs"]
mod client;

use std::net::SocketAddr;
use std::process::Stdio;

use client::{LIMIT, udp_request};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use tokio::time::timeout;

/// Returns the address after `key=` in a device line such as `strip130 SN http=A udp=B`.
fn field(line: &str, key: &str) -> Option<SocketAddr> {
    line.split_whitespace()
        .find_map(|word| word.strip_prefix(key))
        .and_then(|addr| addr.parse().ok())
}

#[tokio::test]
async fn binary_serves_devices_until_interrupted() {
    let log = std::env::temp_dir().join(format!("maxsmart-sim-cli-{}.jsonl", std::process::id()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_maxsmart-sim"))
        .args([
            "--profile",
            "strip130",
            "--profile",
            "strip511",
            "--fault",
            "wrong-response",
        ])
        .arg("--log")
        .arg(&log)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn the binary");

    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut devices = Vec::new();
    for _ in 0..2 {
        let line = timeout(LIMIT, lines.next_line())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        devices.push(line);
    }
    assert!(
        devices[0].starts_with("strip130 SWP6000000000001 http=127.0.0.1:"),
        "{}",
        devices[0]
    );
    assert!(
        devices[1].starts_with("strip511 SWW6511000000002 http=none udp="),
        "{}",
        devices[1]
    );

    let udp = field(&devices[0], "udp=").expect("udp address");
    let reply: Value = serde_json::from_str(&udp_request(udp, "00dv=all;").await).unwrap();
    assert_eq!(reply["response"], 1, "wrong-response fault applies");

    let pid = child.id().expect("running child").to_string();
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = timeout(LIMIT, child.wait()).await.unwrap().unwrap();
    assert!(exit.success(), "{exit}");

    let text = std::fs::read_to_string(&log).unwrap();
    std::fs::remove_file(&log).ok();
    let entry: Value = serde_json::from_str(text.lines().next().expect("one line")).unwrap();
    assert_eq!(entry["kind"], "discovery");
    assert_eq!(entry["raw"], "00dv=all;");
}

#[tokio::test]
async fn help_lists_profiles_and_faults() {
    let output = Command::new(env!("CARGO_BIN_EXE_maxsmart-sim"))
        .arg("--help")
        .output()
        .await
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for name in ["strip130", "plug130", "strip211", "strip349", "strip511"] {
        assert!(help.contains(name), "{name} missing from help");
    }
    for name in [
        "latency=DURATION",
        "truncated-json",
        "keep-alive-refusal",
        "integer-watts",
        "switch-lag=N",
        "switch-ignored",
    ] {
        assert!(help.contains(name), "{name} missing from help");
    }
}

#[tokio::test]
async fn unknown_fault_is_an_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_maxsmart-sim"))
        .args(["--fault", "explode"])
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    let message = String::from_utf8(output.stderr).unwrap();
    assert!(message.contains("explode"), "{message}");
}
