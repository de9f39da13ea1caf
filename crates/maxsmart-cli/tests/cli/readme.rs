//! README.md checked against the product: its commands run against the simulator, its output
//! blocks match the demo's output, and its tables match the code.
//!
//! The Rust blocks are compiled as doctests of the `maxsmart-examples` crate.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use maxsmart_sim::{Profile, SimConfig};
use maxsmart_tokio::proto::firmware::{Feature, FirmwareFamily, Support};

use crate::support::{run, run_in, start_with, target};

/// The address the README uses for a real device; the tests use the simulator's instead.
const DOCUMENTATION_ADDRESS: &str = "192.0.2.10";

/// One fenced code block.
#[derive(Debug)]
struct Block {
    /// The word after the opening fence, such as `sh`, `text` or `rust,no_run`.
    language: String,
    /// The lines between the fences.
    lines: Vec<String>,
    /// The line number of the opening fence, from 1.
    line: usize,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn readme() -> String {
    std::fs::read_to_string(workspace_root().join("README.md")).expect("README.md is readable")
}

fn blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (index, line) in text.lines().enumerate() {
        match (open.take(), line.strip_prefix("```")) {
            (None, Some(language)) => {
                open = Some(Block {
                    language: language.trim().to_owned(),
                    lines: Vec::new(),
                    line: index + 1,
                });
            }
            (Some(block), Some("")) => blocks.push(block),
            (Some(mut block), _) => {
                block.lines.push(line.to_owned());
                open = Some(block);
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "README.md has an unclosed code block");
    blocks
}

/// Splits a command line at spaces, keeping quoted text together.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

fn example_names() -> Vec<String> {
    let manifest = std::fs::read_to_string(workspace_root().join("examples/Cargo.toml")).unwrap();
    let lines: Vec<&str> = manifest.lines().collect();
    lines
        .windows(2)
        .filter(|pair| pair[0] == "[[example]]")
        .filter_map(|pair| pair[1].strip_prefix("name = \""))
        .map(|rest| rest.trim_end_matches('"').to_owned())
        .collect()
}

/// Rewrites a README `maxsmart` command to run against the simulator and end quickly.
fn simulator_arguments(words: &[String], simulator: &[String]) -> Vec<String> {
    let mut args: Vec<String> = Vec::new();
    let mut words = words.iter().skip(1).peekable();
    while let Some(word) = words.next() {
        match word.as_str() {
            ">" => {
                words.next();
            }
            "--interval" => {
                words.next();
                args.extend([String::from("--interval"), String::from("0.2")]);
            }
            "--count" => {
                words.next();
                args.extend([String::from("--count"), String::from("2")]);
            }
            DOCUMENTATION_ADDRESS => args.push(String::from("127.0.0.1")),
            _ => args.push(word.clone()),
        }
    }
    if args.first().map(String::as_str) == Some("watch") {
        if !args.iter().any(|arg| arg == "--count") {
            args.extend([String::from("--count"), String::from("2")]);
        }
        if !args.iter().any(|arg| arg == "--interval") {
            args.extend([String::from("--interval"), String::from("0.2")]);
        }
    }
    args.extend(simulator.iter().cloned());
    args
}

#[test]
fn setup_commands_are_exact() {
    let text = readme();
    assert!(text.contains("```sh\ncargo run -p maxsmart-cli -- demo\n```"));
    assert!(text.contains("```sh\ncargo test --workspace\n```"));
}

#[test]
fn every_block_has_a_checked_language() {
    for block in blocks(&readme()) {
        let known = matches!(
            block.language.as_str(),
            "sh" | "text" | "rust,no_run" | "rust"
        );
        assert!(
            known,
            "README.md line {}: unchecked language {:?}",
            block.line, block.language
        );
    }
}

#[tokio::test]
async fn shell_blocks_run_against_the_simulator() {
    let simulator = start_with(
        SimConfig::new(Profile::Strip130).switches(&[false, true, false, true, false, false]),
    )
    .await;
    let options = target(&simulator);
    let folder = std::env::temp_dir().join(format!("maxsmart-readme-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let mut env: Vec<(String, String)> = Vec::new();
    let mut ran = 0;

    for block in blocks(&readme())
        .iter()
        .filter(|block| block.language == "sh")
    {
        for (offset, line) in block.lines.iter().enumerate() {
            let at = block.line + offset + 1;
            let words = words(line);
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            match words.as_slice() {
                [] => {}
                ["cargo", "run", "-p", "maxsmart-cli", "--", "demo"] => {
                    run(&["demo"]).await.expect_success();
                    ran += 1;
                }
                ["cargo", "test", "--workspace"] => {}
                ["cargo", "install", "--path", path] => {
                    assert!(
                        workspace_root().join(path).join("Cargo.toml").exists(),
                        "line {at}"
                    );
                }
                [
                    "cargo",
                    "run",
                    "-p",
                    "maxsmart-examples",
                    "--example",
                    name,
                    ..,
                ] => {
                    assert!(
                        example_names().contains(&(*name).to_owned()),
                        "line {at}: {name}"
                    );
                }
                ["examples/run-all.sh"] => {
                    assert!(
                        workspace_root().join("examples/run-all.sh").exists(),
                        "line {at}"
                    );
                }
                ["export", assignment] => {
                    let (name, value) = assignment.split_once('=').expect("NAME=VALUE");
                    let value = value.replace(DOCUMENTATION_ADDRESS, "127.0.0.1");
                    env.push((name.to_owned(), value));
                }
                ["maxsmart", ..] => {
                    let owned: Vec<String> = words.iter().map(|word| (*word).to_owned()).collect();
                    let args = simulator_arguments(&owned, &options);
                    let result = run_in(&args, &env, Some(&folder)).await;
                    assert_eq!(
                        result.code, 0,
                        "README.md line {at}: `{line}` failed\nstdout:\n{}\nstderr:\n{}",
                        result.stdout, result.stderr
                    );
                    ran += 1;
                }
                _ => panic!("README.md line {at}: no check for `{line}`"),
            }
        }
    }
    assert!(
        folder.join("energy.svg").exists(),
        "stats --svg wrote no file"
    );
    std::fs::remove_dir_all(&folder).unwrap();
    assert!(ran >= 15, "only {ran} commands ran");
    simulator.stop().await;
}

/// Reduces output to its shape: the README's address becomes the simulator's, digits and
/// bar characters are dropped to one placeholder, and runs of spaces become one.
fn shape(lines: &[String]) -> Vec<String> {
    let mut shaped: Vec<String> = lines
        .iter()
        .map(|line| {
            let line = line.replace(DOCUMENTATION_ADDRESS, "127.0.0.1");
            let mut out = String::new();
            for c in line.chars() {
                let last = out.chars().last();
                match c {
                    '0'..='9' if last == Some('0') => {}
                    '0'..='9' => out.push('0'),
                    '█' | '▏' | '▎' | '▍' | '▌' | '▋' | '▊' | '▉' => {}
                    c if c.is_whitespace() && last == Some(' ') => {}
                    c if c.is_whitespace() => out.push(' '),
                    c => out.push(c),
                }
            }
            out.trim().to_owned()
        })
        .collect();
    while shaped.last().is_some_and(String::is_empty) {
        shaped.pop();
    }
    shaped
}

/// Splits the demo's output into its introduction and one output per `$ maxsmart` step.
fn demo_steps(stdout: &str) -> (Vec<String>, HashMap<String, Vec<String>>) {
    let mut introduction = Vec::new();
    let mut steps: HashMap<String, Vec<String>> = HashMap::new();
    let mut current: Option<String> = None;
    for line in stdout.lines() {
        if let Some(command) = line.strip_prefix("$ maxsmart ") {
            current = Some(command.to_owned());
            steps.insert(command.to_owned(), Vec::new());
            continue;
        }
        match &current {
            Some(command) => steps
                .entry(command.clone())
                .or_default()
                .push(line.to_owned()),
            None => introduction.push(line.to_owned()),
        }
    }
    (introduction, steps)
}

#[tokio::test]
async fn text_blocks_match_the_demo_output() {
    let demo = run(&["demo"]).await;
    demo.expect_success();
    let all: Vec<String> = demo.stdout.lines().map(str::to_owned).collect();
    let (_, steps) = demo_steps(&demo.stdout);
    let blocks = blocks(&readme());
    let mut checked = 0;

    for (index, block) in blocks.iter().enumerate() {
        if block.language != "text" {
            continue;
        }
        let command = index
            .checked_sub(1)
            .and_then(|previous| blocks.get(previous))
            .filter(|previous| previous.language == "sh")
            .and_then(|previous| previous.lines.last())
            .unwrap_or_else(|| panic!("README.md line {}: no command before", block.line));
        let expected = shape(&block.lines);
        if command == "cargo run -p maxsmart-cli -- demo" {
            let actual = shape(&all);
            assert!(
                actual.starts_with(&expected),
                "README.md line {}: the demo printed\n{}",
                block.line,
                demo.stdout
            );
        } else {
            let step = command
                .strip_prefix("maxsmart ")
                .and_then(|step| steps.get(step))
                .unwrap_or_else(|| {
                    panic!(
                        "README.md line {}: the demo has no step `{command}`",
                        block.line
                    )
                });
            assert_eq!(shape(step), expected, "README.md line {}", block.line);
        }
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} output blocks checked");
}

/// Returns the README table under `heading` as rows of cells, the header row first.
fn table(text: &str, heading: &str) -> Vec<Vec<String>> {
    text.lines()
        .skip_while(|line| *line != heading)
        .skip(1)
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .filter(|line| !line.starts_with("|---"))
        .map(|line| {
            line.trim_matches('|')
                .split('|')
                .map(|cell| cell.trim().to_owned())
                .collect()
        })
        .collect()
}

/// Returns the README's word for the better of the two transports.
fn best(family: FirmwareFamily, feature: Feature) -> &'static str {
    let capability = family.capability(feature);
    match (capability.http, capability.v3) {
        (Support::Supported, _) | (_, Support::Supported) => "yes",
        (Support::Unverified, _) | (_, Support::Unverified) => "unverified",
        _ => "no",
    }
}

#[test]
fn firmware_table_matches_the_capability_table() {
    let rows = table(&readme(), "## Firmware capabilities");
    let (header, rows) = rows.split_first().expect("the table has a header");
    let families: Vec<FirmwareFamily> = header[1..]
        .iter()
        .map(|version| match version.as_str() {
            "3.x" => FirmwareFamily::V3x,
            "5.x" => FirmwareFamily::V5x,
            exact => FirmwareFamily::from_version(exact),
        })
        .collect();
    assert!(!families.contains(&FirmwareFamily::Unknown), "{header:?}");
    let features = [
        Feature::Status,
        Feature::Switch,
        Feature::Rename,
        Feature::Statistics,
        Feature::DeviceTime,
        Feature::HardwareIds,
    ];
    assert_eq!(rows.len(), features.len());
    for (row, feature) in rows.iter().zip(features) {
        assert!(
            row[0].starts_with(feature.name()),
            "{row:?} is not {}",
            feature.name()
        );
        for (cell, family) in row[1..].iter().zip(&families) {
            assert_eq!(
                cell,
                best(*family, feature),
                "{} on {family}",
                feature.name()
            );
        }
    }
}

#[test]
fn device_table_names_real_profiles() {
    let rows = table(&readme(), "## Supported devices");
    let mut profiles = 0;
    for row in &rows[1..] {
        let name = row[4].trim_matches('`');
        if name == "none" {
            continue;
        }
        let profile: Profile = name.parse().expect("a simulator profile");
        assert!(row[2].contains(profile.firmware()), "{row:?}");
        assert!(
            row[1].contains(&profile.port_count().to_string()),
            "{row:?}"
        );
        profiles += 1;
    }
    assert_eq!(profiles, Profile::all().len());
}
