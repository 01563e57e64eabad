//! The random source is injected: production draws from the operating
//! system's CSPRNG, tests from a seeded generator so that runs repeat.

use rand::rngs::{OsRng, StdRng};
use rand::{RngCore, SeedableRng, TryRngCore};
use std::sync::Mutex;

/// Where random bytes come from. Every secret of the portal (identification
/// numbers, codes, keys, tokens) is drawn through this trait.
pub trait RandomSource: Send + Sync + 'static {
    fn fill(&self, buf: &mut [u8]);

    /// A uniform integer in `0..bound` (rejection sampling: no modulo bias).
    fn below(&self, bound: u32) -> u32 {
        assert!(bound > 0, "bound must be positive");
        let zone = u32::MAX - (u32::MAX % bound);
        loop {
            let mut b = [0u8; 4];
            self.fill(&mut b);
            let v = u32::from_le_bytes(b);
            if v < zone {
                return v % bound;
            }
        }
    }

    /// `n` random bytes as lower-case hex.
    fn hex(&self, n: usize) -> String {
        let mut buf = vec![0u8; n];
        self.fill(&mut buf);
        hex::encode(buf)
    }
}

/// The operating system's CSPRNG.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsRandom;

impl RandomSource for OsRandom {
    fn fill(&self, buf: &mut [u8]) {
        OsRng.try_fill_bytes(buf).expect("the operating system's random source failed");
    }
}

/// A deterministic generator for tests.
#[derive(Debug)]
pub struct SeededRandom(Mutex<StdRng>);

impl SeededRandom {
    pub fn new(seed: u64) -> Self {
        Self(Mutex::new(StdRng::seed_from_u64(seed)))
    }
}

impl RandomSource for SeededRandom {
    fn fill(&self, buf: &mut [u8]) {
        self.0.lock().expect("rng lock").fill_bytes(buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seeded_source_repeats_itself() {
        assert_eq!(SeededRandom::new(7).hex(16), SeededRandom::new(7).hex(16));
        assert_ne!(SeededRandom::new(7).hex(16), SeededRandom::new(8).hex(16));
    }

    #[test]
    fn below_stays_in_range() {
        let r = SeededRandom::new(1);
        for _ in 0..1000 {
            assert!(r.below(31) < 31);
        }
    }
}
