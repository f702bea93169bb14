//! The delivery rules of requests: whether a failed request may have been applied by the
//! server, which decides whether a write is retried and whether its failure is
//! `outcome-unknown` (docs/errors.md, "Delivery of writes").
//!
//! A transport failure is judged by its `wasi:http` error code, which `aws::transport`
//! keeps as a typed [`TransportError`] in the SDK's connector error: failures before the
//! request left (the name did not resolve, the connection was refused or timed out, the TLS
//! handshake failed, the host refused the destination) cannot have applied anything; any
//! other failure after sending may have.

use crate::error::{Error, Kind};
use crate::model::Access;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::RequestId;
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, RetryAction};
use std::error::Error as StdError;
use std::fmt;
use wasip2::http::types::ErrorCode;

/// Whether a failed request can have reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// It failed before anything was sent: retrying cannot apply a write twice.
    No,
    /// It may have been sent (and applied).
    Maybe,
}

/// Whether a request that failed with the `wasi:http` error `code` can have been sent.
pub fn sent(code: &ErrorCode) -> Sent {
    match code {
        ErrorCode::DnsTimeout
        | ErrorCode::DnsError(_)
        | ErrorCode::DestinationNotFound
        | ErrorCode::DestinationUnavailable
        | ErrorCode::DestinationIpProhibited
        | ErrorCode::DestinationIpUnroutable
        | ErrorCode::ConnectionRefused
        | ErrorCode::ConnectionTimeout
        | ErrorCode::TlsProtocolError
        | ErrorCode::TlsCertificateError
        | ErrorCode::HttpRequestDenied => Sent::No,
        _ => Sent::Maybe,
    }
}

/// A request the transport could not complete: its `wasi:http` error code when it has one,
/// and whether it can have been sent.
#[derive(Debug)]
pub struct TransportError {
    code: Option<ErrorCode>,
    sent: Sent,
    message: String,
}

impl TransportError {
    /// A failure with a `wasi:http` error code; whether it was sent follows from the code.
    pub fn code(code: ErrorCode) -> Self {
        TransportError {
            message: code.to_string(),
            sent: sent(&code),
            code: Some(code),
        }
    }

    /// A failure without an error code before anything was sent (a request that could not
    /// be converted).
    pub fn before_sending(message: impl Into<String>) -> Self {
        TransportError {
            code: None,
            sent: Sent::No,
            message: message.into(),
        }
    }

    /// A failure without an error code once the request may have gone out (a body that
    /// could not be written, an answer that could not be converted).
    pub fn after_sending(message: impl Into<String>) -> Self {
        TransportError {
            code: None,
            sent: Sent::Maybe,
            message: message.into(),
        }
    }

    /// Whether the request can have been sent.
    pub fn sent(&self) -> Sent {
        self.sent
    }

    /// Whether the host refused the destination (`HTTP-request-denied`).
    pub fn refused_by_host(&self) -> bool {
        matches!(self.code, Some(ErrorCode::HttpRequestDenied))
    }

    /// The transport error a connector error carries, if it is one.
    pub fn of(error: &ConnectorError) -> Option<&TransportError> {
        error.source()?.downcast_ref()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for TransportError {}

/// Whether a connector error can have been sent: only a [`TransportError`] before sending
/// says no.
fn connector_sent(error: &ConnectorError) -> Sent {
    TransportError::of(error).map_or(Sent::Maybe, TransportError::sent)
}

/// Whether a failed request may have been applied by the server: an HTTP 5xx, an answer
/// that could not be read, a timeout, or a transport failure after the request was sent.
pub fn may_have_been_applied<E>(err: &SdkError<E, HttpResponse>) -> bool {
    match err {
        SdkError::ServiceError(service) => service.raw().status().as_u16() >= 500,
        SdkError::TimeoutError(_) | SdkError::ResponseError(_) => true,
        SdkError::DispatchFailure(failure) => failure
            .as_connector_error()
            .is_none_or(|c| connector_sent(c) == Sent::Maybe),
        _ => false,
    }
}

/// The error of a write that is not retried after an ambiguous failure: such a failure is
/// `outcome-unknown`, anything else as [`Error::from`].
pub fn write<E>(err: SdkError<E, HttpResponse>) -> Error
where
    E: ProvideErrorMetadata + StdError + 'static,
    SdkError<E, HttpResponse>: RequestId,
{
    write_with(err, None)
}

/// [`write`] for an action whose input `token` (`idempotency-token`,
/// `client-request-token`) makes a repeated write safe: the advice names it.
pub fn write_with<E>(err: SdkError<E, HttpResponse>, token: Option<&str>) -> Error
where
    E: ProvideErrorMetadata + StdError + 'static,
    SdkError<E, HttpResponse>: RequestId,
{
    if !may_have_been_applied(&err) {
        return Error::from(err);
    }
    let cause = Error::from(err);
    let repeat = token.map_or_else(String::new, |token| {
        format!(", or repeat the step with the same {token}")
    });
    Error {
        kind: Kind::OutcomeUnknown,
        message: format!(
            "the write may or may not have been applied (its answer was lost: {}); read the \
             item or table to find out before repeating the step{repeat}",
            cause.message
        ),
        ..cause
    }
}

/// The error of a failed request that reads ([`Error::from`]) or writes ([`write`]).
pub fn of_access<E>(err: SdkError<E, HttpResponse>, access: Access) -> Error
where
    E: ProvideErrorMetadata + StdError + 'static,
    SdkError<E, HttpResponse>: RequestId,
{
    match access {
        Access::Read => Error::from(err),
        Access::Write => write(err),
    }
}

/// A retry forbidden when `forbid`, else left to the other classifiers.
fn forbidden_if(forbid: bool) -> RetryAction {
    if forbid {
        RetryAction::RetryForbidden
    } else {
        RetryAction::NoActionIndicated
    }
}

/// A request the host refused (`wasi:http`'s `HTTP-request-denied`) is not retried: the
/// refusal is the host operator's policy, and the same request would be refused again.
#[derive(Debug)]
pub struct RefusedByHost;

impl ClassifyRetry for RefusedByHost {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let refused = match ctx.output_or_error() {
            Some(Err(error)) => error
                .as_connector_error()
                .and_then(TransportError::of)
                .is_some_and(TransportError::refused_by_host),
            _ => false,
        };
        forbidden_if(refused)
    }

    fn name(&self) -> &'static str {
        "refused by the host"
    }
}

