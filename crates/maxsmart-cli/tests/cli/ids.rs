//! `maxsmart ids`: hardware identifiers from command 124.

use maxsmart_sim::Profile;

use crate::support::{commands, run_on, start};

#[tokio::test]
async fn ids_json_has_cpu_id_and_server() {
    let strip = start(Profile::Strip130).await;
    let run = run_on(&strip, &["ids", "--json"]).await;
    run.expect_success();
    let json = run.json();
    assert_eq!(json["serial"], "SWP6000000000001");
    let cpu_id = json["cpu_id"].as_str().expect("cpu_id is text");
    assert_eq!(cpu_id.len(), 24, "{json}");
    assert!(json["server"].is_string(), "{json}");
    assert!(json["mac"].is_string(), "{json}");
    assert!(commands(&strip).contains(&124));
    strip.stop().await;
}

#[tokio::test]
async fn ids_table_has_a_row_per_field() {
    let strip = start(Profile::Strip130).await;
    let run = run_on(&strip, &["ids"]).await;
    run.expect_success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 7, "{}", run.stdout);
    assert!(
        lines[1].starts_with("serial        SWP6000000000001"),
        "{}",
        run.stdout
    );
    assert!(lines[3].starts_with("cpu id"), "{}", run.stdout);
    strip.stop().await;
}

#[tokio::test]
async fn ids_rejected_by_firmware_349() {
    let strip = start(Profile::Strip349).await;
    let run = run_on(&strip, &["ids"]).await;
    run.expect_code(4);
    assert!(
        run.stderr.contains("rejected command 124"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("hint:"), "{}", run.stderr);
    strip.stop().await;
}
