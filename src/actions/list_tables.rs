//! `list-tables`: table names of the region, one page or all of them.

pub use crate::wit::ListTablesInput as Input;

use crate::error::Result;
use crate::shape::Obj;
use crate::wit::Connection;
use crate::{client, paging};
use serde_json::Value;

pub async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let client = client::dynamodb(connection, &input.region).await?;
    let fetched = paging::fetch(
        input.fetch_all.unwrap_or(false),
        None,
        |start| {
            client
                .list_tables()
                .set_exclusive_start_table_name(start)
                .send()
        },
        |page| page.last_evaluated_table_name.clone(),
    )
    .await?;
    let names: Vec<Value> = fetched
        .pages
        .iter()
        .flat_map(|page| page.table_names())
        .map(|name| Value::from(name.as_str()))
        .collect();
    Ok(Obj::new()
        .set("TableNames", names)
        .opt("LastEvaluatedTableName", fetched.next)
        .build())
}
