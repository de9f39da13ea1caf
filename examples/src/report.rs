//! The error type the examples return from `main`, printed as a plain message.

use std::fmt;

/// A boxed error whose `Debug` output is its message, so that `main` returning it prints
/// `Error: <message>` instead of the error's structure.
pub struct Report(Box<dyn std::error::Error>);

/// The result type of the examples' `main` functions.
pub type Result<T> = std::result::Result<T, Report>;

impl<E: std::error::Error + 'static> From<E> for Report {
    fn from(error: E) -> Self {
        Report(Box::new(error))
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_is_the_message() {
        let report = Report::from(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "\"x\" is not an IP address",
        ));
        assert_eq!(format!("{report:?}"), "\"x\" is not an IP address");
    }
}
