//! The connector's error type and the one place where AWS SDK errors become typed errors
//! (whether a failed write may have been applied is `aws::delivery`'s to say).

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::RequestId;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use std::error::Error as StdError;
use std::fmt::{self, Write as _};

/// What kind of failure an error is; mirrors the WIT `connector-error` cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `invalid-input`: an input is malformed; nothing was sent where that can be known.
    InvalidInput,
    /// `conditional-check-failed`: a write's condition did not hold.
    ConditionalCheckFailed,
    /// `resource-not-found`: the table (or index) does not exist.
    ResourceNotFound,
    /// `resource-in-use`: the table exists already or is being changed.
    ResourceInUse,
    /// `validation`: the service refused the request as invalid.
    Validation,
    /// `throttled`: throughput or request limits were exceeded after retries.
    Throttled,
    /// `access-denied`: the credentials are refused or lack a permission.
    AccessDenied,
    /// `network`: the request could not be sent or its answer not read.
    Network,
    /// `timeout`: a request took longer than allowed.
    Timeout,
    /// `service`: any other failure the service reported.
    Service,
    /// A write whose answer was lost: it may or may not have been applied.
    OutcomeUnknown,
    /// A transaction was cancelled; [`Error::reasons`] says why, action by action.
    TransactionCanceled,
}

impl Kind {
    /// The documented name of the kind (docs/errors.md), as the WIT case is spelt.
    pub fn name(self) -> &'static str {
        match self {
            Kind::InvalidInput => "invalid-input",
            Kind::ConditionalCheckFailed => "conditional-check-failed",
            Kind::ResourceNotFound => "resource-not-found",
            Kind::ResourceInUse => "resource-in-use",
            Kind::Validation => "validation",
            Kind::Throttled => "throttled",
            Kind::AccessDenied => "access-denied",
            Kind::Network => "network",
            Kind::Timeout => "timeout",
            Kind::Service => "service",
            Kind::OutcomeUnknown => "outcome-unknown",
            Kind::TransactionCanceled => "transaction-canceled",
        }
    }
}

/// Why one action of a cancelled transaction failed (code `None` when it did not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// The reason code, e.g. `ConditionalCheckFailed` (`None` for an action that did not fail).
    pub code: String,
    /// The service's description, if any.
    pub message: Option<String>,
    /// The item as it is (plain JSON text), for a failed condition that asked for it.
    pub item: Option<String>,
}

/// A failed action: its kind, a message without secrets, and where known the input at
/// fault or the AWS error code and request id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// What kind of failure it is.
    pub kind: Kind,
    /// What went wrong, for people; never a secret or item data.
    pub message: String,
    /// For `invalid-input`: the input at fault (docs/errors.md).
    pub field: Option<String>,
    /// For errors the service returned: its error code.
    pub code: Option<String>,
    /// For errors the service returned: its request id.
    pub request_id: Option<String>,
    /// For `conditional-check-failed` with `return-values-on-condition-failure`: the item
    /// as plain JSON text.
    pub item: Option<String>,
    /// For `transaction-canceled`: one reason per action of the transaction, in order.
    pub reasons: Vec<Reason>,
    /// For a bulk step that ended early: what it did and what is left, as JSON text.
    pub progress: Option<String>,
    /// For `throttled`: the service's `ThrottlingReasons`, as (reason, resource).
    pub throttling: Vec<(String, String)>,
}

/// The result of anything that can fail with an [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// An error of `kind` with only a message.
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            field: None,
            code: None,
            request_id: None,
            item: None,
            progress: None,
            throttling: Vec::new(),
            reasons: Vec::new(),
        }
    }

    /// An `invalid-input` error naming the input (and key) at fault, e.g. `value-types.age`.
    pub fn invalid(field: impl Into<String>, message: impl fmt::Display) -> Self {
        let field = field.into();
        Error {
            message: format!("{field}: {message}"),
            field: Some(field),
            ..Error::new(Kind::InvalidInput, "")
        }
    }

    /// Prefix the message with where the error happened (e.g. "assuming role").
    #[must_use]
    pub fn context(mut self, context: &str) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }
}

