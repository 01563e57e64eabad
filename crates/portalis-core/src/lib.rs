//! The domain of the litigant portal: types that cannot hold an invalid value,
//! and the rules that apply to them. Nothing here does I/O; the clock and the
//! random source are passed in (see [`clock`] and [`random`]).

pub mod clock;
pub mod random;
pub mod invalid;
mod enums;
pub mod text;
pub mod calendar;

pub mod court;
pub mod case;
pub mod party;
pub mod event;
pub mod document;

pub mod identification_number;
pub mod portalis_number;
pub mod rg_number;
pub mod nac;
pub mod mobile;
pub mod email;
pub mod secret;
pub mod french;
pub mod attach;
pub mod messages;
pub mod ics;
pub mod case_list;

pub use invalid::Invalid;
