//! Waiting between attempts of a batch whose items come back unprocessed: exponential
//! backoff with full jitter, as AWS recommends for `UnprocessedItems` / `UnprocessedKeys`.

use std::time::Duration;

/// Attempts per batch while items come back unprocessed.
pub const MAX_ATTEMPTS: u32 = 8;
/// The first backoff ceiling in milliseconds; it doubles per attempt up to 64 times this (3.2 s).
const BACKOFF_MS: u64 = 50;

/// A random wait up to `BACKOFF_MS * 2^attempt` milliseconds (full jitter).
pub fn delay(attempt: u32) -> Duration {
    use std::hash::{BuildHasher, Hasher};
    let ceiling = BACKOFF_MS << attempt.min(6);
    // `RandomState` is seeded from the platform's randomness (`wasi:random` in the guest).
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(attempt);
    Duration::from_millis(hasher.finish() % ceiling.max(1))
}

/// Wait [`delay`]`(attempt)`.
pub async fn pause(attempt: u32) {
    wstd::task::sleep(delay(attempt).into()).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_stay_under_their_doubling_ceiling() {
        for attempt in 0..12 {
            let ceiling = 50 * (1u64 << attempt.min(6));
            assert!(
                delay(attempt) < Duration::from_millis(ceiling),
                "attempt {attempt}"
            );
        }
    }
}
