//! Table actions: listing, describing, creating, changing and deleting tables, their time
//! to live and tags, and waiting for a table to be ready or gone; and what they share: the
//! stream specification of `create-table` and `update-table`, and a table's ARN and the
//! rules of tags for the tag actions.

pub(crate) mod create_table;
pub(crate) mod delete_table;
pub(crate) mod describe_table;
pub(crate) mod describe_time_to_live;
pub(crate) mod list_tables;
pub(crate) mod list_tags;
pub(crate) mod tag_resource;
pub(crate) mod untag_resource;
pub(crate) mod update_table;
pub(crate) mod update_time_to_live;
pub(crate) mod wait_for_table;

use crate::component::wit::StreamViewType;
use crate::error::{Error, Result};
use crate::model::input;
use aws_sdk_dynamodb::types::{StreamSpecification, StreamViewType as SdkView};

/// A stream specification: on with `view` (what its records hold), or off.
pub(crate) fn stream(field: &str, view: Option<StreamViewType>) -> Result<StreamSpecification> {
    let view = view.map(|v| match v {
        StreamViewType::KeysOnly => SdkView::KeysOnly,
        StreamViewType::NewImage => SdkView::NewImage,
        StreamViewType::OldImage => SdkView::OldImage,
        StreamViewType::NewAndOldImages => SdkView::NewAndOldImages,
    });
    StreamSpecification::builder()
        .stream_enabled(view.is_some())
        .set_stream_view_type(view)
        .build()
        .map_err(|e| Error::invalid(field, e))
}

/// The ARN of `table` (one `DescribeTable`): what the tag actions address.
pub(crate) async fn table_arn(client: &aws_sdk_dynamodb::Client, table: &str) -> Result<String> {
    let table = input::required("table-name", table)?;
    let out = client.describe_table().table_name(table).send().await?;
    out.table()
        .and_then(|t| t.table_arn())
        .map(str::to_string)
        .ok_or_else(|| Error::new(crate::error::Kind::Service, "DescribeTable gave no ARN"))
}

/// At most 50 tags (or keys), and at least one, in a tag step.
pub(crate) fn tag_count(field: &str, count: usize) -> Result<()> {
    if (1..=50).contains(&count) {
        Ok(())
    } else {
        Err(Error::invalid(field, "must hold 1 to 50 tags"))
    }
}

/// A tag key as DynamoDB takes it: 1 to 128 characters, not starting with `aws:` (those
/// are AWS's own).
pub(crate) fn tag_key(field: &str, key: &str) -> Result<()> {
    if !(1..=128).contains(&key.chars().count()) {
        return Err(Error::invalid(
            field,
            "a tag key must be 1 to 128 characters",
        ));
    }
    if key.to_ascii_lowercase().starts_with("aws:") {
        return Err(Error::invalid(field, "a tag key may not start with aws:"));
    }
    Ok(())
}
