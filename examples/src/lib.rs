//! Shared set-up of the example programs: the device they talk to, real or simulated.
//!
//! Every example takes a device address as its first argument or from `MAXSMART_HOST`. With
//! neither, it starts a simulated 6-port strip on 127.0.0.1 with free ports, so that it runs
//! with no hardware and sends nothing beyond the loopback interface.

mod report;
mod target;

pub use report::{Report, Result};
pub use target::Target;

/// Compiles every Rust block of README.md as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
