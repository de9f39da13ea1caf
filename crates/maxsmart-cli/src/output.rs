//! Writing results to standard output, as text or JSON.
//!
//! Output goes through `anstream`, which drops colours when standard output is not a terminal
//! or `NO_COLOR` is set, so styled text stays plain in pipes and files.

use std::io::Write as _;

use serde::Serialize;

use crate::exit::CliError;
use crate::text;

/// Writes `text` to standard output as it is.
///
/// # Errors
///
/// Returns [`CliError::Stdout`] when standard output is closed or full.
pub fn print(text: &str) -> Result<(), CliError> {
    let mut stdout = anstream::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(CliError::Stdout)
}

/// Writes `text` and a line break to standard output.
///
/// # Errors
///
/// As [`print`].
pub fn line(text: &str) -> Result<(), CliError> {
    print(&format!("{text}\n"))
}

/// Writes `value` as pretty-printed JSON and a line break.
///
/// # Errors
///
/// As [`print`].
pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<(), CliError> {
    line(&to_json(value, true))
}

/// Writes `value` as JSON on one line, for streams of records such as `watch --json`.
///
/// # Errors
///
/// As [`print`].
pub fn json_line<T: Serialize + ?Sized>(value: &T) -> Result<(), CliError> {
    line(&to_json(value, false))
}

/// Encodes `value` as JSON whose strings contain no raw control or bidirectional characters.
fn to_json<T: Serialize + ?Sized>(value: &T, pretty: bool) -> String {
    let encoded = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    // Every type printed here has string keys and finite numbers, which always encode.
    let json = encoded.unwrap_or_else(|error| format!("{{\"error\":\"{error}\"}}"));
    text::escape_json(&json).into_owned()
}
