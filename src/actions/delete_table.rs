//! `delete-table`: delete a table and return its last description.

pub use crate::wit::TableInput as Input;

use crate::error::{self, Result};
use crate::wit::Connection;
use crate::{client, input, shape};
use serde_json::{json, Value};

pub async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let name = input::required("table-name", &input.table_name)?;
    let client = client::writer(connection, &input.region).await?;
    let out = client
        .delete_table()
        .table_name(name)
        .send()
        .await
        .map_err(error::write)?;
    Ok(json!({ "TableDescription": out.table_description().map(shape::table) }))
}
