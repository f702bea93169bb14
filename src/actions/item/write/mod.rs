//! What the item writes share (`upsert-item`, `update-item`, `delete-item`): their checked
//! condition inputs, how they are delivered, and their errors.
//!
//! Delivery: without an `idempotency-token` a write is sent by a client that retries only
//! what cannot have been applied (throttling, failures before sending); a failure after
//! sending is `outcome-unknown` ([`crate::aws::delivery::write`]). With a token the write is a
//! one-item `TransactWriteItems` with that `ClientRequestToken`, which `DynamoDB` applies at
//! most once within 10 minutes, so every failure may be retried.

use crate::aws::{capacity, delivery, transaction};
use crate::error::{Error, Kind, Result};
use crate::model::expressions::{self, Expressions};
use crate::model::plain::{self, condition::Condition, update};
use crate::model::shape::Obj;
use crate::model::Access;
use crate::model::Item;
use crate::wit::{
    CapacityDetail, CollectionMetrics, ConditionFailureValues, DeleteItemInput, ItemFormat,
    ReturnValues, UpdateItemInput, UpsertItemInput,
};
use crate::{actions::item, model::input, model::values};
use aws_sdk_dynamodb::error::BuildError;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::{
    delete_item::{builders::DeleteItemFluentBuilder, DeleteItemError, DeleteItemOutput},
    put_item::{
        builders::{PutItemFluentBuilder, PutItemInputBuilder},
        PutItemError, PutItemOutput,
    },
    transact_write_items::TransactWriteItemsError,
    update_item::{builders::UpdateItemFluentBuilder, UpdateItemError, UpdateItemOutput},
};
use aws_sdk_dynamodb::types::{
    ConditionCheck, ConsumedCapacity, Delete, ItemCollectionMetrics, Put, ReturnConsumedCapacity,
    ReturnItemCollectionMetrics, ReturnValue, ReturnValuesOnConditionCheckFailure,
    TransactWriteItem, Update,
};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use serde_json::Value;

/// The fields of an input record of a conditional write.
pub(crate) struct WriteFields<'a> {
    pub(crate) condition_expression: Option<&'a str>,
    pub(crate) condition: Option<&'a str>,
    pub(crate) expression_attribute_values: Option<&'a str>,
    pub(crate) expression_attribute_value_types: Option<&'a str>,
    pub(crate) expression_attribute_names: Option<&'a str>,
    pub(crate) return_values: Option<ReturnValues>,
    pub(crate) item_format: Option<ItemFormat>,
    pub(crate) return_values_on_condition_failure: Option<ConditionFailureValues>,
    pub(crate) idempotency_token: Option<&'a str>,
    pub(crate) return_consumed_capacity: Option<CapacityDetail>,
    pub(crate) return_item_collection_metrics: Option<CollectionMetrics>,
}

/// An input record of a conditional write.
pub(crate) trait WriteInput {
    /// Its write fields.
    fn write_fields(&self) -> WriteFields<'_>;
}

macro_rules! write_input {
    ($($input:ty),*) => {$(
        impl WriteInput for $input {
            fn write_fields(&self) -> WriteFields<'_> {
                WriteFields {
                    condition_expression: self.condition_expression.as_deref(),
                    condition: self.condition.as_deref(),
                    expression_attribute_values: self.expression_attribute_values.as_deref(),
                    expression_attribute_value_types: self
                        .expression_attribute_value_types
                        .as_deref(),
                    expression_attribute_names: self.expression_attribute_names.as_deref(),
                    return_values: self.return_values,
                    item_format: self.item_format,
                    return_values_on_condition_failure: self.return_values_on_condition_failure,
                    idempotency_token: self.idempotency_token.as_deref(),
                    return_consumed_capacity: self.return_consumed_capacity,
                    return_item_collection_metrics: self.return_item_collection_metrics,
                }
            }
        }
    )*};
}
write_input!(UpsertItemInput, UpdateItemInput, DeleteItemInput);

