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
pub enum Kind {
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

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 15] = [
        Kind::InvalidInput,
        Kind::Validation,
        Kind::ConditionalCheckFailed,
        Kind::TransactionCanceled,
        Kind::ResourceInUse,
        Kind::ResourceNotFound,
        Kind::Throttled,
        Kind::AccessDenied,
        Kind::Timeout,
        Kind::Network,
        Kind::Service,
        Kind::OutcomeUnknown,
        Kind::Limit,
        Kind::Trap,
        Kind::Host,
    ];

    /// The kind's documented name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::InvalidInput => "invalid-input",
            Kind::Validation => "validation",
            Kind::ConditionalCheckFailed => "conditional-check-failed",
            Kind::TransactionCanceled => "transaction-canceled",
            Kind::ResourceInUse => "resource-in-use",
            Kind::ResourceNotFound => "resource-not-found",
            Kind::Throttled => "throttled",
            Kind::AccessDenied => "access-denied",
            Kind::Timeout => "timeout",
            Kind::Network => "network",
            Kind::Service => "service",
            Kind::OutcomeUnknown => "outcome-unknown",
            Kind::Limit => "limit",
            Kind::Trap => "trap",
            Kind::Host => "host",
        }
    }

    /// The kind of that name.
    pub fn named(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The HTTP status of a step that failed with this kind.
    pub fn status(self) -> StatusCode {
        match self {
            Kind::InvalidInput | Kind::Validation => StatusCode::BAD_REQUEST,
            Kind::ConditionalCheckFailed | Kind::TransactionCanceled | Kind::ResourceInUse => {
                StatusCode::CONFLICT
            }
            Kind::ResourceNotFound => StatusCode::NOT_FOUND,
            Kind::Throttled => StatusCode::TOO_MANY_REQUESTS,
            Kind::AccessDenied => StatusCode::FORBIDDEN,
            Kind::Timeout => StatusCode::GATEWAY_TIMEOUT,
            Kind::Network | Kind::Service | Kind::OutcomeUnknown => StatusCode::BAD_GATEWAY,
            Kind::Limit => StatusCode::PAYLOAD_TOO_LARGE,
            Kind::Trap | Kind::Host => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// The HTTP status of an error kind (500 for a kind the service does not know, which
/// the service's start-up check keeps from happening).
pub fn status_of(kind: &ErrorKind) -> StatusCode {
    Kind::named(kind.as_str()).map_or(StatusCode::INTERNAL_SERVER_ERROR, Kind::status)
}

/// The error kinds of `host` the service has no status for.
pub fn kinds_without_status(host: &Host) -> Vec<String> {
    let mut kinds = host.error_kinds();
    kinds.retain(|kind| Kind::named(kind).is_none());
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
        assert_eq!(expected.len(), Kind::ALL.len());
        for (name, status) in expected {
            let kind = Kind::named(name).unwrap_or_else(|| panic!("{name} is not a kind"));
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
