//! The lean path's retry bookkeeping, as the SDK's standard retry strategy keeps it: the
//! wait before a retry (exponential backoff with full jitter from the client's retry
//! settings, or the server's `x-amz-retry-after` within its bounds), the retry quota (a
//! token bucket: a retry costs tokens, a success returns them), and the clock skew measured
//! from the answers' `Date` (signing time corrected, skew errors retried).

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::retries::classifiers::{RetryAction, RetryReason};
use aws_smithy_types::date_time::{DateTime, Format};
use aws_smithy_types::retry::{ErrorKind, RetryConfig, RetrySpecVersion};
use std::cell::Cell;
use std::time::{Duration, SystemTime};

/// The retry quota's capacity, and what a retry costs: the SDK's defaults for the standard
/// retry mode (retry behaviour 2.0: 5 tokens, a transient error's 10; 2.1: 14, a
/// throttling error's 5).
const QUOTA: u32 = 500;

/// A skew larger than this makes a clock-skew error retryable (the SDK's threshold).
const SKEW_THRESHOLD: Duration = Duration::from_mins(4);
/// An answer slower than this does not measure the skew.
const MAX_TRUSTED_ROUND_TRIP: Duration = Duration::from_mins(15);
/// The error codes a skewed clock causes.
const SKEW_ERROR_CODES: &[&str] = &[
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "AuthFailure",
    "RequestTimeTooSkewed",
    "AccessDeniedException",
];

thread_local! {
    /// The instance's retry quota (the guest runs one thread).
    static TOKENS: Cell<u32> = const { Cell::new(QUOTA) };
}

/// The tokens a request's latest retry holds (as the SDK's strategy holds one permit: a new
/// retry's replaces the last, which goes back).
#[derive(Debug, Default)]
pub(super) struct Permit(u32);

impl Permit {
    /// Hold the tokens of a retry of `kind` instead of the last retry's; `false` when the
    /// quota cannot pay (no retry then).
    pub(super) fn renew(&mut self, config: &RetryConfig, kind: ErrorKind) -> bool {
        give_back(std::mem::take(&mut self.0));
        match acquire(config, kind) {
            Some(cost) => {
                self.0 = cost;
                true
            }
            None => false,
        }
    }

    /// The request succeeded: the tokens held go back, or one token is earned.
    pub(super) fn succeeded(&mut self) {
        give_back(std::mem::take(&mut self.0).max(1));
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        give_back(self.0);
    }
}

/// Put `tokens` back into the quota (never over its capacity).
fn give_back(tokens: u32) {
    TOKENS.with(|t| t.set(t.get().saturating_add(tokens).min(QUOTA)));
}

/// Tokens a retry of `kind` takes from the quota, or `None` when the quota cannot pay.
fn acquire(config: &RetryConfig, kind: ErrorKind) -> Option<u32> {
    let v2_1 = config
        .retry_spec()
        .is_some_and(|s| s.is_at_least(RetrySpecVersion::V2_1));
    let cost = match (v2_1, kind) {
        (false, ErrorKind::TransientError) => 10,
        (false, _) | (true, ErrorKind::ThrottlingError) => 5,
        (true, _) => 14,
    };
    TOKENS.with(|tokens| {
        let left = tokens.get().checked_sub(cost)?;
        tokens.set(left);
        Some(cost)
    })
}

/// The wait before retry number `retry` (1 for the first) of `action`, and the kind of error
/// retried; `None` when the action is not a retry.
pub(super) fn backoff(
    config: &RetryConfig,
    action: &RetryAction,
    retry: u32,
) -> Option<(Duration, ErrorKind)> {
    let RetryAction::RetryIndicated(RetryReason::RetryableError { kind, retry_after }) = action
    else {
        return None;
    };
    let initial = match (kind, config.retry_spec()) {
        (ErrorKind::ThrottlingError, _) | (_, None) => config.initial_backoff(),
        (_, Some(spec)) => spec.non_throttling_initial_backoff(),
    };
    let power = 2_u32
        .checked_pow(retry.saturating_sub(1))
        .unwrap_or(u32::MAX);
    let jitter = if config.use_static_exponential_base() {
        1.0
    } else {
        fastrand::f64()
    };
    let max = config.max_backoff();
    let wait = Duration::try_from_secs_f64(jitter * initial.as_secs_f64() * f64::from(power))
        .map_or(max, |wait| wait.min(max));
    let wait = match retry_after {
        None => wait,
        Some(after)
            if config
                .retry_spec()
                .is_some_and(|s| s.is_at_least(RetrySpecVersion::V2_1)) =>
        {
            (*after).clamp(wait, wait + Duration::from_secs(5))
        }
        Some(after) => (*after).min(max),
    };
    Some((wait, *kind))
}

