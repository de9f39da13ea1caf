//! `maxsmart demo`: the tour on the embedded simulator.

use serde_json::Value;

use crate::support::run;

#[tokio::test]
async fn demo_switches_port_one_on() {
    let run = run(&["demo"]).await;
    run.expect_success();
    let out = &run.stdout;
    assert!(
        out.starts_with("Started a simulated MaxSmart Power Station"),
        "{out}"
    );

    let before = out
        .split("$ maxsmart status\n")
        .nth(1)
        .expect("a status step");
    let port_one = before.lines().nth(1).unwrap();
    assert!(port_one.starts_with("1     PORT1  off"), "{port_one}");

    let after = out
        .split("$ maxsmart on 1\n")
        .nth(1)
        .expect("a switch step");
    let port_one: Vec<&str> = after.lines().nth(2).unwrap().split_whitespace().collect();
    assert_eq!(port_one[..3], ["1", "PORT1", "on"]);
    let watts: f64 = port_one[3].parse().unwrap();
    assert!(watts > 0.0, "{after}");

    for step in [
        "discover",
        "rename 1 \"Desk lamp\"",
        "names",
        "time",
        "stats hourly",
    ] {
        assert!(
            out.contains(&format!("\n$ maxsmart {step}\n")),
            "{step} missing"
        );
    }
    assert!(out.contains("\n1     Desk lamp\n"), "{out}");
    assert!(out.contains("Difference:     the clocks agree"), "{out}");
    assert!(out.contains("Total: "), "{out}");
}

#[tokio::test]
async fn demo_json_is_a_sequence_of_documents() {
    let run = run(&["demo", "--json"]).await;
    run.expect_success();
    let documents: Vec<Value> = serde_json::Deserializer::from_str(&run.stdout)
        .into_iter::<Value>()
        .collect::<Result<_, _>>()
        .expect("stdout holds JSON documents only");
    assert_eq!(documents.len(), 7, "{}", run.stdout);
    assert_eq!(documents[1]["ports"][0]["on"], false);
    assert_eq!(documents[2]["ports"][0]["on"], true);
    assert_eq!(documents[4]["ports"][0]["name"], "Desk lamp");
    assert_eq!(documents[6]["samples"].as_array().map(Vec::len), Some(24));
}
