//! `update-item`: change an item's attributes with an update expression.

pub use crate::wit::UpdateItemInput as Input;

use crate::error::Result;
use crate::item::{self, Conditional, Write};
use crate::wit::{Connection, ReturnValues};
use crate::input;
use serde_json::Value;

pub async fn run(connection: &Connection, input: Input) -> Result<Value> {
    item::table(&input)?;
    let update = input::required("update-expression", &input.update_expression)?;
    let write = Write::check(
        &input,
        ReturnValues::AllNew,
        &[ReturnValues::None, ReturnValues::AllOld, ReturnValues::UpdatedOld, ReturnValues::AllNew, ReturnValues::UpdatedNew],
    )?;
    let out = item::target(connection, &input)
        .await?
        .update_item()
        .update_expression(update)
        .conditions(&write)
        .send()
        .await?;
    Ok(write.output(out.attributes()))
}
