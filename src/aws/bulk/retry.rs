//! The one retry loop of a batch (`batch-get-items`, `batch-write-items`).

use super::{pause_before, Deadline, Fate, Ledger};
use crate::aws::backoff;
use crate::error::Error;

/// What one attempt of a batch came to.
pub enum Attempt {
    /// The service answered; these entries of the attempt came back unprocessed.
    Answered(Vec<usize>),
    /// The whole batch was throttled: every entry goes again.
    Throttled,
    /// The batch failed: its entries end with this fate, the batch with the error.
    Failed(Fate, Error),
}

/// The one retry loop of a batch: send the entries `go` with `attempt` (the entries still
/// pending each time), again after the jittered backoff for those it returns unprocessed or
/// throttled, up to [`backoff::MAX_ATTEMPTS`], settling each entry's fate in `ledger`. An
/// attempt the deadline cuts short settles its entries as `cut` (a write's may have been
/// applied). Returns whether the batch was throttled, and the error that stopped it (the
/// deadline's included).
pub async fn retry(
    go: Vec<usize>,
    ledger: &Ledger,
    (deadline, cut): (&Deadline, Fate),
    mut attempt: impl AsyncFnMut(&[usize]) -> Attempt,
) -> (bool, Option<Error>) {
    let (mut pending, mut throttled) = (go, false);
    for n in 0..backoff::MAX_ATTEMPTS {
        if pending.is_empty() {
            break;
        }
        if !pause_before(n, deadline).await {
            ledger.settle(pending, Fate::Unprocessed);
            return (throttled, Some(Deadline::error()));
        }
        match deadline.within(attempt(&pending)).await {
            None => {
                ledger.settle(pending, cut);
                return (throttled, Some(Deadline::error()));
            }
            Some(Attempt::Failed(fate, error)) => {
                ledger.settle(pending, fate);
                return (throttled, Some(error));
            }
            Some(Attempt::Throttled) => throttled = true,
            Some(Attempt::Answered(left)) => {
                let (still, done): (Vec<usize>, Vec<usize>) =
                    pending.into_iter().partition(|e| left.contains(e));
                throttled |= !still.is_empty();
                ledger.settle(done, Fate::Done);
                pending = still;
            }
        }
    }
    ledger.settle(pending, Fate::Unprocessed);
    (throttled, None)
}
