//! Table actions: listing, describing, creating, changing and deleting tables, their time
//! to live and tags, and waiting for a table to be ready or gone; and what they share: the
//! stream specification of `create-table` and `update-table`, a table's ARN, the rules of
//! tags (the tag actions and `create-table`) and server-side encryption (`create-table`
//! and the restores).

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

use crate::error::{Error, Result};
use crate::model::input;
use crate::wit::{SseType, StreamViewType};
use aws_sdk_dynamodb::types::{
    SseSpecification, SseType as SdkSseType, StreamSpecification, StreamViewType as SdkView, Tag,
};
use serde_json::Value;

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

/// A `tags` object at `field` as tags: 1 to 50, each key checked by [`tag_key`], each value
/// a string of at most 256 characters.
pub(crate) fn tags(field: &str, value: &Value) -> Result<Vec<Tag>> {
    let Value::Object(members) = value else {
        return Err(Error::invalid(
            field,
            "must be a JSON object of key to value",
        ));
    };
    tag_count(field, members.len())?;
    members
        .iter()
        .map(|(key, value)| {
            let at = format!("{field}.{key}");
            tag_key(&at, key)?;
            let Value::String(value) = value else {
                return Err(Error::invalid(&at, "must be a string"));
            };
            if value.chars().count() > 256 {
                return Err(Error::invalid(&at, "must be at most 256 characters"));
            }
            Tag::builder()
                .key(key)
                .value(value)
                .build()
                .map_err(|e| Error::invalid(&at, e))
        })
        .collect()
}

/// Server-side encryption of `kind` and `key` (inputs `fields`): an AWS-owned key (`Enabled: false`), the AWS-managed key
/// (`KMS` without a key) or a customer-managed key (`KMS` with `kms-key-id`).
pub(crate) fn sse(
    kind: Option<SseType>,
    key: Option<&str>,
    (kind_field, key_field): (&str, &str),
) -> Result<Option<SseSpecification>> {
    let key = input::optional(key);
    let spec = SseSpecification::builder();
    let spec = match (kind, key) {
        (None, None) => return Ok(None),
        (Some(SseType::Kms), None) => {
            return Err(Error::invalid(
                key_field,
                format!("is required with {kind_field} kms"),
            ))
        }
        (Some(SseType::Kms), Some(key)) => spec
            .enabled(true)
            .sse_type(SdkSseType::Kms)
            .kms_master_key_id(key),
        (_, Some(_)) => {
            return Err(Error::invalid(
                key_field,
                format!("is only taken with {kind_field} kms"),
            ))
        }
        (Some(SseType::AwsManaged), None) => spec.enabled(true).sse_type(SdkSseType::Kms),
        (Some(SseType::AwsOwned), None) => spec.enabled(false),
    };
    Ok(Some(spec.build()))
}

/// The on-demand maximum throughput `(read, write)` request units (1 or more each); only
/// for a table that is (or becomes) `pay-per-request`.
pub(crate) fn on_demand_throughput(
    (read, write): (Option<u64>, Option<u64>),
    on_demand: bool,
) -> Result<Option<aws_sdk_dynamodb::types::OnDemandThroughput>> {
    if read.is_none() && write.is_none() {
        return Ok(None);
    }
    if !on_demand {
        let field = if read.is_some() {
            "max-read-request-units"
        } else {
            "max-write-request-units"
        };
        return Err(Error::invalid(
            field,
            "is only taken with billing-mode pay-per-request",
        ));
    }
    let units = |field: &str, n: Option<u64>| {
        let checked = |n: u64| i64::try_from(n).ok().filter(|n| *n >= 1);
        n.map(|n| checked(n).ok_or_else(|| Error::invalid(field, "must be at least 1")))
            .transpose()
    };
    Ok(Some(
        aws_sdk_dynamodb::types::OnDemandThroughput::builder()
            .set_max_read_request_units(units("max-read-request-units", read)?)
            .set_max_write_request_units(units("max-write-request-units", write)?)
            .build(),
    ))
}
