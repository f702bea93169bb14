//! `tag-resource`: add tags to a table or change their values (`TagResource`), every tag
//! checked against DynamoDB's rules before anything is sent.

pub(crate) use crate::wit::TagResourceInput as Input;

use crate::aws::client;
use crate::error::Result;
use crate::model::{input, shape::Obj};
use crate::wit::Connection;
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    input::required("table-name", &input.table_name)?;
    let tags = super::tags("tags", &input::json("tags", &input.tags)?)?;
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
