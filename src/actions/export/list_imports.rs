//! `list-imports`: the imports into one table or into every table (`ListImports`): one page
//! and its `NextToken`, or every page.

pub(crate) use crate::wit::ListImportsInput as Input;

use crate::aws::paging;
use crate::error::Result;
use crate::model::shape::{self, Obj};
use crate::wit::Connection;
use aws_sdk_dynamodb::types;
use aws_sdk_dynamodb::types::ImportSummary;
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let listing = super::listing_of!(connection, input).await?;
    let request = listing
        .client
        .list_imports()
        .set_table_arn(listing.table)
        .set_page_size(listing.size);
    let fetched = paging::fetch(
        listing.want,
        listing.start,
        |token| request.clone().set_next_token(token).send(),
        |page| page.next_token.clone(),
        |page| page.import_summary_list().len(),
    )
    .await?;
    let pages = fetched.pages.into_iter();
    let summaries: Vec<ImportSummary> = pages
        .flat_map(|page| page.import_summary_list.unwrap_or_default())
        .collect();
    Ok(Obj::new()
        .set(
            "ImportSummaryList",
            summaries.iter().map(summary).collect::<Vec<_>>(),
        )
        .opt("NextToken", fetched.next)
        .build())
}

/// One import as `ListImports` summarises it.
fn summary(s: &ImportSummary) -> Value {
    Obj::new()
        .opt("ImportArn", s.import_arn())
        .opt(
            "ImportStatus",
            s.import_status().map(types::ImportStatus::as_str),
        )
        .opt("TableArn", s.table_arn())
        .opt(
            "S3BucketSource",
            s.s3_bucket_source().map(super::bucket_source),
        )
        .opt("CloudWatchLogGroupArn", s.cloud_watch_log_group_arn())
        .opt(
            "InputFormat",
            s.input_format().map(types::InputFormat::as_str),
        )
        .opt("StartTime", s.start_time().map(shape::timestamp))
        .opt("EndTime", s.end_time().map(shape::timestamp))
        .build()
}
