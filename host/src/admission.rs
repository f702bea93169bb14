//! One admission for every door of the service that runs steps (`/v1/steps`, `/v1/flows`,
//! trigger polls, MCP calls): a slot among `--concurrency`, else a place among `--queue`,
//! else 503 at once; a body read only once its slot is held, within the size limit (413,
//! at once on a declared length over it) and the body timeout (408); 503 while draining.
//! A [`Ticket`] holds the slot until the answer is sent.

use crate::metrics::Metrics;
use crate::status::refusal;
use crate::{ErrorKind, StepError};
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, request, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use http_body_util::BodyExt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

/// The service's admission: its slots, queue, body limits and drain state.
pub(crate) struct Gate {
    slots: Arc<Semaphore>,
    waiting: AtomicUsize,
    queue: usize,
    max_body_bytes: usize,
    body_timeout: Duration,
    /// Requests taken in (waiting for a slot or running).
    active: AtomicUsize,
    /// Told when `active` drops to zero.
    done: Notify,
    draining: AtomicBool,
    metrics: Arc<Metrics>,
}

/// A request counted among the active ones (waiting or running), until dropped.
struct Active(Arc<Gate>);

impl Drop for Active {
    fn drop(&mut self) {
        if self.0.active.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.done.notify_waiters();
        }
    }
}

/// A request admitted: its slot and its count among the running ones, until dropped.
pub(crate) struct Ticket {
    active: Active,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.active.0.metrics.in_flight.dec();
    }
}

impl Gate {
    /// A gate of `concurrency` slots and `queue` places.
    pub(crate) fn new(
        concurrency: usize,
        queue: usize,
        max_body_bytes: usize,
        body_timeout: Duration,
        metrics: Arc<Metrics>,
    ) -> Gate {
        Gate {
            slots: Arc::new(Semaphore::new(concurrency.max(1))),
            waiting: AtomicUsize::new(0),
            queue,
            max_body_bytes,
            body_timeout,
            active: AtomicUsize::new(0),
            done: Notify::new(),
            draining: AtomicBool::new(false),
            metrics,
        }
    }

    /// Take `request` in: refuse it while draining or when its declared length is over the
    /// limit, wait for a slot (503 when the queue is full), then read its body. Its head,
    /// its body and the ticket that holds its slot.
    pub(crate) async fn admit(
        self: &Arc<Self>,
        request: Request,
    ) -> Result<(Ticket, request::Parts, Bytes), Response> {
        if self.is_draining() {
            return Err(draining());
        }
        if declared_length(request.headers()).is_some_and(|n| n > self.max_body_bytes) {
            return Err(self.too_large());
        }
        self.active.fetch_add(1, Ordering::SeqCst);
        let active = Active(self.clone());
        let Some(permit) = self.slot().await else {
            return Err(unavailable(
                "every slot is busy and the queue is full; try again",
            ));
        };
        let (head, body) = request.into_parts();
        let body = self.read_body(body).await?;
        self.metrics.in_flight.inc();
        let ticket = Ticket {
            active,
            _permit: permit,
        };
        Ok((ticket, head, body))
    }

    /// Start draining: every new request is refused with 503.
    pub(crate) fn drain(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    pub(crate) fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    /// Resolves once no request is taken in.
    pub(crate) async fn idle(&self) {
        loop {
            let done = self.done.notified();
            if self.active.load(Ordering::SeqCst) == 0 {
                return;
            }
            done.await;
        }
    }

    /// A slot: at once, or after waiting in the queue; `None` when the queue is full.
    async fn slot(&self) -> Option<OwnedSemaphorePermit> {
        if let Ok(permit) = self.slots.clone().try_acquire_owned() {
            return Some(permit);
        }
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.queue {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        let permit = self.slots.clone().acquire_owned().await.ok();
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        permit
    }

    /// The whole body, within the size limit (413) and the body timeout (408).
    async fn read_body(&self, body: Body) -> Result<Bytes, Response> {
        let limited = http_body_util::Limited::new(body, self.max_body_bytes);
        match tokio::time::timeout(self.body_timeout, limited.collect()).await {
            Ok(Ok(collected)) => Ok(collected.to_bytes()),
            Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(self.too_large()),
            Ok(Err(e)) => {
                let error = StepError::invalid("step", format!("the body could not be read: {e}"));
                Err(refusal(StatusCode::BAD_REQUEST, &error))
            }
            Err(_) => {
                let error = StepError::new(
                    ErrorKind::Timeout,
                    format!(
                        "the body did not arrive within the service's {} s",
                        self.body_timeout.as_secs()
                    ),
                );
                Err(refusal(StatusCode::REQUEST_TIMEOUT, &error))
            }
        }
    }

    /// 413: the body is (or is declared) larger than the limit.
    pub(crate) fn too_large(&self) -> Response {
        let error = StepError::new(
            ErrorKind::Limit,
            format!(
                "the body is larger than the service's limit of {} bytes",
                self.max_body_bytes
            ),
        );
        refusal(StatusCode::PAYLOAD_TOO_LARGE, &error)
    }
}

/// The `Content-Length` a request declares, if it declares one.
fn declared_length(headers: &HeaderMap) -> Option<usize> {
    let value = headers.get(header::CONTENT_LENGTH)?.to_str().ok()?;
    Some(
        value
            .trim()
            .parse::<u64>()
            .map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX)),
    )
}

/// 503 while shutting down, closing the connection so its client goes to another replica.
pub(crate) fn draining() -> Response {
    let mut response = unavailable("the service is shutting down");
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// 503 with `message`, to be tried again in a second.
fn unavailable(message: &str) -> Response {
    let error = StepError::new(ErrorKind::Host, message);
    let mut response = refusal(StatusCode::SERVICE_UNAVAILABLE, &error);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}
