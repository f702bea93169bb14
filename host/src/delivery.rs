//! Where `connector-host watch` hands each poll's records: standard output, or one `POST`
//! to the operator's URL.
//!
//! A `POST` goes only to that URL: a redirect is never followed (a `3xx` is a failed
//! attempt naming its location), each attempt has a connect timeout and an overall
//! deadline, and a stop request (SIGTERM) ends a delivery under way at once, unsaved.

use crate::error::{ErrorKind, StepError};
use serde_json::Value;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Where `watch` delivers each poll's records.
#[derive(Debug, Clone)]
pub enum Delivery {
    /// One JSON line per record on standard output, flushed before the state is saved.
    Stdout,
    /// One `POST` of `{"records": [...]}` per poll with records to `url`; a `2xx` answer
    /// is a delivery, anything else (a redirect included) a failed attempt.
    Post {
        /// The receiver's URL.
        url: String,
        /// The most one attempt may take, from connecting to the end of the answer.
        timeout: Duration,
    },
}

/// How a delivery ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivered {
    /// Every record was handed on.
    All,
    /// A stop request came first: what was handed on is not known.
    Stopped,
}

/// Attempts of one `POST` delivery before `watch` stops (without saving the state).
pub(crate) const ATTEMPTS: u32 = 6;
/// The most one attempt's connection may take to open (or the attempt's timeout, if less).
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default most one attempt may take, from connecting to the end of the answer.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

impl Delivery {
    /// Deliver `records`: every line written and flushed, or a `POST` answered `2xx`
    /// within six attempts (1 s between the first two, doubling).
    pub fn deliver(&self, records: &[Value], stop: &AtomicBool) -> Result<Delivered, StepError> {
        if records.is_empty() {
            return Ok(Delivered::All);
        }
        match self {
            Delivery::Stdout => {
                use std::io::Write;
                let mut out = std::io::stdout().lock();
                let written = records
                    .iter()
                    .try_for_each(|r| writeln!(out, "{r}"))
                    .and_then(|()| out.flush());
                written.map(|()| Delivered::All).map_err(|e| {
                    StepError::new(ErrorKind::Host, format!("cannot write the records: {e}"))
                })
            }
            Delivery::Post { url, timeout } => post(url, *timeout, records, stop),
        }
    }
}

/// `POST` `{"records": [...]}` to `url`, trying again with a doubling pause (1 s first).
fn post(
    url: &str,
    timeout: Duration,
    records: &[Value],
    stop: &AtomicBool,
) -> Result<Delivered, StepError> {
    let body = serde_json::to_vec(&serde_json::json!({ "records": records }))
        .map_err(|e| StepError::new(ErrorKind::Host, format!("the records: {e}")))?;
    let body = std::sync::Arc::new(body);
    let mut wait = Duration::from_secs(1);
    let mut last = String::new();
    for attempt in 1..=ATTEMPTS {
        match attempt_in_thread(url, timeout, &body, stop) {
            None => return Ok(Delivered::Stopped),
            Some(Ok(())) => return Ok(Delivered::All),
            Some(Err(why)) => last = why,
        }
        if attempt < ATTEMPTS {
            tracing::warn!("delivery failed, trying again: {last}");
            pause(wait, stop);
            if stop.load(Ordering::SeqCst) {
                return Ok(Delivered::Stopped);
            }
            wait *= 2;
        }
    }
    Err(StepError::new(
        ErrorKind::Host,
        format!(
            "the records could not be delivered after {ATTEMPTS} attempts ({last}); the state \
             was not saved"
        ),
    ))
}

/// One attempt on a thread of its own, so that a stop request is seen within 100 ms:
/// `None` when it came first (the attempt's thread ends at its own deadline).
fn attempt_in_thread(
    url: &str,
    timeout: Duration,
    body: &std::sync::Arc<Vec<u8>>,
    stop: &AtomicBool,
) -> Option<Result<(), String>> {
    let (sender, answer) = std::sync::mpsc::channel();
    let (url, body) = (url.to_string(), body.clone());
    std::thread::spawn(move || {
        let _ = sender.send(attempt(&url, timeout, &body));
    });
    loop {
        if stop.load(Ordering::SeqCst) {
            return None;
        }
        match answer.recv_timeout(Duration::from_millis(100)) {
            Ok(result) => return Some(result),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Some(Err("the delivery's thread ended without an answer".into()))
            }
        }
    }
}

/// One `POST`: `Ok` on a `2xx` answer, else why not (a redirect names its location, and
/// is not followed).
fn attempt(url: &str, timeout: Duration, body: &[u8]) -> Result<(), String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .timeout_connect(Some(CONNECT_TIMEOUT.min(timeout)))
        .timeout_global(Some(timeout))
        .build()
        .into();
    let response = agent
        .post(url)
        .header("content-type", "application/json")
        .send(body)
        .map_err(|e| e.to_string())?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    if status.is_redirection() {
        let location = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or("no location");
        return Err(format!(
            "the receiver answered {status} to {location}: deliveries go only to --deliver-to \
             and never follow a redirect"
        ));
    }
    Err(format!("the receiver answered {status}"))
}

/// Sleep `length`, waking early when `stop` is set.
pub(crate) fn pause(length: std::time::Duration, stop: &std::sync::atomic::AtomicBool) {
    let until = std::time::Instant::now() + length;
    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
        let left = until.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return;
        }
        std::thread::sleep(left.min(std::time::Duration::from_millis(100)));
    }
}
