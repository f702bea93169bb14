//! The HTTP status of every error kind a step can end in, matched on an enum; the
//! service refuses to start for a component whose error variant has a case not here.

use crate::{ErrorKind, Host, StepError};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// Every error kind the service knows a status for: the host's own kinds and the cases of
/// the connector's error variant (docs/errors.md). `serve` refuses to start for a
/// component whose error variant has a case that is not here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KnownKind {
    /// `invalid-input`: 400.
    InvalidInput,
    /// `validation`: 400.
    Validation,
    /// `conditional-check-failed`: 409.
    ConditionalCheckFailed,
    /// `transaction-canceled`: 409.
    TransactionCanceled,
    /// `resource-in-use`: 409.
    ResourceInUse,
    /// `resource-not-found`: 404.
    ResourceNotFound,
    /// `throttled`: 429.
    Throttled,
    /// `access-denied`: 403.
    AccessDenied,
    /// `timeout`: 504.
    Timeout,
    /// `network`: 502.
    Network,
    /// `service`: 502.
    Service,
    /// `outcome-unknown`: 502.
    OutcomeUnknown,
    /// `limit`: 413.
    Limit,
    /// `trap`: 500.
    Trap,
    /// `host`: 500.
    Host,
}

impl KnownKind {
    /// Every kind.
    pub const ALL: [KnownKind; 15] = [
        KnownKind::InvalidInput,
        KnownKind::Validation,
        KnownKind::ConditionalCheckFailed,
        KnownKind::TransactionCanceled,
        KnownKind::ResourceInUse,
        KnownKind::ResourceNotFound,
        KnownKind::Throttled,
        KnownKind::AccessDenied,
        KnownKind::Timeout,
        KnownKind::Network,
        KnownKind::Service,
        KnownKind::OutcomeUnknown,
        KnownKind::Limit,
        KnownKind::Trap,
        KnownKind::Host,
    ];

    /// The kind's documented name.
    pub fn name(self) -> &'static str {
        match self {
            KnownKind::InvalidInput => "invalid-input",
            KnownKind::Validation => "validation",
            KnownKind::ConditionalCheckFailed => "conditional-check-failed",
            KnownKind::TransactionCanceled => "transaction-canceled",
            KnownKind::ResourceInUse => "resource-in-use",
            KnownKind::ResourceNotFound => "resource-not-found",
            KnownKind::Throttled => "throttled",
            KnownKind::AccessDenied => "access-denied",
            KnownKind::Timeout => "timeout",
            KnownKind::Network => "network",
            KnownKind::Service => "service",
            KnownKind::OutcomeUnknown => "outcome-unknown",
            KnownKind::Limit => "limit",
            KnownKind::Trap => "trap",
            KnownKind::Host => "host",
        }
    }

    /// The kind of that name.
    pub fn named(name: &str) -> Option<KnownKind> {
        KnownKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The HTTP status of a step that failed with this kind.
    pub fn status(self) -> StatusCode {
        match self {
            KnownKind::InvalidInput | KnownKind::Validation => StatusCode::BAD_REQUEST,
            KnownKind::ConditionalCheckFailed
            | KnownKind::TransactionCanceled
            | KnownKind::ResourceInUse => StatusCode::CONFLICT,
            KnownKind::ResourceNotFound => StatusCode::NOT_FOUND,
            KnownKind::Throttled => StatusCode::TOO_MANY_REQUESTS,
            KnownKind::AccessDenied => StatusCode::FORBIDDEN,
            KnownKind::Timeout => StatusCode::GATEWAY_TIMEOUT,
            KnownKind::Network | KnownKind::Service | KnownKind::OutcomeUnknown => {
                StatusCode::BAD_GATEWAY
            }
            KnownKind::Limit => StatusCode::PAYLOAD_TOO_LARGE,
            KnownKind::Trap | KnownKind::Host => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// The HTTP status of an error kind (500 for a kind the service does not know, which
/// the service's start-up check keeps from happening).
pub fn status_of(kind: &ErrorKind) -> StatusCode {
    KnownKind::named(kind.as_str()).map_or(StatusCode::INTERNAL_SERVER_ERROR, KnownKind::status)
}

/// The error kinds of `host` the service has no status for.
pub fn kinds_without_status(host: &Host) -> Vec<String> {
    let mut kinds = host.error_kinds();
    kinds.retain(|kind| KnownKind::named(kind).is_none());
    kinds
}

/// A JSON answer with status 200.
pub(crate) fn json_response(value: &Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

/// The answer to a step that failed: its error object, with the status of its kind.
pub(crate) fn error_response(error: &StepError) -> Response {
    let mut response = json_response(&error.to_json());
    *response.status_mut() = status_of(&error.kind);
    response
}

/// The answer `status` with `error`'s object (a refusal of the service's own).
pub(crate) fn refusal(status: StatusCode, error: &StepError) -> Response {
    let mut response = json_response(&error.to_json());
    *response.status_mut() = status;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_documented_status() {
        let expected = [
            ("invalid-input", 400),
            ("validation", 400),
            ("conditional-check-failed", 409),
            ("transaction-canceled", 409),
            ("resource-in-use", 409),
            ("resource-not-found", 404),
            ("throttled", 429),
            ("access-denied", 403),
            ("timeout", 504),
            ("network", 502),
            ("service", 502),
            ("outcome-unknown", 502),
            ("limit", 413),
            ("trap", 500),
            ("host", 500),
        ];
        assert_eq!(expected.len(), KnownKind::ALL.len());
        for (name, status) in expected {
            let kind = KnownKind::named(name).unwrap_or_else(|| panic!("{name} is not a kind"));
            assert_eq!(kind.name(), name);
            assert_eq!(
                status_of(&ErrorKind::parse(name)).as_u16(),
                status,
                "{name}"
            );
        }
        assert_eq!(status_of(&ErrorKind::parse("something-new")).as_u16(), 500);
    }
}