/// The difference between the service's clock and this one, in milliseconds (positive when
/// the service is ahead), measured from `response`'s `Date` at the round trip's midpoint.
pub(super) fn skew(response: &HttpResponse, sent: SystemTime, received: SystemTime) -> Option<i64> {
    if response.headers().get("age").is_some() {
        return None;
    }
    let date = DateTime::from_str(response.headers().get("date")?, Format::HttpDate).ok()?;
    let server = SystemTime::try_from(date).ok()?;
    let elapsed = received.duration_since(sent).unwrap_or_default();
    if elapsed > MAX_TRUSTED_ROUND_TRIP {
        return None;
    }
    let midpoint = sent + elapsed / 2;
    Some(match server.duration_since(midpoint) {
        Ok(ahead) => i64::try_from(ahead.as_millis()).unwrap_or(i64::MAX),
        Err(behind) => -i64::try_from(behind.duration().as_millis()).unwrap_or(i64::MAX),
    })
}

/// `now` corrected by `skew` milliseconds.
pub(super) fn corrected(now: SystemTime, skew: i64) -> SystemTime {
    let by = Duration::from_millis(skew.unsigned_abs());
    if skew >= 0 {
        now + by
    } else {
        now.checked_sub(by).unwrap_or(now)
    }
}

/// A failure with error `code` is retried as a clock-skew error when the skew measured
/// from its answer is over the threshold.
pub(super) fn skewed(code: Option<&str>, skew: Option<i64>) -> bool {
    let over = skew.is_some_and(|s| Duration::from_millis(s.unsigned_abs()) > SKEW_THRESHOLD);
    over && code.is_some_and(|code| SKEW_ERROR_CODES.contains(&code))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttled(after: Option<Duration>) -> RetryAction {
        RetryAction::RetryIndicated(RetryReason::RetryableError {
            kind: ErrorKind::ThrottlingError,
            retry_after: after,
        })
    }

    #[test]
    fn a_retry_waits_within_its_doubling_ceiling() {
        let config = RetryConfig::standard();
        for retry in 1..6 {
            let (wait, _) = backoff(&config, &throttled(None), retry).expect("a retry");
            let ceiling = config.initial_backoff() * 2_u32.pow(retry - 1);
            assert!(wait <= ceiling.min(config.max_backoff()), "retry {retry}");
        }
        let none = RetryAction::NoActionIndicated;
        assert_eq!(backoff(&config, &none, 1), None);
    }

    #[test]
    fn the_servers_retry_after_is_kept_within_the_maximum() {
        let config = RetryConfig::standard();
        let after = Some(Duration::from_hours(1));
        let (wait, _) = backoff(&config, &throttled(after), 1).expect("a retry");
        assert_eq!(wait, config.max_backoff());
    }

    #[test]
    fn the_quota_runs_out_and_successes_refill_it() {
        let config = RetryConfig::standard();
        let mut held = 0;
        while let Some(cost) = acquire(&config, ErrorKind::ServerError) {
            held += cost;
        }
        assert_eq!(held, QUOTA);
        let mut permit = Permit::default();
        assert!(!permit.renew(&config, ErrorKind::ThrottlingError));
        give_back(held);
        assert!(permit.renew(&config, ErrorKind::TransientError));
        assert_eq!(TOKENS.with(Cell::get), QUOTA - 10);
        permit.succeeded();
        assert_eq!(TOKENS.with(Cell::get), QUOTA);
    }

    #[test]
    fn a_skew_is_measured_at_the_midpoint_and_applied() {
        let sent = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let received = sent + Duration::from_secs(2);
        let server = DateTime::from(sent + Duration::from_secs(601));
        let mut response = HttpResponse::new(
            200.try_into().expect("a status"),
            aws_smithy_types::body::SdkBody::empty(),
        );
        let date = server.fmt(Format::HttpDate).expect("a date");
        response.headers_mut().insert("date", date);
        let skew = skew(&response, sent, received).expect("a skew");
        assert_eq!(skew, 600_000);
        assert_eq!(corrected(sent, skew), sent + Duration::from_mins(10));
        assert!(skewed(Some("InvalidSignatureException"), Some(skew)));
        assert!(!skewed(Some("ValidationException"), Some(skew)));
        assert!(!skewed(Some("InvalidSignatureException"), Some(1_000)));
    }
}
