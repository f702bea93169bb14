//! One JSON log line per request, and its request id.

use super::Service;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

/// One JSON log line per request, with its request id (echoed in `x-request-id`); never
/// the request's or the response's body.
pub(super) async fn log(
    State(service): State<Arc<Service>>,
    request: Request,
    next: Next,
) -> Response {
    let id = request_id(&service, request.headers());
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    let started = Instant::now();
    let mut response = next.run(request).await;
    tracing::info!(
        request_id = %id,
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// The request id the caller gave (up to 64 letters, digits, `-` or `_`), else a new one.
fn request_id(service: &Service, headers: &HeaderMap) -> String {
    let given = headers.get("x-request-id").and_then(|v| v.to_str().ok());
    match given {
        Some(id)
            if !id.is_empty()
                && id.len() <= 64
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            id.to_string()
        }
        _ => format!(
            "{:08x}-{}",
            std::process::id(),
            service.next_id.fetch_add(1, Ordering::Relaxed)
        ),
    }
}
