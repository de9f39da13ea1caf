//! End-to-end tests of the `maxsmart` binary against simulated devices on 127.0.0.1.
//!
//! Every test starts its own simulator on free loopback ports and passes them with
//! `--http-port` and `--udp-port`; no test broadcasts or contacts another address.

mod support;

mod completions;
mod demo;
mod device_text;
mod discover;
mod errors;
mod health;
mod ids;
mod names;
mod readme;
mod rename;
mod stats;
mod status;
mod switch;
mod time;
mod watch;