/// Most bytes of an error message; the rest is cut (a message never carries a request
/// body or a whole item).
pub const MESSAGE_LIMIT: usize = 2048;

impl Error {
    /// The error with its message cut to [`MESSAGE_LIMIT`] bytes (at a character boundary).
    #[must_use]
    pub fn capped(mut self) -> Self {
        if self.message.len() > MESSAGE_LIMIT {
            let mut end = MESSAGE_LIMIT;
            while !self.message.is_char_boundary(end) {
                end -= 1;
            }
            let cut = self.message.len() - end;
            self.message.truncate(end);
            let _ = write!(self.message, "… ({cut} bytes cut)");
        }
        self
    }
}

impl Error {
    /// The error as an output shows it when a step goes on past it (a table of a sweep, a
    /// step of a connection test): `{"Kind", "Message", "Code"}`, with every one of
    /// `secrets` taken out of the message, whatever the server echoed.
    pub fn shown(&self, secrets: &[&str]) -> serde_json::Value {
        let message = secrets
            .iter()
            .filter(|s| s.len() >= 4)
            .fold(self.message.clone(), |text, s| {
                text.replace(s, "[redacted]")
            });
        crate::model::shape::Obj::new()
            .set("Kind", self.kind.name())
            .set("Message", message)
            .opt("Code", self.code.clone())
            .build()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.kind, self.message)
    }
}

/// The kind of an AWS error code (shared by `DynamoDB` and STS).
pub fn kind_of_code(code: &str) -> Kind {
    match code {
        "ConditionalCheckFailedException" | "TransactionConflictException" => {
            Kind::ConditionalCheckFailed
        }
        "ResourceNotFoundException"
        | "TableNotFoundException"
        | "BackupNotFoundException"
        | "ExportNotFoundException"
        | "ImportNotFoundException" => Kind::ResourceNotFound,
        "ResourceInUseException"
        | "TableAlreadyExistsException"
        | "TableInUseException"
        | "BackupInUseException"
        | "ExportConflictException"
        | "ImportConflictException" => Kind::ResourceInUse,
        "ValidationException"
        | "ContinuousBackupsUnavailableException"
        | "PointInTimeRecoveryUnavailableException"
        | "InvalidRestoreTimeException"
        | "InvalidExportTimeException"
        | "SerializationException"
        | "ValidationError"
        | "MalformedPolicyDocument"
        | "InvalidParameterValue"
        | "ItemCollectionSizeLimitExceededException" => Kind::Validation,
        "ThrottlingException"
        | "Throttling"
        | "ProvisionedThroughputExceededException"
        | "RequestLimitExceeded"
        | "LimitExceededException" => Kind::Throttled,
        "AccessDeniedException"
        | "AccessDenied"
        | "UnrecognizedClientException"
        | "InvalidSignatureException"
        | "MissingAuthenticationToken"
        | "IncompleteSignature"
        | "InvalidClientTokenId"
        | "ExpiredToken"
        | "ExpiredTokenException"
        | "SignatureDoesNotMatch" => Kind::AccessDenied,
        _ => Kind::Service,
    }
}

/// The messages of an error and its sources, joined; the SDK puts the useful part
/// (e.g. "connection refused") at the bottom of the chain.
fn chain(err: &dyn StdError) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

/// The `ThrottlingReasons` of a throttling answer's body, `[{"reason", "resource"}]`, as
/// (reason, resource); empty when the body has none (or is not JSON).
fn throttling_reasons(body: Option<&[u8]>) -> Vec<(String, String)> {
    let Some(answer) = body.and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok())
    else {
        return Vec::new();
    };
    let reasons = answer.get("ThrottlingReasons").and_then(|r| r.as_array());
    let text = |r: &serde_json::Value, k: &str| r.get(k)?.as_str().map(str::to_string);
    reasons
        .into_iter()
        .flatten()
        .filter_map(|r| Some((text(r, "reason")?, text(r, "resource").unwrap_or_default())))
        .collect()
}

