//! The court API, end to end over HTTP, on a real database.

#[path = "../support/mod.rs"]
mod support;

mod access;
mod cases;
mod documents;
mod event_batch;
mod events;
mod openapi;
mod parties;
mod restart;