/// The checked condition inputs of a write, what it returns (of the item, of the capacity
/// it consumed and of its item collection) and how it is delivered.
pub(crate) struct Write {
    conditions: Conditions,
    returns: ReturnValue,
    format: values::ItemFormat,
    token: Option<String>,
    capacity: Option<ReturnConsumedCapacity>,
    metrics: Option<ReturnItemCollectionMetrics>,
}

/// The checked condition inputs of one write: of a single write, or of one action of a
/// transaction.
#[derive(Debug, Default)]
pub(crate) struct Conditions {
    pub(crate) condition: Option<String>,
    pub(crate) expressions: Expressions,
    pub(crate) on_condition_failure: Option<ReturnValuesOnConditionCheckFailure>,
}

/// The members of a transaction's action that hold its condition inputs.
pub(crate) const CONDITION_MEMBERS: [&str; 6] = [
    "condition-expression",
    "condition",
    "expression-attribute-names",
    "expression-attribute-values",
    "expression-attribute-value-types",
    "return-values-on-condition-failure",
];

impl Conditions {
    /// The condition members of one entry of a JSON array input (a transaction's action, a
    /// `PartiQL` statement takes only the last): expression values in their natural types
    /// unless typed by `expression-attribute-value-types`.
    pub(crate) fn of_entry(entry: &input::Params) -> Result<Conditions> {
        let mut expressions = expressions::of_entry(entry)?;
        let written = entry.string("condition-expression")?;
        let plain = plain::either(
            &entry.at("condition-expression"),
            written.is_some(),
            &entry.at("condition"),
            entry.value("condition"),
        )?;
        Ok(Conditions {
            condition: generate(&mut expressions, &entry.at("condition"), plain)?.or(written),
            expressions,
            on_condition_failure: entry.on_condition_failure()?,
        })
    }

    /// The expressions sent, when any was generated from plain JSON (`Expression` of the
    /// output).
    pub(crate) fn sent(&self) -> Option<Value> {
        self.expressions.sent()
    }

    /// The `UpdateExpression`: `written` (`update-expression` at `written_at`) or rendered
    /// from the plain update at `plain_at`; one of them is required.
    pub(crate) fn update(
        &mut self,
        (written_at, written): (&str, Option<&str>),
        (plain_at, plain): (&str, Option<&Value>),
    ) -> Result<String> {
        let written = input::optional(written);
        match plain::either(written_at, written.is_some(), plain_at, plain)? {
            Some(value) => {
                let update = update::Update::parse(plain_at, &value)?;
                let generated = |b: &mut plain::Builder| update.render(b);
                self.expressions
                    .generate("UpdateExpression", plain_at, generated)
            }
            None => written.map(str::to_string).ok_or_else(|| {
                Error::invalid(written_at, format!("is required (or give {plain_at})"))
            }),
        }
    }
}

/// The `ConditionExpression` rendered from the plain condition at `field`, when given.
fn generate(
    expressions: &mut Expressions,
    field: &str,
    plain: Option<Value>,
) -> Result<Option<String>> {
    let Some(plain) = plain else {
        return Ok(None);
    };
    let condition = Condition::parse(field, &plain)?;
    let text = expressions.generate("ConditionExpression", field, |b| condition.render(b))?;
    Ok(Some(text))
}

