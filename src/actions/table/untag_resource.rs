//! `untag-resource`: remove tags from a table (`UntagResource`); the keys are checked
//! before anything is sent.

pub(crate) use crate::wit::UntagResourceInput as Input;

use crate::aws::client;
use crate::error::{Error, Result};
use crate::model::{input, shape::Obj};
use crate::wit::Connection;
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    input::required("table-name", &input.table_name)?;
    let keys = keys(&input::json("tag-keys", &input.tag_keys)?)?;
    let client = client::dynamodb(connection, &input.region).await?;
    let arn = super::table_arn(&client, &input.table_name).await?;
    let count = keys.len();
    client
        .untag_resource()
        .resource_arn(&arn)
        .set_tag_keys(Some(keys))
        .send()
        .await?;
    Ok(Obj::new()
        .set("ResourceArn", arn)
        .set("Untagged", count)
        .build())
}

/// The `tag-keys` array: 1 to 50 distinct keys, each checked by [`super::tag_key`].
fn keys(value: &Value) -> Result<Vec<String>> {
    let Value::Array(items) = value else {
        return Err(Error::invalid(
            "tag-keys",
            "must be a JSON array of tag keys",
        ));
    };
    super::tag_count("tag-keys", items.len())?;
    let mut keys: Vec<String> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("tag-keys[{i}]");
        let Value::String(key) = item else {
            return Err(Error::invalid(&at, "must be a string"));
        };
        super::tag_key(&at, key)?;
        if keys.contains(key) {
            return Err(Error::invalid(&at, "is given twice"));
        }
        keys.push(key.clone());
    }
    Ok(keys)
}
