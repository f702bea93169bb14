//! `delete-table`: delete a table and return its last description; with `wait`, wait
//! until it no longer exists ([`crate::aws::wait`]).

pub(crate) use crate::wit::DeleteTableInput as Input;

use crate::aws::delivery;
use crate::aws::wait::{self, Until};
use crate::error::Result;
use crate::wit::Connection;
use crate::{aws::client, model::input, model::shape};
use serde_json::{json, Value};

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let name = input::required("table-name", &input.table_name)?;
    let client = client::dynamodb(connection, &input.region).await?;
    let out = client::at_most_once(&client)
        .delete_table()
        .table_name(name)
        .send()
        .await
        .map_err(delivery::write)?;
    if input.wait == Some(true) {
        let timeout = wait::timeout(None)?;
        wait::until(&client, name, Until::Deleted, timeout).await?;
        return Ok(
            json!({ "TableDescription": out.table_description().map(shape::table), "Deleted": true }),
        );
    }
    Ok(json!({ "TableDescription": out.table_description().map(shape::table) }))
}
