//! `maxsmart rename`: names sent with command 201, checked before sending.

use maxsmart_sim::Profile;

use crate::support::{commands, run_on, start};

#[tokio::test]
async fn rename_port_shows_in_names() {
    let strip = start(Profile::Strip130).await;
    let run = run_on(&strip, &["rename", "2", "Desk lamp"]).await;
    run.expect_success();
    assert_eq!(
        run.stdout,
        "Renamed port 2 from \"PORT2\" to \"Desk lamp\".\n"
    );
    assert!(commands(&strip).contains(&201));

    let names = run_on(&strip, &["names", "--json"]).await;
    names.expect_success();
    assert_eq!(names.json()["ports"][1]["name"], "Desk lamp");
    strip.stop().await;
}

#[tokio::test]
async fn rename_device_json() {
    let strip = start(Profile::Strip130).await;
    let run = run_on(&strip, &["rename", "device", "Salon", "--json"]).await;
    run.expect_success();
    let json = run.json();
    assert_eq!(json["port"], serde_json::Value::Null);
    assert_eq!(json["old_name"], "STRIP");
    assert_eq!(json["new_name"], "Salon");

    let names = run_on(&strip, &["names", "--json"]).await;
    assert_eq!(names.json()["device"], "Salon");
    strip.stop().await;
}

#[tokio::test]
async fn rename_by_current_name_keeps_accents() {
    let strip = start(Profile::Strip130).await;
    run_on(&strip, &["rename", "port3", "Congélateur"])
        .await
        .expect_success();
    let names = run_on(&strip, &["names", "--json"]).await;
    assert_eq!(names.json()["ports"][2]["name"], "Congélateur");
    strip.stop().await;
}

#[tokio::test]
async fn long_name_is_rejected_before_sending() {
    let strip = start(Profile::Strip130).await;
    let run = run_on(&strip, &["rename", "1", "a name far longer than the limit"]).await;
    run.expect_code(2);
    assert!(run.stderr.contains("at most 21"), "{}", run.stderr);
    assert!(strip.requests().is_empty(), "nothing should be sent");
    strip.stop().await;
}

#[tokio::test]
async fn rename_on_firmware_211_is_a_device_error() {
    let strip = start(Profile::Strip211).await;
    let run = run_on(&strip, &["rename", "1", "TV"]).await;
    run.expect_code(4);
    assert!(
        run.stderr.contains("not supported by firmware 2.11"),
        "{}",
        run.stderr
    );
    assert!(!commands(&strip).contains(&201));
    strip.stop().await;
}

#[tokio::test]
async fn reserved_and_blank_names_are_rejected() {
    let strip = start(Profile::Strip130).await;
    for name in ["all", "5", "   "] {
        let run = run_on(&strip, &["rename", "1", name]).await;
        run.expect_code(2);
        assert!(!run.stderr.contains("shorter"), "{name:?}: {}", run.stderr);
    }
    let long: String = std::iter::repeat_n('x', 300).collect();
    let run = run_on(&strip, &["rename", "1", &long]).await;
    run.expect_code(2);
    assert!(run.stderr.contains("has 300 characters"), "{}", run.stderr);
    assert!(!run.stderr.contains(&long), "{}", run.stderr);
    assert!(strip.requests().is_empty(), "nothing should be sent");
    strip.stop().await;
}

#[tokio::test]
async fn duplicate_name_warns_and_is_ambiguous() {
    let strip = start(Profile::Strip130).await;
    let run = run_on(&strip, &["rename", "1", "Lamp"]).await;
    run.expect_success();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let run = run_on(&strip, &["rename", "2", "lamp"]).await;
    run.expect_success();
    assert!(
        run.stderr
            .starts_with("warning: port 1 already has the name \"lamp\""),
        "{}",
        run.stderr
    );
    let run = run_on(&strip, &["on", "Lamp"]).await;
    run.expect_code(2);
    assert!(
        run.stderr.contains("ports 1 and 2 of SWP6000000000001"),
        "{}",
        run.stderr
    );
    strip.stop().await;
}

#[tokio::test]
async fn shared_name_target_is_rejected() {
    let strip = start(Profile::Strip130).await;
    for port in ["1", "2"] {
        run_on(&strip, &["rename", port, "Lamp"])
            .await
            .expect_success();
    }
    strip.clear_requests();
    let run = run_on(&strip, &["rename", "lamp", "Desk"]).await;
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("ports 1 and 2 of SWP6000000000001 are all named \"lamp\""),
        "{}",
        run.stderr
    );
    assert!(
        !commands(&strip).contains(&201),
        "nothing should be renamed"
    );
    let names = run_on(&strip, &["names", "--json"]).await;
    assert_eq!(names.json()["ports"][0]["name"], "Lamp");
    assert_eq!(names.json()["ports"][1]["name"], "Lamp");
    strip.stop().await;
}
