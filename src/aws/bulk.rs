//! Bulk work (`batch-write-items`, `batch-get-items`, parallel scan segments and catalog
//! samples): jobs started in input order with up to `concurrency` in flight, fewer while
//! the service throttles, and none started once the step's time is nearly up.
//!
//! - The window: it starts at `concurrency`; a job that was throttled (an answer with
//!   unprocessed items or keys, or a throttling error) halves it, down to 1; a job that
//!   went through at once widens it by one, up to `concurrency` again (additive increase,
//!   multiplicative decrease, as TCP and the AWS SDKs' adaptive retry mode pace themselves).
//! - Order: a job starts only when `ready` says so (the writes it must follow have ended),
//!   and after the jobs before it.
//! - Time: a [`Deadline`] is the step's time limit less a reserve; jobs race their requests
//!   against it, and the runner starts none after it.

use crate::aws::backoff;
use crate::error::{Error, Kind, Result};
use futures_util::future::{select, Either};
use futures_util::stream::{FuturesUnordered, StreamExt};
use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::time::{Duration, Instant};

mod retry;

pub use retry::{retry, Attempt};

/// `concurrency` when absent: 16 requests in flight. At a region's round trip of 5 ms that
/// is 3,200 requests a second (80,000 items written), past what one guest's single thread
/// prepares, while 16 answers of a batch get (16 MB each at most) stay within the host's
/// default 512 MiB of guest memory.
pub const DEFAULT_CONCURRENCY: u32 = 16;
/// The most `concurrency` a step may ask for: 32 answers of 16 MB fit in 512 MiB.
pub const MAX_CONCURRENCY: u32 = 32;

/// `time-limit-seconds` when absent (and not set by the host): 240, a minute inside the
/// host's default step deadline of 5 minutes.
pub const DEFAULT_TIME_LIMIT: u32 = 240;
/// The most `time-limit-seconds` a step may ask for.
pub const MAX_TIME_LIMIT: u32 = 3600;

/// The checked `concurrency` input.
pub fn concurrency(given: Option<u32>) -> Result<usize> {
    match given.unwrap_or(DEFAULT_CONCURRENCY) {
        n @ 1..=MAX_CONCURRENCY => Ok(n as usize),
        n => Err(Error::invalid(
            "concurrency",
            format!("{n} is not between 1 and {MAX_CONCURRENCY}"),
        )),
    }
}

/// How many jobs may be in flight now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    limit: usize,
    max: usize,
}

impl Window {
    /// A window of `max` jobs (at least one).
    pub fn new(max: usize) -> Window {
        let max = max.max(1);
        Window { limit: max, max }
    }

    /// The jobs that may be in flight now.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// A job ended: throttled, the window halves (to 1 at least); else it widens by one
    /// (to `max` at most).
    pub fn ended(&mut self, throttled: bool) {
        self.limit = if throttled {
            (self.limit / 2).max(1)
        } else {
            (self.limit + 1).min(self.max)
        };
    }
}

/// When a bulk step stops sending: its time limit less a reserve (a tenth of it, at least
/// one second, at most half), kept for the requests in flight to be accounted and the
/// result rendered before the host's deadline.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    at: Instant,
}

impl Deadline {
    /// The deadline of the checked `time-limit-seconds` input, from now.
    pub fn new(limit_seconds: Option<u32>) -> Result<Deadline> {
        let seconds = match limit_seconds.unwrap_or(DEFAULT_TIME_LIMIT) {
            s @ 1..=MAX_TIME_LIMIT => s,
            s => {
                return Err(Error::invalid(
                    "time-limit-seconds",
                    format!("{s} is not between 1 and {MAX_TIME_LIMIT}"),
                ))
            }
        };
        Ok(Deadline {
            at: Instant::now() + usable(Duration::from_secs(seconds.into())),
        })
    }

    /// Whether the deadline has come.
    pub fn passed(&self) -> bool {
        Instant::now() >= self.at
    }

    /// `work`'s output, or `None` when the deadline comes first (the work is dropped).
    pub async fn within<F: Future>(&self, work: F) -> Option<F::Output> {
        let left = self.at.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return None;
        }
        match select(pin!(work), pin!(wstd::task::sleep(left.into()))).await {
            Either::Left((output, _)) => Some(output),
            Either::Right(_) => None,
        }
    }

    /// The `timeout` error of a step the deadline stopped.
    pub fn error() -> Error {
        Error::new(
            Kind::Timeout,
            "the step's time limit (time-limit-seconds, or the host's deadline) came before \
             every request was sent",
        )
    }
}

/// Before attempt `attempt` of a batch (from 0): the jittered backoff pause after the first,
/// within `deadline`. False when the deadline came first: the batch must stop there.
pub async fn pause_before(attempt: u32, deadline: &Deadline) -> bool {
    attempt == 0 || deadline.within(backoff::pause(attempt)).await.is_some()
}

/// The part of a time limit a bulk step spends sending.
fn usable(limit: Duration) -> Duration {
    let reserve = (limit / 10).max(Duration::from_secs(1)).min(limit / 2);
    limit.saturating_sub(reserve)
}

/// What an ended job tells the runner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ended {
    /// It was throttled on the way.
    pub throttled: bool,
    /// It failed so that no further job should start.
    pub stop: bool,
}

