//! Text from the device made safe to print.
//!
//! Names, identifiers and reply excerpts come from the device, and `anstream` passes escape
//! sequences through to a terminal. A hostile or broken device could otherwise recolour the
//! output, move the cursor or retitle the window, so every printed piece of device text goes
//! through [`printable`], and JSON output through [`escape_json`]. Serial numbers are the
//! exception: the discovery parser rejects any that is not printable ASCII.

use std::borrow::Cow;
use std::fmt::Write as _;

/// The character printed in place of each unprintable one: U+FFFD REPLACEMENT CHARACTER.
pub const REPLACEMENT: char = '\u{FFFD}';

/// Returns `text` with every character that [`is_unprintable`] matches replaced by
/// [`REPLACEMENT`], borrowing `text` when it has none.
///
/// Line breaks and tabs are replaced too, so a device name cannot add a line to the output.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unprintable) {
        return Cow::Borrowed(text);
    }
    let replaced = text
        .chars()
        .map(|c| if is_unprintable(c) { REPLACEMENT } else { c })
        .collect();
    Cow::Owned(replaced)
}

/// The maximum number of characters of a typed value that a message quotes.
const EXCERPT_CHARS: usize = 40;

/// Returns the first 40 characters of `text`, followed by `...` when it is longer, so that a
/// message quoting a huge argument stays readable.
pub fn excerpt(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((end, _)) => Cow::Owned(format!("{}...", &text[..end])),
        None => Cow::Borrowed(text),
    }
}

/// Returns whether a terminal could act on `c` instead of showing it.
///
/// This matches the control characters (C0, DEL and C1, which include ESC and CSI), the line
/// and paragraph separators, the bidirectional formatting characters, which reorder the text
/// around them, and the invisible characters that hide text. Letters with accents, other
/// scripts, emoji and their zero-width joiners stay.
pub fn is_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200B}'
                | '\u{2060}'..='\u{2064}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// Rewrites each unprintable character in JSON text from `serde_json` as a `\uXXXX` escape.
///
/// `serde_json` escapes C0 controls but writes DEL, C1 controls and the other characters of
/// [`is_unprintable`] as they are. They can only occur inside strings, where the escape
/// decodes to the same character, so the data stays exactly as the device sent it. The C0
/// characters left in the text are the line breaks of pretty-printing and stay.
pub fn escape_json(json: &str) -> Cow<'_, str> {
    let needs_escape = |c: char| u32::from(c) >= 0x7F && is_unprintable(c);
    if !json.chars().any(needs_escape) {
        return Cow::Borrowed(json);
    }
    let mut escaped = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if needs_escape(c) {
            for unit in c.encode_utf16(&mut [0; 2]) {
                let _ = write!(escaped, "\\u{unit:04x}");
            }
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_cuts_long_text() {
        let long: String = std::iter::repeat_n('é', 41).collect();
        let expected: String = std::iter::repeat_n('é', 40).chain("...".chars()).collect();
        assert_eq!(excerpt(&long), expected);
        assert_eq!(excerpt("Lamp"), "Lamp");
    }

    #[test]
    fn escape_sequences_are_replaced() {
        assert_eq!(printable("TV\u{1b}[31m"), "TV\u{FFFD}[31m");
        assert_eq!(printable("a\nb\tc\u{7f}"), "a\u{FFFD}b\u{FFFD}c\u{FFFD}");
        assert_eq!(printable("\u{9b}2J"), "\u{FFFD}2J");
    }

    #[test]
    fn bidirectional_and_invisible_characters_are_replaced() {
        assert_eq!(printable("abc\u{202E}def"), "abc\u{FFFD}def");
        assert_eq!(printable("x\u{2066}y\u{200B}z"), "x\u{FFFD}y\u{FFFD}z");
        assert_eq!(printable("line\u{2028}break"), "line\u{FFFD}break");
    }

    #[test]
    fn ordinary_unicode_is_kept() {
        for text in [
            "Congélateur",
            "Wohnzimmer Süd",
            "客厅",
            "💡 lamp",
            "👩\u{200D}🍳",
        ] {
            assert!(matches!(printable(text), Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn json_escapes_keep_the_data() {
        let json = serde_json::to_string_pretty(&serde_json::json!({
            "name": "a\u{1b}[31m\u{9b}\u{202E}é"
        }))
        .unwrap();
        let escaped = escape_json(&json);
        assert_eq!(escaped, "{\n  \"name\": \"a\\u001b[31m\\u009b\\u202eé\"\n}");
        let decoded: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(decoded["name"], "a\u{1b}[31m\u{9b}\u{202E}é");
    }
}