/// Forbids a retry when the failed attempt may have been applied (an HTTP 5xx, an answer
/// that could not be read, an attempt timeout, a transport failure after sending): the
/// classifier of the at-most-once client of non-idempotent writes.
#[derive(Debug)]
pub struct AmbiguousNotRetried;

impl ClassifyRetry for AmbiguousNotRetried {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let Some(Err(error)) = ctx.output_or_error() else {
            return RetryAction::NoActionIndicated;
        };
        let server_error = ctx.response().is_some_and(|r| r.status().as_u16() >= 500);
        let ambiguous = match error.as_connector_error() {
            Some(transport) => connector_sent(transport) == Sent::Maybe,
            None => error.is_timeout_error() || error.is_response_error() || server_error,
        };
        forbidden_if(ambiguous)
    }

    fn name(&self) -> &'static str {
        "possibly applied write not retried"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasip2::http::types::{DnsErrorPayload, FieldSizePayload, TlsAlertReceivedPayload};

    /// Every `wasi:http` error code and whether a request that failed with it can have
    /// been sent.
    fn every_code() -> Vec<(ErrorCode, Sent)> {
        use ErrorCode as C;
        use Sent::{Maybe, No};
        let field = || FieldSizePayload {
            field_name: None,
            field_size: None,
        };
        let dns = DnsErrorPayload {
            rcode: None,
            info_code: None,
        };
        let alert = TlsAlertReceivedPayload {
            alert_id: None,
            alert_message: None,
        };
        vec![
            (C::DnsTimeout, No),
            (C::DnsError(dns), No),
            (C::DestinationNotFound, No),
            (C::DestinationUnavailable, No),
            (C::DestinationIpProhibited, No),
            (C::DestinationIpUnroutable, No),
            (C::ConnectionRefused, No),
            (C::ConnectionTerminated, Maybe),
            (C::ConnectionTimeout, No),
            (C::ConnectionReadTimeout, Maybe),
            (C::ConnectionWriteTimeout, Maybe),
            (C::ConnectionLimitReached, Maybe),
            (C::TlsProtocolError, No),
            (C::TlsCertificateError, No),
            (C::TlsAlertReceived(alert), Maybe),
            (C::HttpRequestDenied, No),
            (C::HttpRequestLengthRequired, Maybe),
            (C::HttpRequestBodySize(None), Maybe),
            (C::HttpRequestMethodInvalid, Maybe),
            (C::HttpRequestUriInvalid, Maybe),
            (C::HttpRequestUriTooLong, Maybe),
            (C::HttpRequestHeaderSectionSize(None), Maybe),
            (C::HttpRequestHeaderSize(None), Maybe),
            (C::HttpRequestTrailerSectionSize(None), Maybe),
            (C::HttpRequestTrailerSize(field()), Maybe),
            (C::HttpResponseIncomplete, Maybe),
            (C::HttpResponseHeaderSectionSize(None), Maybe),
            (C::HttpResponseHeaderSize(field()), Maybe),
            (C::HttpResponseBodySize(None), Maybe),
            (C::HttpResponseTrailerSectionSize(None), Maybe),
            (C::HttpResponseTrailerSize(field()), Maybe),
            (C::HttpResponseTransferCoding(None), Maybe),
            (C::HttpResponseContentCoding(None), Maybe),
            (C::HttpResponseTimeout, Maybe),
            (C::HttpUpgradeFailed, Maybe),
            (C::HttpProtocolError, Maybe),
            (C::LoopDetected, Maybe),
            (C::ConfigurationError, Maybe),
            (C::InternalError(Some("HttpRequestDenied".into())), Maybe),
        ]
    }

    #[test]
    fn each_wasi_http_error_code_is_classified() {
        for (code, expected) in every_code() {
            let name = format!("{code:?}");
            assert_eq!(sent(&code), expected, "{name}");
            let connector = ConnectorError::io(Box::new(TransportError::code(code)));
            assert_eq!(
                connector_sent(&connector),
                expected,
                "{name} in a connector error"
            );
        }
    }

    #[test]
    fn only_a_denied_request_counts_as_refused_by_the_host() {
        for (code, _) in every_code() {
            let denied = matches!(code, ErrorCode::HttpRequestDenied);
            assert_eq!(TransportError::code(code).refused_by_host(), denied);
        }
    }

    #[test]
    fn errors_without_a_code_say_whether_they_were_sent() {
        let other = ConnectorError::other("HttpRequestDenied ConnectionRefused".into(), None);
        assert_eq!(connector_sent(&other), Sent::Maybe);
        let before = TransportError::before_sending("bad request");
        let before = ConnectorError::other(Box::new(before), None);
        assert_eq!(connector_sent(&before), Sent::No);
        let after = TransportError::after_sending("body write failed");
        let after = ConnectorError::other(Box::new(after), None);
        assert_eq!(connector_sent(&after), Sent::Maybe);
    }
}
