//! How a checked write is sent and answered: alone (at most once without a token) or as a
//! one-item transaction with its token, and the output its answer makes.

#[allow(clippy::wildcard_imports)]
use super::*;

/// The answer of a single write, as its output shows it.
pub(crate) trait Answer {
    /// The item's attributes, when returned.
    fn attributes(&self) -> Option<&Item>;
    /// The capacity the write consumed, when reported.
    fn capacity(&self) -> Option<&ConsumedCapacity>;
    /// The size of the item collection it touched, when reported.
    fn metrics(&self) -> Option<&ItemCollectionMetrics>;
}

macro_rules! answer {
    ($($output:ty),*) => {$(
        impl Answer for $output {
            fn attributes(&self) -> Option<&Item> {
                self.attributes.as_ref()
            }
            fn capacity(&self) -> Option<&ConsumedCapacity> {
                self.consumed_capacity.as_ref()
            }
            fn metrics(&self) -> Option<&ItemCollectionMetrics> {
                self.item_collection_metrics.as_ref()
            }
        }
    )*};
}
answer!(PutItemOutput, UpdateItemOutput, DeleteItemOutput);

/// The answer of a write sent as a one-item transaction: no attributes, and the capacity
/// and item collection of its one table.
struct Transacted(aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsOutput);

impl Answer for Transacted {
    fn attributes(&self) -> Option<&Item> {
        None
    }
    fn capacity(&self) -> Option<&ConsumedCapacity> {
        self.0.consumed_capacity().first()
    }
    fn metrics(&self) -> Option<&ItemCollectionMetrics> {
        let tables = self.0.item_collection_metrics.as_ref()?;
        tables.values().flatten().next()
    }
}

/// One write of a transaction.
pub(crate) enum Op {
    /// Create or replace this item.
    Put(Item),
    /// Update the item with this key by this update expression.
    Update(Item, String),
    /// Delete the item with this key.
    Delete(Item),
    /// Check the condition on the item with this key; write nothing.
    Check(Item),
}

impl Write {
    /// The idempotency token, when the write has one.
    pub(crate) fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// The error of a failed single write: `outcome-unknown` when it may have been
    /// applied, and on `conditional-check-failed` the item when it was asked for.
    pub(crate) fn error<E>(err: SdkError<E, HttpResponse>) -> Error
    where
        E: ConditionItem
            + aws_sdk_dynamodb::error::ProvideErrorMetadata
            + std::error::Error
            + 'static,
        SdkError<E, HttpResponse>: aws_sdk_dynamodb::operation::RequestId,
    {
        let item = err
            .as_service_error()
            .and_then(ConditionItem::condition_item);
        let item = item.map(|i| values::item_to_json_plain(i).to_string());
        Error {
            item,
            ..delivery::write_with(err, Some("idempotency-token"))
        }
    }

    /// Send `op` on `table` as a one-item `TransactWriteItems` with the idempotency token;
    /// the output has no `Attributes` (a transaction returns none).
    pub(crate) async fn transact(
        &self,
        client: &aws_sdk_dynamodb::Client,
        table: &str,
        op: Op,
    ) -> Result<Value> {
        let item = transact_item(table, op, &self.conditions)
            .map_err(|e| Error::invalid("idempotency-token", e))?;
        let out = client
            .transact_write_items()
            .transact_items(item)
            .set_client_request_token(self.token.clone())
            .set_return_consumed_capacity(self.capacity.clone())
            .set_return_item_collection_metrics(self.metrics.clone())
            .send()
            .await
            .map_err(transaction_error)?;
        Ok(self.output(&Transacted(out)))
    }
}

/// `op` on `table` with `conditions`, as one item of a `TransactWriteItems`.
pub(crate) fn transact_item(
    table: &str,
    op: Op,
    conditions: &Conditions,
) -> std::result::Result<TransactWriteItem, BuildError> {
    let item = TransactWriteItem::builder();
    let item = match op {
        Op::Put(put) => item.put(
            with_conditions!(Put::builder().set_item(Some(put)), conditions)
                .table_name(table)
                .build()?,
        ),
        Op::Update(key, expression) => {
            let update = Update::builder().update_expression(expression);
            item.update(
                with_conditions!(update.set_key(Some(key)), conditions)
                    .table_name(table)
                    .build()?,
            )
        }
        Op::Delete(key) => item.delete(
            with_conditions!(Delete::builder().set_key(Some(key)), conditions)
                .table_name(table)
                .build()?,
        ),
        Op::Check(key) => item.condition_check(
            with_conditions!(ConditionCheck::builder().set_key(Some(key)), conditions)
                .table_name(table)
                .build()?,
        ),
    };
    Ok(item.build())
}

/// The error of an idempotent write: its one cancellation reason as the error (e.g. the
/// condition failed, with the item when asked for), else as [`transaction::error`].
fn transaction_error(err: SdkError<TransactWriteItemsError, HttpResponse>) -> Error {
    let err = transaction::error(err, "idempotency-token", Access::Write);
    let Some(reason) = err.reasons.iter().find(|r| r.code != "None").cloned() else {
        return err;
    };
    let kind = match reason.code.as_str() {
        "ConditionalCheckFailed" => Kind::ConditionalCheckFailed,
        other => crate::error::kind_of_code(&format!("{other}Exception")),
    };
    Error {
        kind,
        message: format!(
            "{}: {}",
            reason.code,
            reason.message.as_deref().unwrap_or(&err.message)
        ),
        code: Some(reason.code),
        item: reason.item,
        reasons: Vec::new(),
        ..err
    }
}

/// Errors of single writes that can carry the item a failed condition saw.
pub(crate) trait ConditionItem {
    /// The item, when the condition failed and it was asked for.
    fn condition_item(&self) -> Option<&Item>;
}

macro_rules! condition_item {
    ($($error:ident),*) => {$(
        impl ConditionItem for $error {
            fn condition_item(&self) -> Option<&Item> {
                match self {
                    $error::ConditionalCheckFailedException(e) => e.item(),
                    _ => None,
                }
            }
        }
    )*};
}
condition_item!(PutItemError, UpdateItemError, DeleteItemError);
