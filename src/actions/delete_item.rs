//! `delete-item`: delete one item by its key, optionally under a condition.

pub use crate::wit::DeleteItemInput as Input;

use crate::error::Result;
use crate::item::{self, Conditional, Write};
use crate::wit::{Connection, ReturnValues};
use serde_json::Value;

pub async fn run(connection: &Connection, input: Input) -> Result<Value> {
    item::table(&input)?;
    let write = Write::check(&input, ReturnValues::AllOld, &[ReturnValues::None, ReturnValues::AllOld])?;
    let out = item::target(connection, &input)
        .await?
        .delete_item()
        .conditions(&write)
        .send()
        .await?;
    Ok(write.output(out.attributes()))
}
