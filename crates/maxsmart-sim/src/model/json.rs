//! Ordered JSON object writer, so replies keep the key order of real devices.

use serde::Serialize;

/// Builds a compact JSON object whose keys appear in insertion order.
///
/// `serde_json::Map` sorts keys unless a workspace-wide feature is enabled, and device replies
/// have a fixed key order (`response` before `code` before `data`), so replies are written with
/// this type instead.
#[derive(Debug, Default)]
pub(crate) struct ObjectWriter {
    out: String,
}

impl ObjectWriter {
    /// Starts an empty object.
    pub(crate) fn new() -> Self {
        ObjectWriter::default()
    }

    /// Appends `key` with `value` serialized as JSON.
    pub(crate) fn field<T: Serialize + ?Sized>(self, key: &str, value: &T) -> Self {
        // serde_json fails only on maps with non-string keys or on a failing custom `Serialize`,
        // and callers pass neither. `null` keeps the output valid JSON if that ever changes.
        let json = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
        self.raw(key, &json)
    }

    /// Appends `key` with `json`, which must already be valid JSON text.
    pub(crate) fn raw(mut self, key: &str, json: &str) -> Self {
        self.out.push(if self.out.is_empty() { '{' } else { ',' });
        let key_json = serde_json::to_string(key).unwrap_or_else(|_| "\"\"".to_owned());
        self.out.push_str(&key_json);
        self.out.push(':');
        self.out.push_str(json);
        self
    }

    /// Closes the object and returns its text.
    pub(crate) fn finish(mut self) -> String {
        if self.out.is_empty() {
            self.out.push('{');
        }
        self.out.push('}');
        self.out
    }
}

/// Builds the reply envelope `{"response":..,"code":..,"data":..}`; `data` is left out when
/// `None`.
pub(crate) fn envelope(response: u16, code: u16, data: Option<&str>) -> String {
    let writer = ObjectWriter::new()
        .field("response", &response)
        .field("code", &code);
    match data {
        Some(data) => writer.raw("data", data).finish(),
        None => writer.finish(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_keep_insertion_order() {
        let text = ObjectWriter::new()
            .field("watt", &["0.00"])
            .field("amp", &[1])
            .finish();
        assert_eq!(text, r#"{"watt":["0.00"],"amp":[1]}"#);
    }

    #[test]
    fn empty_object_is_braces() {
        assert_eq!(ObjectWriter::new().finish(), "{}");
    }

    #[test]
    fn envelope_matches_ack_fixture() {
        let expected = include_str!("../../../maxsmart-proto/tests/fixtures/v1.30/ack-200.json");
        assert_eq!(envelope(200, 200, None), expected);
    }

    #[test]
    fn envelope_places_data_last() {
        let text = envelope(502, 200, Some(r#"{"time":"2018-10-13,00:23:35"}"#));
        let expected =
            include_str!("../../../maxsmart-proto/tests/fixtures/v1.30/v1.30-strip-502.json");
        assert_eq!(text, expected);
    }
}
