//! `maxsmart watch`: polls shown until `--count` or `--duration` ends them.

use std::time::Duration;

use maxsmart_sim::{Profile, SimConfig};
use serde_json::Value;

use crate::support::{run_on, start, start_with, wait_for_command};

#[tokio::test]
async fn watch_count_prints_that_many_tables() {
    let strip = start(Profile::Strip130).await;
    let run = run_on(&strip, &["watch", "--count", "2", "--interval", "0.2"]).await;
    run.expect_success();
    let headings: Vec<&str> = run
        .stdout
        .lines()
        .filter(|line| line.starts_with("SWP6000000000001 at 127.0.0.1: poll "))
        .collect();
    assert_eq!(headings.len(), 2, "{}", run.stdout);
    assert!(headings[1].contains("poll 2 at "), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("PORT  NAME   STATE  WATTS   AMPS  CHANGE")
    );
    assert!(
        !run.stdout.contains('\u{1b}'),
        "no escapes outside a terminal"
    );
    strip.stop().await;
}

#[tokio::test]
async fn watch_json_reports_a_switched_port() {
    let strip = start(Profile::Strip130).await;
    let watch = run_on(
        &strip,
        &["watch", "--count", "6", "--interval", "0.3", "--json"],
    );
    let switch_later = async {
        // The connection reads the status once, then the first two polls.
        wait_for_command(&strip, 511, 3).await;
        strip.set_switch(3, true).expect("port 3 exists");
    };
    let (run, ()) = tokio::join!(watch, switch_later);
    run.expect_success();

    let records: Vec<Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    assert_eq!(records.len(), 6, "{}", run.stdout);
    for (index, record) in records.iter().enumerate() {
        assert_eq!(record["poll"], index as u64 + 1);
        assert_eq!(record["ports"].as_array().map(Vec::len), Some(6));
        let time = record["time"].as_str().expect("time is text");
        assert_eq!(time.len(), 19, "{time}");
        assert_eq!(&time[10..11], "T", "{time}");
    }
    let switched = records
        .iter()
        .flat_map(|record| record["changes"].as_array().cloned().unwrap_or_default())
        .find(|change| change["change"] == "switched");
    let switched = switched.expect("a switched change");
    assert_eq!(switched["port"], 3);
    assert_eq!(switched["on"], true);
    assert_eq!(records[5]["ports"][2]["on"], true);
    assert_eq!(records[0]["ports"][2]["on"], false);
    strip.stop().await;
}

#[tokio::test]
async fn watch_duration_ends_the_watch() {
    let strip = start(Profile::Strip130).await;
    let started = std::time::Instant::now();
    let run = run_on(
        &strip,
        &["watch", "--duration", "0.8", "--interval", "0.2", "--json"],
    )
    .await;
    run.expect_success();
    assert!(started.elapsed() < Duration::from_secs(10));
    let polls = run.stdout.lines().count();
    assert!((2..=6).contains(&polls), "{polls} polls:\n{}", run.stdout);
    strip.stop().await;
}

#[tokio::test]
async fn watch_rejects_zero_interval() {
    let strip = start(Profile::Strip130).await;
    let run = run_on(&strip, &["watch", "--interval", "0"]).await;
    run.expect_code(2);
    assert!(
        run.stderr.contains("--interval 0 is invalid"),
        "{}",
        run.stderr
    );
    assert!(strip.requests().is_empty());
    strip.stop().await;
}

#[tokio::test]
async fn watch_rejects_out_of_range_options() {
    let strip = start(Profile::Strip130).await;
    let cases = [
        (
            &["--duration", "1e19"][..],
            "--duration 10000000000000000000 is invalid; give a number of seconds above 0 and \
             at most 2592000",
        ),
        (
            &["--interval", "1e19"],
            "--interval 10000000000000000000 is invalid; give a number of seconds above 0 and \
             at most 86400",
        ),
        (
            &["--interval", "NaN"],
            "--interval NaN is invalid; give a number of seconds above 0 and at most 86400",
        ),
        (
            &["--threshold", "inf"],
            "--threshold inf is invalid; give watts from 0 to 10000, such as 1",
        ),
        (
            &["--threshold=-1"],
            "--threshold -1 is invalid; give watts from 0 to 10000, such as 1",
        ),
    ];
    for (options, message) in cases {
        let mut args = vec!["watch", "--count", "1"];
        args.extend_from_slice(options);
        let run = run_on(&strip, &args).await;
        run.expect_code(2);
        assert_eq!(run.stderr, format!("error: {message}\n"), "{options:?}");
    }
    assert!(strip.requests().is_empty(), "nothing is sent");
    strip.stop().await;
}

#[tokio::test]
async fn watch_accepts_the_maximum_duration() {
    let strip = start(Profile::Strip130).await;
    let run = run_on(
        &strip,
        &["watch", "--count", "1", "--duration", "2592000", "--json"],
    )
    .await;
    run.expect_success();
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    strip.stop().await;
}

#[tokio::test]
async fn watch_shows_failed_polls_and_goes_on() {
    let strip = start(Profile::Strip130).await;
    let watch = run_on(
        &strip,
        &["watch", "--count", "4", "--interval", "0.3", "--json"],
    );
    let fail_later = async {
        // The connection reads the status once, then the first two polls.
        wait_for_command(&strip, 511, 3).await;
        strip.set_faults(maxsmart_sim::Faults::none().always_400());
    };
    let (run, ()) = tokio::join!(watch, fail_later);
    run.expect_success();
    let records: Vec<Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    assert_eq!(records.len(), 4, "{}", run.stdout);
    assert!(records[0]["ports"].is_array(), "{}", run.stdout);
    let last = &records[3];
    assert!(last["error"].as_str().unwrap().contains("400"), "{last}");
    assert!(
        last["consecutive_failures"].as_u64().unwrap() >= 1,
        "{last}"
    );
    strip.stop().await;
}

#[tokio::test]
async fn watch_first_poll_is_the_baseline() {
    // Every port is on, so the simulated loads vary between reads and a threshold of 0
    // highlights each difference; the first poll must still show none.
    let config = SimConfig::new(Profile::Strip130).switches(&[true; 6]);
    let strip = start_with(config).await;
    let run = run_on(
        &strip,
        &[
            "watch",
            "--count",
            "3",
            "--interval",
            "0.3",
            "--threshold",
            "0",
            "--json",
        ],
    )
    .await;
    run.expect_success();
    let records: Vec<Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    assert_eq!(records.len(), 3, "{}", run.stdout);
    assert_eq!(
        records[0]["changes"],
        Value::Array(Vec::new()),
        "{}",
        run.stdout
    );
    let later = records[1..]
        .iter()
        .filter_map(|record| record["changes"].as_array())
        .map(Vec::len)
        .sum::<usize>();
    assert!(
        later > 0,
        "later polls show the varying loads: {}",
        run.stdout
    );
    strip.stop().await;
}
