//! The domain of the litigant portal: types that cannot hold an invalid value,
//! and the rules that apply to them. Nothing here does I/O; the clock and the
//! random source are passed in (see [`clock`] and [`random`]).

pub mod calendar;
pub mod clock;
mod enums;
pub mod invalid;
pub mod random;
pub mod text;

pub mod case;
pub mod court;
pub mod document;
pub mod event;
pub mod party;

pub mod api_key;
pub mod attach;
pub mod attachment;
pub mod case_list;
pub mod email;
pub mod filing;
pub mod french;
pub mod ics;
pub mod identification_number;
pub mod messages;
pub mod mobile;
pub mod nac;
pub mod portalis_number;
pub mod postcode;
pub mod realm;
pub mod reminder;
pub mod rg_number;
pub mod search;
pub mod secret;
pub mod staff;

pub use invalid::Invalid;
