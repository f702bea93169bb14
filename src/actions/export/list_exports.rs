//! `list-exports`: the exports of one table or of every table (`ListExports`): one page and
//! its `NextToken`, or every page.

pub(crate) use crate::wit::ListExportsInput as Input;

use crate::aws::paging;
use crate::error::Result;
use crate::model::shape::Obj;
use crate::wit::Connection;
use aws_sdk_dynamodb::types;
use aws_sdk_dynamodb::types::ExportSummary;
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let listing = super::listing_of!(connection, input).await?;
    let request = listing
        .client
        .list_exports()
        .set_table_arn(listing.table)
        .set_max_results(listing.size);
    let fetched = paging::fetch(
        listing.want,
        listing.start,
        |token| request.clone().set_next_token(token).send(),
        |page| page.next_token.clone(),
        |page| page.export_summaries().len(),
    )
    .await?;
    let pages = fetched.pages.into_iter();
    let summaries: Vec<ExportSummary> = pages
        .flat_map(|page| page.export_summaries.unwrap_or_default())
        .collect();
    Ok(Obj::new()
        .set(
            "ExportSummaries",
            summaries.iter().map(summary).collect::<Vec<_>>(),
        )
        .opt("NextToken", fetched.next)
        .build())
}

/// One export as `ListExports` summarises it.
fn summary(s: &ExportSummary) -> Value {
    Obj::new()
        .opt("ExportArn", s.export_arn())
        .opt(
            "ExportStatus",
            s.export_status().map(types::ExportStatus::as_str),
        )
        .opt("ExportType", s.export_type().map(types::ExportType::as_str))
        .build()
}
