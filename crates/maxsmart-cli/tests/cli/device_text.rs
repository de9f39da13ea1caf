//! Text from the device: escape sequences and other control characters in names never reach
//! the terminal, and JSON keeps the names exactly.
//!
//! The binary runs with `CLICOLOR_FORCE=1`, as on a colour terminal, because `anstream` would
//! otherwise remove escape sequences from a pipe and hide the problem.

use maxsmart_sim::{Profile, SimDevice};

use crate::support::{Run, run_on, run_with_colour, start, target};

const PORT_NAME: &str = "\u{1b}[31mEvil\u{7}";
const DEVICE_NAME: &str = "Salon\u{9b}2J\u{202E}";

/// Starts a strip whose device name and port 1 name carry control characters.
async fn hostile_strip() -> SimDevice {
    let strip = start(Profile::Strip130).await;
    strip
        .with_state(|model, _| {
            model.set_device_name(DEVICE_NAME);
            model.set_port_name(1, PORT_NAME)
        })
        .expect("port 1 exists");
    strip
}

/// Runs `args` against `strip` as on a colour terminal.
async fn run_coloured(strip: &SimDevice, args: &[&str]) -> Run {
    let mut all: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    all.extend(target(strip));
    run_with_colour(&all).await
}

#[track_caller]
fn assert_no_control_characters(text: &str) {
    let found: Vec<char> = text
        .chars()
        .filter(|c| (c.is_control() && *c != '\n') || *c == '\u{202E}')
        .collect();
    assert!(found.is_empty(), "{found:?} in {text:?}");
}

#[tokio::test]
async fn tables_replace_control_characters() {
    let strip = hostile_strip().await;
    for args in [
        &["status"][..],
        &["names"],
        &["on", "1"],
        &["ids"],
        &["health"],
    ] {
        let run = run_coloured(&strip, args).await;
        run.expect_success();
        assert_no_control_characters(&run.stdout);
        assert!(!run.stdout.contains('\u{1b}'), "{args:?}: {:?}", run.stdout);
    }
    let status = run_coloured(&strip, &["status"]).await;
    let first = status.stdout.lines().nth(1).unwrap_or_default();
    assert!(
        first.starts_with("1     \u{FFFD}[31mEvil\u{FFFD}  "),
        "{first:?}"
    );
    let names = run_coloured(&strip, &["names"]).await;
    assert_eq!(
        names.stdout.lines().next(),
        Some("Device SWP6000000000001: Salon\u{FFFD}2J\u{FFFD}")
    );
    strip.stop().await;
}

#[tokio::test]
async fn error_message_replaces_control_characters() {
    let strip = hostile_strip().await;
    let run = run_coloured(&strip, &["on", "Oven"]).await;
    run.expect_code(2);
    assert_no_control_characters(&run.stderr);
    assert!(
        run.stderr.contains("1 \"\u{FFFD}[31mEvil\u{FFFD}\""),
        "{:?}",
        run.stderr
    );
    strip.stop().await;
}

#[tokio::test]
async fn json_escapes_and_keeps_the_names() {
    let strip = hostile_strip().await;
    let run = run_on(&strip, &["names", "--json"]).await;
    run.expect_success();
    assert_no_control_characters(&run.stdout);
    assert!(
        run.stdout.contains("\\u001b[31mEvil\\u0007"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Salon\\u009b2J\\u202e"),
        "{}",
        run.stdout
    );
    let json = run.json();
    assert_eq!(json["device"], DEVICE_NAME);
    assert_eq!(json["ports"][0]["name"], PORT_NAME);
    assert_eq!(json["ports"][0]["label"], PORT_NAME);
    strip.stop().await;
}
