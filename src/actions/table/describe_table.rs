//! `describe-table`: a table's description.

pub(crate) use crate::wit::TableInput as Input;

use crate::error::Result;
use crate::wit::Connection;
use crate::{aws::client, model::input, model::shape};
use serde_json::{json, Value};

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let name = input::required("table-name", &input.table_name)?;
    let client = client::dynamodb(connection, &input.region).await?;
    let out = client.describe_table().table_name(name).send().await?;
    Ok(json!({ "Table": out.table().map(shape::table) }))
}
