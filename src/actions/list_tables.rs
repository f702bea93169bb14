//! `list-tables`: table names of the region, one page or all of them.

use crate::bindings::exports::dynamodb::connector::actions::ListTablesInput;
use crate::bindings::exports::dynamodb::connector::types::Connection;
use crate::client;
use crate::error::Result;
use crate::shape::Obj;
use serde_json::Value;

pub async fn run(connection: &Connection, input: ListTablesInput) -> Result<Value> {
    let client = client::dynamodb(connection, &input.region).await?;
    let fetch_all = input.fetch_all.unwrap_or(false);
    let mut names: Vec<Value> = Vec::new();
    let mut start: Option<String> = None;
    loop {
        let page = client
            .list_tables()
            .set_exclusive_start_table_name(start.take())
            .send()
            .await?;
        names.extend(page.table_names().iter().map(|n| Value::from(n.as_str())));
        start = page.last_evaluated_table_name;
        if !fetch_all || start.is_none() {
            break;
        }
    }
    Ok(Obj::new()
        .set("TableNames", names)
        .opt("LastEvaluatedTableName", start)
        .build())
}