impl Write {
    /// Check a write's inputs: the expressions, and `return-values` (`default` when absent,
    /// and only one of `allowed`).
    pub(crate) fn check(
        input: &impl WriteInput,
        default: ReturnValues,
        allowed: &[ReturnValues],
    ) -> Result<Write> {
        let f = input.write_fields();
        let token = transaction::token("idempotency-token", f.idempotency_token)?;
        // A transaction returns no attributes: with a token only `none` is possible.
        let (default, allowed) = match token {
            Some(_) => (ReturnValues::None, &[ReturnValues::None][..]),
            None => (default, allowed),
        };
        let mut expressions = expressions::parse(
            f.expression_attribute_values,
            f.expression_attribute_value_types,
            f.expression_attribute_names,
        )?;
        let written = input::optional(f.condition_expression);
        let plain = plain::either_input(
            ("condition-expression", written),
            ("condition", f.condition),
        )?;
        let conditions = Conditions {
            condition: generate(&mut expressions, "condition", plain)?
                .or(written.map(str::to_string)),
            expressions,
            on_condition_failure: match f.return_values_on_condition_failure {
                Some(ConditionFailureValues::AllOld) => {
                    Some(ReturnValuesOnConditionCheckFailure::AllOld)
                }
                _ => None,
            },
        };
        Ok(Write {
            conditions,
            returns: return_values(f.return_values.unwrap_or(default), allowed)?,
            format: item::format(f.item_format),
            token,
            capacity: capacity::asked(f.return_consumed_capacity),
            metrics: capacity::asked_metrics(f.return_item_collection_metrics),
        })
    }

    /// The output of the write's answer: `Attributes` when the write returned them,
    /// `ConsumedCapacity` and `ItemCollectionMetrics` when asked for and reported, and
    /// `Expression` when an expression was generated from plain JSON (`{}` when none).
    pub(crate) fn output(&self, answer: &impl Answer) -> Value {
        Obj::new()
            .opt(
                "Attributes",
                answer.attributes().map(|a| self.format.item(a)),
            )
            .opt(
                "ConsumedCapacity",
                capacity::single(self.capacity.as_ref(), answer.capacity()),
            )
            .opt(
                "ItemCollectionMetrics",
                answer.metrics().map(capacity::metrics_json),
            )
            .opt("Expression", self.conditions.sent())
            .build()
    }

    /// The write's condition inputs, e.g. for its update expression to join.
    pub(crate) fn condition_inputs(&mut self) -> &mut Conditions {
        &mut self.conditions
    }
}

fn return_values(chosen: ReturnValues, allowed: &[ReturnValues]) -> Result<ReturnValue> {
    let sdk = match chosen {
        ReturnValues::None => ReturnValue::None,
        ReturnValues::AllOld => ReturnValue::AllOld,
        ReturnValues::UpdatedOld => ReturnValue::UpdatedOld,
        ReturnValues::AllNew => ReturnValue::AllNew,
        ReturnValues::UpdatedNew => ReturnValue::UpdatedNew,
    };
    if allowed.contains(&chosen) {
        Ok(sdk)
    } else {
        Err(Error::invalid(
            "return-values",
            format!("{} is not supported by this action", sdk.as_str()),
        ))
    }
}

/// `builder` (of a request or of a transaction's item) with [`Conditions`]' condition,
/// expression names and values, and what a failed condition returns.
macro_rules! with_conditions {
    ($builder:expr, $conditions:expr) => {
        $builder
            .set_condition_expression($conditions.condition.clone())
            .set_expression_attribute_names($conditions.expressions.names.clone())
            .set_expression_attribute_values($conditions.expressions.values.clone())
            .set_return_values_on_condition_check_failure($conditions.on_condition_failure.clone())
    };
}

/// A write request that takes a [`Write`]'s condition, expressions and `ReturnValues`.
pub(crate) trait Conditional {
    /// The request with `write`'s condition inputs set.
    fn conditions(self, write: &Write) -> Self;
}

macro_rules! conditional {
    ($($builder:ty),*) => {$(
        impl Conditional for $builder {
            fn conditions(self, write: &Write) -> Self {
                with_conditions!(self, write.conditions)
                    .return_values(write.returns.clone())
                    .set_return_consumed_capacity(write.capacity.clone())
                    .set_return_item_collection_metrics(write.metrics.clone())
            }
        }
    )*};
}
conditional!(
    PutItemFluentBuilder,
    PutItemInputBuilder,
    UpdateItemFluentBuilder,
    DeleteItemFluentBuilder
);

// After the macro above: the sending half uses it.
mod deliver;

pub(crate) use deliver::*;
