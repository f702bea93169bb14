//! `tag-resource`: add tags to a table or change their values (`TagResource`), every tag
//! checked against DynamoDB's rules before anything is sent.

pub(crate) use crate::component::wit::TagResourceInput as Input;

use crate::aws::client;
use crate::component::wit::Connection;
use crate::error::{Error, Result};
use crate::model::{input, shape::Obj};
use aws_sdk_dynamodb::types::Tag;
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let tags = tags(&input::json("tags", &input.tags)?)?;
    let client = client::dynamodb(connection, &input.region).await?;
    let arn = super::table_arn(&client, &input.table_name).await?;
    let count = tags.len();
    client
        .tag_resource()
        .resource_arn(&arn)
        .set_tags(Some(tags))
        .send()
        .await?;
    Ok(Obj::new()
        .set("ResourceArn", arn)
        .set("Tagged", count)
        .build())
}

/// The `tags` object as tags: 1 to 50, each key checked by [`super::tag_key`], each value
/// a string of at most 256 characters.
fn tags(value: &Value) -> Result<Vec<Tag>> {
    let Value::Object(members) = value else {
        return Err(Error::invalid(
            "tags",
            "must be a JSON object of key to value",
        ));
    };
    super::tag_count("tags", members.len())?;
    members
        .iter()
        .map(|(key, value)| {
            let at = format!("tags.{key}");
            super::tag_key(&at, key)?;
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
