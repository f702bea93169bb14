//! What the transactions share (`transact-write-items`, `transact-get-items`,
//! `execute-transaction`, and the single writes given an idempotency token): the client
//! request token, the limit on actions, and the `transaction-canceled` error that carries
//! each action's reason.
//!
//! The SDK fills a missing `ClientRequestToken` once per operation, before its retries, so
//! the retries inside one step never apply a transaction twice; a token of the caller's
//! extends that to repeated steps (`DynamoDB` remembers a token for 10 minutes).

use crate::aws::delivery;
use crate::aws::endpoint;
use crate::error::{Error, Kind, Reason, Result};
use crate::model::values;
use crate::model::Access;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::{
    execute_transaction::ExecuteTransactionError, transact_get_items::TransactGetItemsError,
    transact_write_items::TransactWriteItemsError, RequestId,
};
use aws_sdk_dynamodb::types::CancellationReason;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

/// Actions (or statements) per transaction: the service's limit.
pub const MAX_ACTIONS: usize = 100;

/// A client request token: 1 to 36 printable ASCII characters.
pub fn token(field: &str, token: Option<&str>) -> Result<Option<String>> {
    match endpoint::optional_credential(field, token)? {
        Some(t) if t.len() > 36 => Err(Error::invalid(field, "must be at most 36 characters")),
        other => Ok(other.map(str::to_string)),
    }
}

/// The errors of the transaction operations, which can carry cancellation reasons.
pub trait Cancellable {
    /// The reasons, when the transaction was cancelled.
    fn cancellation(&self) -> Option<&[CancellationReason]>;
}

macro_rules! cancellable {
    ($($error:ident),*) => {$(
        impl Cancellable for $error {
            fn cancellation(&self) -> Option<&[CancellationReason]> {
                match self {
                    $error::TransactionCanceledException(e) => Some(e.cancellation_reasons()),
                    _ => None,
                }
            }
        }
    )*};
}
cancellable!(
    TransactWriteItemsError,
    TransactGetItemsError,
    ExecuteTransactionError
);

/// The error of a failed transaction: `transaction-canceled` with every action's reason in
/// order; a token reused for a different transaction `invalid-input` naming `token_field`;
/// a write whose answer was lost `outcome-unknown`; anything else as [`Error::from`].
pub fn error<E>(err: SdkError<E, HttpResponse>, token_field: &str, access: Access) -> Error
where
    E: Cancellable + ProvideErrorMetadata + std::error::Error + 'static,
    SdkError<E, HttpResponse>: RequestId,
{
    let service = err.as_service_error();
    if service.and_then(ProvideErrorMetadata::code) == Some("IdempotentParameterMismatchException")
    {
        return Error::invalid(
            token_field,
            "was used within the last 10 minutes for a different transaction",
        );
    }
    let reasons = service.and_then(Cancellable::cancellation).map(reasons);
    let cause = match access {
        Access::Write => delivery::write_with(err, Some(token_field)),
        Access::Read => delivery::of_access(err, access),
    };
    match reasons {
        Some(reasons) => Error {
            kind: Kind::TransactionCanceled,
            reasons,
            ..cause
        },
        None => cause,
    }
}

/// The reasons as the error carries them, an item as plain JSON text.
pub fn reasons(list: &[CancellationReason]) -> Vec<Reason> {
    list.iter()
        .map(|r| Reason {
            code: r.code().unwrap_or("None").to_string(),
            message: r.message().map(str::to_string),
            item: r.item().map(|i| values::item_to_json_plain(i).to_string()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::AttributeValue;

    #[test]
    fn tokens_are_printable_and_at_most_36_characters() {
        assert_eq!(token("t", Some("abc")).unwrap().as_deref(), Some("abc"));
        assert_eq!(token("t", None).unwrap(), None);
        let long = "x".repeat(37);
        assert_eq!(
            token("t", Some(&long)).unwrap_err().field.as_deref(),
            Some("t")
        );
        assert!(token("t", Some("two words")).is_err());
    }

    #[test]
    fn reasons_keep_their_order_codes_and_items() {
        let failed = CancellationReason::builder()
            .code("ConditionalCheckFailed")
            .message("The conditional request failed")
            .item(
                "id",
                AttributeValue::N("12345678901234567890123456789012345678".into()),
            )
            .build();
        let fine = CancellationReason::builder().code("None").build();
        let unset = CancellationReason::builder().build();
        let out = reasons(&[fine, failed, unset]);
        let codes: Vec<&str> = out.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(codes, ["None", "ConditionalCheckFailed", "None"]);
        assert_eq!(
            out[1].item.as_deref(),
            Some(r#"{"id":12345678901234567890123456789012345678}"#)
        );
        assert_eq!(out[0].item, None);
    }
}
