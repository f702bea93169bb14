//! `list-tables`: table names of the region: one page, all of them, or up to `max-items`,
//! resumable after any name.

pub(crate) use crate::wit::ListTablesInput as Input;

use crate::aws::paging::{self, Want};
use crate::error::Result;
use crate::model::shape::Obj;
use crate::model::Access;
use crate::wit::Connection;
use crate::{aws::client, aws::lean, model::input};
use aws_sdk_dynamodb::operation::list_tables::builders::ListTablesInputBuilder;
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let want = Want {
        all: input.fetch_all.unwrap_or(false),
        max: input::max_items(input.max_items)?,
    };
    let client = client::dynamodb(connection, &input.region).await?;
    let fetched = paging::fetch(
        want,
        input::text(&input.exclusive_start_table_name),
        |start| {
            let request = ListTablesInputBuilder::default().set_exclusive_start_table_name(start);
            lean::send(&client, Access::Read, request)
        },
        |page| page.last_evaluated_table_name.clone(),
        |page| page.table_names().len(),
    )
    .await?;
    let names: Vec<String> = fetched
        .pages
        .into_iter()
        .flat_map(|page| page.table_names.unwrap_or_default())
        .collect();
    let (names, next) = paging::cut(names, fetched.next, want.max, |last| Ok(last.clone()))?;
    Ok(Obj::new()
        .set("TableNames", names)
        .opt("LastEvaluatedTableName", next)
        .build())
}
