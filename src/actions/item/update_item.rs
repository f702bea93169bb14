//! `update-item`: change an item's attributes with an update expression, or with an update
//! in plain JSON (docs/expressions.md).

pub(crate) use crate::wit::UpdateItemInput as Input;

use crate::actions::item::write::{Conditional, Op, Write};
use crate::error::Result;
use crate::wit::{Connection, ReturnValues};
use crate::{actions::item, model::input};
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    item::table(&input)?;
    let mut write = Write::check(
        &input,
        ReturnValues::AllNew,
        &[
            ReturnValues::None,
            ReturnValues::AllOld,
            ReturnValues::UpdatedOld,
            ReturnValues::AllNew,
            ReturnValues::UpdatedNew,
        ],
    )?;
    let update = write.condition_inputs().update(
        ("update-expression", input.update_expression.as_deref()),
        (
            "update",
            input::opt_json("update", input.update.as_deref())?.as_ref(),
        ),
    )?;
    let target = item::target(connection, &input).await?;
    if write.token().is_some() {
        let op = Op::Update(target.key, update);
        return write.transact(&target.client, &target.table, op).await;
    }
    let out = target
        .update_item()
        .update_expression(update)
        .conditions(&write)
        .send()
        .await
        .map_err(Write::error)?;
    Ok(write.output(&out))
}
