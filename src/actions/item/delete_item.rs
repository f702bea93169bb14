//! `delete-item`: delete one item by its key, optionally under a condition.

pub(crate) use crate::wit::DeleteItemInput as Input;

use crate::actions::item;
use crate::actions::item::write::{Conditional, Op, Write};
use crate::error::Result;
use crate::wit::{Connection, ReturnValues};
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    item::table(&input)?;
    let write = Write::check(
        &input,
        ReturnValues::AllOld,
        &[ReturnValues::None, ReturnValues::AllOld],
    )?;
    let target = item::target(connection, &input).await?;
    if write.token().is_some() {
        return write
            .transact(&target.client, &target.table, Op::Delete(target.key))
            .await;
    }
    let out = target
        .delete_item()
        .conditions(&write)
        .send()
        .await
        .map_err(Write::error)?;
    Ok(write.output(&out))
}
