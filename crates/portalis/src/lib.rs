//! The `portalis` binary's library: configuration, the assembled application
//! (pages, court API, operations endpoints, middleware), the commands, the
//! bulk import and the demo world. `main.rs` only parses the command line.

pub mod app;
pub mod bench_data;
pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod import;
mod middleware;
mod ops;
pub mod server;
pub mod telemetry;
