//! What the item actions share: the output format they ask for, the item a key action
//! addresses, and the checked condition inputs of a write with the attributes it returns.
//!
//! wit-bindgen makes one struct per input record, so inputs with the same fields (the key
//! fields of `get-item`, `update-item`, `delete-item`; the write fields of `upsert-item`,
//! `update-item`, `delete-item`) are read through the small traits below, implemented for
//! each record by one macro line.

use crate::bindings::exports::dynamodb::connector::actions::{
    DeleteItemInput, GetItemInput, ItemFormat, ReturnValues, UpdateItemInput, UpsertItemInput,
};
use crate::bindings::exports::dynamodb::connector::types::Connection;
use crate::error::{Error, Result};
use crate::expressions::{self, Expressions};
use crate::keys::KeySchema;
use crate::shape::Obj;
use crate::{client, input, values};
use aws_sdk_dynamodb::operation::{
    delete_item::builders::DeleteItemFluentBuilder, get_item::builders::GetItemFluentBuilder,
    put_item::builders::PutItemFluentBuilder, update_item::builders::UpdateItemFluentBuilder,
};
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use serde_json::Value;
use std::collections::HashMap;

/// The item format an input asks for (`plain` when absent).
pub fn format(format: Option<ItemFormat>) -> values::ItemFormat {
    match format {
        Some(ItemFormat::DynamodbJson) => values::ItemFormat::Typed,
        _ => values::ItemFormat::Plain,
    }
}

/// The key fields of an input record that addresses one item.
pub struct KeyFields<'a> {
    pub region: &'a str,
    pub table_name: &'a str,
    pub hash_key_value: &'a str,
    pub range_key_value: Option<&'a str>,
    pub key_schema: Option<&'a str>,
}

/// An input record that addresses one item by its key.
pub trait KeyInput {
    /// Its key fields.
    fn key_fields(&self) -> KeyFields<'_>;
}

macro_rules! key_input {
    ($($input:ty),*) => {$(
        impl KeyInput for $input {
            fn key_fields(&self) -> KeyFields<'_> {
                KeyFields {
                    region: &self.region,
                    table_name: &self.table_name,
                    hash_key_value: &self.hash_key_value,
                    range_key_value: self.range_key_value.as_deref(),
                    key_schema: self.key_schema.as_deref(),
                }
            }
        }
    )*};
}
key_input!(GetItemInput, UpdateItemInput, DeleteItemInput);

/// The table name of a key action's input, checked before anything else is.
pub fn table(input: &impl KeyInput) -> Result<&str> {
    input::required("table-name", input.key_fields().table_name)
}

/// What a key action addresses: the client, the table and the item's key.
pub struct Target {
    client: aws_sdk_dynamodb::Client,
    table: String,
    key: HashMap<String, AttributeValue>,
}

impl Target {
    /// A `GetItem` request for the item.
    pub fn get_item(self) -> GetItemFluentBuilder {
        let request = self.client.get_item();
        request.table_name(self.table).set_key(Some(self.key))
    }

    /// An `UpdateItem` request for the item.
    pub fn update_item(self) -> UpdateItemFluentBuilder {
        let request = self.client.update_item();
        request.table_name(self.table).set_key(Some(self.key))
    }

    /// A `DeleteItem` request for the item.
    pub fn delete_item(self) -> DeleteItemFluentBuilder {
        let request = self.client.delete_item();
        request.table_name(self.table).set_key(Some(self.key))
    }
}

/// Build the [`Target`] of a key action, after its other inputs are checked: this assumes
/// the role (if any) and, without a `key-schema` input, reads the table's key with
/// `DescribeTable`.
pub async fn target(connection: &Connection, input: &impl KeyInput) -> Result<Target> {
    let fields = input.key_fields();
    let table = table(input)?.to_string();
    let client = client::dynamodb(connection, fields.region).await?;
    let schema = KeySchema::resolve(&client, &table, fields.key_schema).await?;
    let key = schema.key(
        fields.hash_key_value,
        input::optional(fields.range_key_value),
    )?;
    Ok(Target { client, table, key })
}

/// The fields of an input record of a conditional write.
pub struct WriteFields<'a> {
    pub condition_expression: Option<&'a str>,
    pub expression_attribute_values: Option<&'a str>,
    pub expression_attribute_value_types: Option<&'a str>,
    pub expression_attribute_names: Option<&'a str>,
    pub return_values: Option<ReturnValues>,
    pub item_format: Option<ItemFormat>,
}

/// An input record of a conditional write.
pub trait WriteInput {
    /// Its write fields.
    fn write_fields(&self) -> WriteFields<'_>;
}

macro_rules! write_input {
    ($($input:ty),*) => {$(
        impl WriteInput for $input {
            fn write_fields(&self) -> WriteFields<'_> {
                WriteFields {
                    condition_expression: self.condition_expression.as_deref(),
                    expression_attribute_values: self.expression_attribute_values.as_deref(),
                    expression_attribute_value_types: self
                        .expression_attribute_value_types
                        .as_deref(),
                    expression_attribute_names: self.expression_attribute_names.as_deref(),
                    return_values: self.return_values,
                    item_format: self.item_format,
                }
            }
        }
    )*};
}
write_input!(UpsertItemInput, UpdateItemInput, DeleteItemInput);

/// The checked condition inputs of a write and what it returns.
pub struct Write {
    condition: Option<String>,
    expressions: Expressions,
    returns: ReturnValue,
    format: values::ItemFormat,
}

impl Write {
    /// Check a write's inputs: the expressions, and `return-values` (`default` when absent,
    /// and only one of `allowed`).
    pub fn check(
        input: &impl WriteInput,
        default: ReturnValues,
        allowed: &[ReturnValues],
    ) -> Result<Write> {
        let f = input.write_fields();
        Ok(Write {
            condition: input::optional(f.condition_expression).map(str::to_string),
            expressions: expressions::parse(
                f.expression_attribute_values,
                f.expression_attribute_value_types,
                f.expression_attribute_names,
            )?,
            returns: return_values(f.return_values.unwrap_or(default), allowed)?,
            format: format(f.item_format),
        })
    }

    /// `{"Attributes": ...}` when the write returned attributes, else `{}`.
    pub fn output(&self, attributes: Option<&HashMap<String, AttributeValue>>) -> Value {
        Obj::new()
            .opt("Attributes", attributes.map(|a| self.format.item(a)))
            .build()
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

/// A write request that takes a [`Write`]'s condition, expressions and `ReturnValues`.
pub trait Conditional {
    /// The request with `write`'s condition inputs set.
    fn conditions(self, write: &Write) -> Self;
}

macro_rules! conditional {
    ($($builder:ty),*) => {$(
        impl Conditional for $builder {
            fn conditions(self, write: &Write) -> Self {
                self.set_condition_expression(write.condition.clone())
                    .set_expression_attribute_values(write.expressions.values.clone())
                    .set_expression_attribute_names(write.expressions.names.clone())
                    .return_values(write.returns.clone())
            }
        }
    )*};
}
conditional!(
    PutItemFluentBuilder,
    UpdateItemFluentBuilder,
    DeleteItemFluentBuilder
);
