//! `maxsmart completions`: scripts generated for each shell.

use crate::support::run;

#[tokio::test]
async fn bash_completion_names_subcommands() {
    let run = run(&["completions", "bash"]).await;
    run.expect_success();
    assert!(run.stdout.contains("_maxsmart()"), "{}", run.stdout);
    for subcommand in ["discover", "status", "watch", "stats", "rename"] {
        assert!(run.stdout.contains(subcommand), "{subcommand} missing");
    }
}

#[tokio::test]
async fn every_shell_gets_a_script() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = run(&["completions", shell]).await;
        run.expect_success();
        assert!(run.stdout.contains("maxsmart"), "{shell}: {}", run.stdout);
    }
}

#[tokio::test]
async fn unknown_shell_is_a_usage_error() {
    let run = run(&["completions", "tcsh"]).await;
    run.expect_code(2);
    assert!(run.stderr.contains("tcsh"), "{}", run.stderr);
}
