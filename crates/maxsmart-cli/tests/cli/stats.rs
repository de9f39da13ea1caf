//! `maxsmart stats`: bar chart, JSON, CSV and the SVG image.

use jiff::SignedDuration;
use maxsmart_sim::{Profile, SimConfig, SimDevice};

use crate::support::{commands, run_on, start, start_with};

/// Starts a strip with ports 1 and 2 on and two hours of energy counted.
async fn strip_with_energy() -> SimDevice {
    let strip = start_with(SimConfig::new(Profile::Strip130).switches(&[true, true])).await;
    strip.with_state(|model, now| {
        let present = model.clock(now);
        let past = present.checked_sub(SignedDuration::from_hours(2)).unwrap();
        model.set_clock(now, past);
        model.advance(now.checked_add(SignedDuration::from_hours(2)).unwrap());
        model.set_clock(now, present);
    });
    strip
}

#[tokio::test]
async fn stats_json_has_24_hourly_samples() {
    let strip = strip_with_energy().await;
    let run = run_on(&strip, &["stats", "--json"]).await;
    run.expect_success();
    let json = run.json();
    assert_eq!(json["kind"], "hourly");
    assert_eq!(json["unit"], "Wh");
    assert_eq!(json["port"], serde_json::Value::Null);
    let samples = json["samples"].as_array().unwrap();
    assert_eq!(samples.len(), 24);
    assert!(json["total"].as_f64().unwrap() > 100.0, "{json}");
    assert_eq!(json["ports"].as_array().map(Vec::len), Some(6));
    assert_eq!(json["ports"][2]["total"].as_f64(), Some(0.0));
    let sum: f64 = samples.iter().map(|s| s["value"].as_f64().unwrap()).sum();
    assert!((sum - json["total"].as_f64().unwrap()).abs() < 1e-6);
    assert!(samples[23]["start"].as_str().unwrap().ends_with(":00:00"));
    assert!(commands(&strip).contains(&510));
    strip.stop().await;
}

#[tokio::test]
async fn stats_one_port_daily() {
    let strip = strip_with_energy().await;
    let run = run_on(&strip, &["stats", "daily", "--port", "2", "--json"]).await;
    run.expect_success();
    let json = run.json();
    assert_eq!(json["kind"], "daily");
    assert_eq!(json["port"], 2);
    assert_eq!(json["samples"].as_array().map(Vec::len), Some(31));
    assert_eq!(json["total"], json["ports"][1]["total"]);
    strip.stop().await;
}

#[tokio::test]
async fn stats_bar_chart_has_a_line_per_hour() {
    let strip = strip_with_energy().await;
    let run = run_on(&strip, &["stats", "hourly"]).await;
    run.expect_success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 26, "{}", run.stdout);
    assert_eq!(
        lines[0],
        "Hourly energy of SWP6000000000001, all ports (Wh)"
    );
    assert!(
        lines.iter().any(|line| line.contains('█')),
        "{}",
        run.stdout
    );
    assert!(lines[25].starts_with("Total: "), "{}", run.stdout);
    strip.stop().await;
}

#[tokio::test]
async fn stats_csv_monthly() {
    let strip = strip_with_energy().await;
    let run = run_on(&strip, &["stats", "monthly", "--csv"]).await;
    run.expect_success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 13, "{}", run.stdout);
    assert_eq!(
        lines[0],
        "period,port_1,port_2,port_3,port_4,port_5,port_6,total"
    );
    let last: Vec<&str> = lines[12].split(',').collect();
    assert_eq!(last.len(), 8);
    let total: f64 = last[7].parse().unwrap();
    let parts: f64 = last[1..7].iter().map(|v| v.parse::<f64>().unwrap()).sum();
    assert!((total - parts).abs() < 1e-6, "{}", lines[12]);
    assert!(total > 0.0, "{}", lines[12]);
    strip.stop().await;
}

#[tokio::test]
async fn stats_svg_is_a_bar_chart() {
    let strip = strip_with_energy().await;
    let dir = std::env::temp_dir().join(format!("maxsmart-cli-stats-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("hourly.svg");
    let path_text = path.to_str().unwrap();
    let run = run_on(&strip, &["stats", "hourly", "--svg", path_text]).await;
    run.expect_success();
    assert!(
        run.stdout
            .ends_with(&format!("Wrote the chart to {path_text}.\n"))
    );

    let svg = std::fs::read_to_string(&path).expect("the SVG file exists");
    std::fs::remove_dir_all(&dir).unwrap();
    let document = roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some("960"));
    assert_eq!(root.attribute("height"), Some("540"));

    let bars: Vec<_> = document
        .descendants()
        .filter(|node| node.has_tag_name("rect") && node.attribute("fill") == Some("#1F6FD0"))
        .collect();
    assert_eq!(bars.len(), 24, "one bar per hour");
    let tallest = bars
        .iter()
        .filter_map(|bar| bar.attribute("height")?.parse::<f64>().ok())
        .fold(0.0, f64::max);
    assert!(tallest > 50.0, "the largest bar is drawn tall: {tallest}");

    let texts: Vec<&str> = document
        .descendants()
        .filter(|node| node.has_tag_name("text"))
        .filter_map(|node| node.text())
        .map(str::trim)
        .collect();
    assert!(texts.contains(&"Energy (Wh)"), "{texts:?}");
    assert!(texts.contains(&"Hour (device clock)"), "{texts:?}");
    assert!(
        texts
            .iter()
            .any(|text| text.starts_with("Hourly energy of SWP6000000000001")),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|text| text.ends_with(":00")),
        "hour labels: {texts:?}"
    );
    strip.stop().await;
}

#[tokio::test]
async fn stats_port_out_of_range_sends_nothing() {
    let strip = start(Profile::Strip130).await;
    let run = run_on(&strip, &["stats", "--port", "7"]).await;
    run.expect_code(2);
    assert!(
        run.stderr.contains("--port 7 is out of range"),
        "{}",
        run.stderr
    );
    assert!(!commands(&strip).contains(&510));
    strip.stop().await;
}

#[tokio::test]
async fn stats_rejected_by_firmware_211() {
    let strip = start(Profile::Strip211).await;
    let run = run_on(&strip, &["stats"]).await;
    run.expect_code(4);
    assert!(
        run.stderr
            .contains("cannot read the statistics of SWP6000000000002")
    );
    strip.stop().await;
}

#[tokio::test]
async fn stats_svg_to_missing_folder_fails() {
    let strip = start(Profile::Strip130).await;
    let path = std::env::temp_dir().join("maxsmart-no-such-folder/chart.svg");
    let run = run_on(&strip, &["stats", "--svg", path.to_str().unwrap()]).await;
    run.expect_code(1);
    assert!(run.stderr.contains("cannot write"), "{}", run.stderr);
    strip.stop().await;
}

#[tokio::test]
async fn plug_statistics_without_date_are_numbered() {
    let plug = start(Profile::Plug130).await;
    let run = run_on(&plug, &["stats", "monthly", "--json"]).await;
    run.expect_success();
    let json = run.json();
    let samples = json["samples"].as_array().unwrap();
    assert_eq!(samples.len(), 12);
    assert_eq!(samples[0]["label"], "#1");
    assert_eq!(samples[0]["start"], serde_json::Value::Null);
    assert_eq!(json["ports"].as_array().map(Vec::len), Some(1));
    plug.stop().await;
}
