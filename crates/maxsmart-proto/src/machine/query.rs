//! An exchange whose reply data is decoded into a typed value.

use alloc::boxed::Box;
use core::fmt;

use serde_json::Value;

use super::{Exchange, Input, Operation, Transmit};
use crate::error::{OperationError, ParseError};
use crate::instant::Instant;

/// The decoder a [`Query`] applies to the reply's `data`.
pub type Decoder<T> = Box<dyn FnMut(Option<Value>) -> Result<T, ParseError> + Send>;

/// Runs an [`Exchange`] and decodes its reply data with a parser.
pub struct Query<T> {
    exchange: Exchange,
    decode: Decoder<T>,
}

impl<T> Query<T> {
    /// Creates a query from an exchange and the parser of its reply data.
    pub fn new(exchange: Exchange, decode: Decoder<T>) -> Self {
        Query { exchange, decode }
    }
}

impl<T> fmt::Debug for Query<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Query")
            .field("exchange", &self.exchange)
            .finish_non_exhaustive()
    }
}

impl<T> Operation for Query<T> {
    type Output = T;

    fn poll_transmit(&mut self, now: Instant) -> Option<Transmit> {
        self.exchange.poll_transmit(now)
    }

    fn handle_input(&mut self, now: Instant, input: Input<'_>) {
        self.exchange.handle_input(now, input);
    }

    fn handle_timeout(&mut self, now: Instant) {
        self.exchange.handle_timeout(now);
    }

    fn poll_timeout(&self) -> Option<Instant> {
        self.exchange.poll_timeout()
    }

    fn poll_output(&mut self) -> Option<Result<T, OperationError>> {
        let result = self.exchange.poll_output()?;
        let command = self.exchange.command();
        Some(result.and_then(|data| {
            (self.decode)(data).map_err(|error| OperationError::InvalidReply { command, error })
        }))
    }
}