/// The characters of a body without an AWS error that a refusal's message shows.
const BODY_SHOWN: usize = 200;

/// The error of an answer without an AWS error code (a proxy's or a gateway's page, a
/// server that is not DynamoDB): `access-denied` for HTTP 401 and 403, with the first
/// characters of the body (which say who refused and why); `service` otherwise.
fn without_code(status: u16, body: Option<&[u8]>, e: &dyn StdError) -> Error {
    if status == 401 || status == 403 {
        let body = String::from_utf8_lossy(body.unwrap_or_default());
        let shown: String = body.trim().chars().take(BODY_SHOWN).collect();
        return Error::new(
            Kind::AccessDenied,
            format!(
                "the endpoint answered HTTP {status} without an AWS error: the request was \
                 refused before DynamoDB (a proxy, a gateway or a server that is not \
                 DynamoDB); it said: {shown:?}"
            ),
        );
    }
    Error::new(
        Kind::Service,
        format!(
            "the service answered HTTP {status} without an AWS error ({})",
            chain(e)
        ),
    )
}

impl<E> From<SdkError<E, HttpResponse>> for Error
where
    E: ProvideErrorMetadata + StdError + 'static,
    SdkError<E, HttpResponse>: RequestId,
{
    fn from(err: SdkError<E, HttpResponse>) -> Self {
        let request_id = err.request_id().map(str::to_string);
        match &err {
            SdkError::ServiceError(service) => {
                let e = service.err();
                let status = service.raw().status().as_u16();
                let Some(code) = e.code().map(str::to_string) else {
                    return Error {
                        request_id,
                        ..without_code(status, service.raw().body().bytes(), e)
                    };
                };
                let message = e.message().map_or_else(|| chain(e), str::to_string);
                let kind = kind_of_code(&code);
                let throttling = match kind {
                    Kind::Throttled => throttling_reasons(service.raw().body().bytes()),
                    _ => Vec::new(),
                };
                Error {
                    code: Some(code.clone()),
                    request_id,
                    throttling,
                    ..Error::new(kind, format!("{code}: {message}"))
                }
            }
            SdkError::TimeoutError(_) => Error::new(Kind::Timeout, chain(&err)),
            SdkError::DispatchFailure(failure) => {
                let kind = if failure.is_timeout() {
                    Kind::Timeout
                } else {
                    Kind::Network
                };
                Error::new(kind, chain(&err))
            }
            SdkError::ConstructionFailure(_) => Error::new(
                Kind::InvalidInput,
                format!(
                    "the request could not be built from the inputs: {}",
                    chain(&err)
                ),
            ),
            _ => Error {
                request_id,
                ..Error::new(Kind::Service, chain(&err))
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_reasons_are_read_from_the_answer_and_absent_ones_are_none() {
        let body = br#"{"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException",
            "message": "slow down", "ThrottlingReasons": [
            {"reason": "TableWriteKeyRangeThroughputExceeded", "resource": "arn:aws:dynamodb:us-east-1:1:table/t"},
            {"reason": "IndexReadMaxOnDemandThroughputExceeded", "resource": "arn:aws:dynamodb:us-east-1:1:table/t/index/i"}]}"#;
        let reasons = throttling_reasons(Some(body));
        assert_eq!(reasons.len(), 2);
        assert_eq!(reasons[1].0, "IndexReadMaxOnDemandThroughputExceeded");
        assert!(reasons[1].1.ends_with("/index/i"));
        assert!(throttling_reasons(Some(br#"{"message": "x"}"#)).is_empty());
        assert!(throttling_reasons(Some(b"<html>")).is_empty());
        assert!(throttling_reasons(None).is_empty());
    }

    #[test]
    fn long_messages_are_capped_at_a_character_boundary() {
        let long = Error::new(Kind::Network, "é".repeat(5000)).capped();
        assert!(
            long.message.len() <= MESSAGE_LIMIT + 32,
            "{}",
            long.message.len()
        );
        assert!(long.message.ends_with("bytes cut)"));
        let short = Error::new(Kind::Network, "short").capped();
        assert_eq!(short.message, "short");
    }
}
