//! The litigant's pages over HTTP: login through the FranceConnect
//! simulator, sessions, CSRF, the page shell.

#[path = "../support/mod.rs"]
mod support;

mod assets;
mod attach;
mod cases;
mod console;
mod console_case_opening;
mod console_contact;
mod console_court_entry;
mod console_filings;
mod console_keys;
mod console_parties;
mod console_sim;
mod console_staff;
mod detach;
mod filing_faults;
mod filing_intake;
mod filing_pieces;
mod filings;
mod hardening;
mod hostile;
mod integrity;
mod interop;
mod legal_acts;
mod login;
mod notifications;
mod pages;
mod routes;
mod sessions;
