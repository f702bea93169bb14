//! `upsert-item`: create an item, or replace the item with the same key.

pub(crate) use crate::wit::UpsertItemInput as Input;

use crate::actions::item::{
    self,
    write::{Conditional, Op, Write},
};
use crate::error::Result;
use crate::model::Access;
use crate::wit::{Connection, ReturnValues};
use crate::{aws::client, aws::lean, model::input, model::values};
use aws_sdk_dynamodb::operation::put_item::builders::PutItemInputBuilder;
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let table = input::required("table-name", &input.table_name)?;
    let types = match &input.value_types {
        Some(types) => Some(input::json("value-types", types)?),
        None => None,
    };
    let value = input::json("value", &input.value)?;
    let item = item::typed_or_natural("value", &value, "value-types", types.as_ref())?;
    let item = values::within_item_size("value", item)?;
    let write = Write::check(
        &input,
        ReturnValues::None,
        &[ReturnValues::None, ReturnValues::AllOld],
    )?;
    let client = client::dynamodb(connection, &input.region).await?;
    if write.token().is_some() {
        return write.transact(&client, table, Op::Put(item)).await;
    }
    let request = PutItemInputBuilder::default()
        .table_name(table)
        .set_item(Some(item))
        .conditions(&write);
    let out = lean::send(&client, Access::Write, request)
        .await
        .map_err(Write::error)?;
    Ok(write.output(&out))
}
