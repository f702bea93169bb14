//! Who may call: the bearer token (compared in constant time) and, for a service without
//! one, only loopback `Host` names and JSON bodies.

use super::Service;
use crate::status::refusal;
use crate::{ErrorKind, StepError};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;

/// `Authorization: Bearer TOKEN` when the service has a token (compared in constant time).
pub(super) async fn authorize(
    State(service): State<Arc<Service>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(token) = &service.token else {
        return match unguarded_refusal(&service, &request) {
            Some(refused) => refused,
            None => next.run(request).await,
        };
    };
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_token)
        .unwrap_or("");
    if constant_time_eq(given.as_bytes(), token.as_bytes()) {
        next.run(request).await
    } else {
        let error = StepError::new(
            ErrorKind::parse("access-denied"),
            "a valid bearer token is required",
        );
        let mut response = refusal(StatusCode::UNAUTHORIZED, &error);
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        response
    }
}

/// Why a request to a service without a token is refused, if it is: a loopback service
/// takes only a loopback name as its `Host` (a web page that rebinds its own name to
/// 127.0.0.1 is refused), and every `POST` must say its body is JSON (a web page cannot
/// send that to another origin without the service's consent, which it never gives).
fn unguarded_refusal(service: &Service, request: &Request) -> Option<Response> {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if service.loopback && !is_loopback_name(host) {
        let error = StepError::new(
            ErrorKind::parse("access-denied"),
            "a service without a token answers only to localhost, 127.0.0.1 or [::1] as its \
             Host: give the service a token to reach it by another name",
        );
        return Some(refusal(StatusCode::FORBIDDEN, &error));
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|t| t.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    let json = essence.eq_ignore_ascii_case("application/json")
        || essence.to_ascii_lowercase().ends_with("+json");
    if request.method() == axum::http::Method::POST && !json {
        let error = StepError::invalid(
            "Content-Type",
            "send the body as Content-Type: application/json",
        );
        return Some(refusal(StatusCode::UNSUPPORTED_MEDIA_TYPE, &error));
    }
    None
}

/// Whether a `Host` value names the loopback interface (with or without a port).
fn is_loopback_name(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost") || name == "127.0.0.1" || name == "::1"
}

/// The token of an `Authorization` value in the bearer scheme, whose name is
/// case-insensitive (RFC 7235).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim_start())
}

/// Whether two byte strings are equal, in time that does not depend on where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}
