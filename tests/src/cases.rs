//! The shared test cases, one module per area. Each case takes the runtime to test.

pub mod broadcast;
pub mod discovery;
pub mod faults;
pub mod lifecycle;
pub mod polling;
pub mod ports;
pub mod settings;