/// Run jobs `0..count`: job `i` starts (as `start(i)`) after the jobs before it, while
/// fewer than the window allows are in flight, `ready(i)` holds, the deadline has not
/// passed and no job asked to stop. Returns how many started; the others were never sent.
///
/// `ready(i)` must hold once every job before `i` has ended.
pub async fn run<F, Fut>(
    count: usize,
    window: &mut Window,
    deadline: &Deadline,
    mut ready: impl FnMut(usize) -> bool,
    mut start: F,
) -> usize
where
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = Ended>,
{
    let mut running = FuturesUnordered::new();
    let (mut next, mut stopped) = (0, false);
    loop {
        while !stopped
            && next < count
            && running.len() < window.limit()
            && !deadline.passed()
            && ready(next)
        {
            running.push(start(next));
            next += 1;
        }
        let Some(ended) = running.next().await else {
            return next;
        };
        window.ended(ended.throttled);
        stopped |= ended.stop;
    }
}

/// What became of one request (a write, or a key to read) of a bulk step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Not sent (the step stopped first, or an earlier write of its key did not land).
    NotSent,
    /// Written (or read).
    Done,
    /// Sent, and came back unprocessed (or refused) every time it was tried.
    Unprocessed,
    /// Sent, and its answer was lost: it may or may not have been applied.
    Unknown,
}

/// The fates of a bulk step's requests, which jobs have ended, and the first error that
/// stopped it; shared by the jobs in flight (one thread: a `RefCell` each).
#[derive(Debug)]
pub struct Ledger {
    fates: RefCell<Vec<Fate>>,
    ended: RefCell<Vec<bool>>,
    error: RefCell<Option<Error>>,
}

impl Ledger {
    /// `requests` requests not sent, in `jobs` jobs not ended.
    pub fn new(requests: usize, jobs: usize) -> Ledger {
        Ledger {
            fates: RefCell::new(vec![Fate::NotSent; requests]),
            ended: RefCell::new(vec![false; jobs]),
            error: RefCell::default(),
        }
    }

    /// The fate of request `i`.
    pub fn fate(&self, i: usize) -> Fate {
        self.fates.borrow()[i]
    }

    /// Record the fate of each of `requests`.
    pub fn settle(&self, requests: impl IntoIterator<Item = usize>, fate: Fate) {
        let mut fates = self.fates.borrow_mut();
        for i in requests {
            fates[i] = fate;
        }
    }

    /// Job `job` ended, stopped by `error` when it has one (the first error is kept);
    /// what it tells the runner.
    pub fn end(&self, job: usize, throttled: bool, error: Option<Error>) -> Ended {
        self.ended.borrow_mut()[job] = true;
        let stop = error.is_some();
        if let Some(error) = error {
            self.error.borrow_mut().get_or_insert(error);
        }
        Ended { throttled, stop }
    }

    /// Whether job `job` has ended.
    pub fn has_ended(&self, job: usize) -> bool {
        self.ended.borrow()[job]
    }

    /// Every request's fate, and the error that stopped the step: the first job's error,
    /// else `timeout` when the deadline left requests unsent.
    pub fn close(self, deadline: &Deadline) -> (Vec<Fate>, Option<Error>) {
        let fates = self.fates.into_inner();
        let late = deadline.passed() && fates.contains(&Fate::NotSent);
        let error = self
            .error
            .into_inner()
            .or_else(|| late.then(Deadline::error));
        (fates, error)
    }
}

/// How a batch step's `progress` is sent again.
pub const REMAINDER: &str = "error.progress lists them, and its Remainder is ready to send again";

/// The error of a bulk step that ended early: `cause`'s kind and message, with `counts`
/// (what became of the requests, no request's content), how the rest is done (`resume`)
/// and the `progress` document.
pub fn ended_early(
    cause: Error,
    counts: &str,
    resume: &str,
    progress: &serde_json::Value,
) -> Error {
    Error {
        message: format!(
            "{}; the step stopped early: {counts} ({resume})",
            cause.message
        ),
        progress: Some(progress.to_string()),
        ..cause
    }
}

/// A bulk step's answer: its `progress`, or, when `error` stopped it early, that error
/// carrying the progress and the `counts` of its entries' fates.
pub fn outcome(
    error: Option<Error>,
    counts: &str,
    progress: serde_json::Value,
) -> Result<serde_json::Value> {
    match error {
        None => Ok(progress),
        Some(cause) => Err(ended_early(cause, counts, REMAINDER, &progress)),
    }
}

/// How many of `fates` are `fate`.
pub fn count(fates: &[Fate], fate: Fate) -> usize {
    fates.iter().filter(|f| **f == fate).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_halves_when_throttled_and_widens_by_one_after() {
        let mut window = Window::new(16);
        for expected in [8, 4, 2, 1, 1] {
            window.ended(true);
            assert_eq!(window.limit(), expected);
        }
        for expected in [2, 3, 4] {
            window.ended(false);
            assert_eq!(window.limit(), expected);
        }
        for _ in 0..40 {
            window.ended(false);
        }
        assert_eq!(window.limit(), 16);
    }

    #[test]
    fn a_step_keeps_a_tenth_of_its_time_limit_in_reserve() {
        assert_eq!(usable(Duration::from_mins(5)), Duration::from_secs(270));
        assert_eq!(usable(Duration::from_secs(5)), Duration::from_secs(4));
        assert_eq!(usable(Duration::from_secs(1)), Duration::from_millis(500));
    }

    #[test]
    fn concurrency_and_time_limits_outside_their_range_name_their_input() {
        assert_eq!(concurrency(None).unwrap(), 16);
        assert_eq!(
            concurrency(Some(0)).unwrap_err().field.as_deref(),
            Some("concurrency")
        );
        assert_eq!(
            concurrency(Some(33)).unwrap_err().field.as_deref(),
            Some("concurrency")
        );
        let late = Deadline::new(Some(3601)).unwrap_err();
        assert_eq!(late.field.as_deref(), Some("time-limit-seconds"));
        assert!(Deadline::new(Some(0)).is_err());
    }
}
