//! `list-tags`: a table's tags (`DescribeTable` for its ARN, then `ListTagsOfResource` to
//! its last page).

pub(crate) use crate::wit::TableInput as Input;

use crate::aws::{client, tags};
use crate::error::Result;
use crate::model::{input, shape::Obj};
use crate::wit::Connection;
use serde_json::{json, Value};

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    input::required("table-name", &input.table_name)?;
    let client = client::dynamodb(connection, &input.region).await?;
    let arn = super::table_arn(&client, &input.table_name).await?;
    let listed = tags::list(&client, &arn).await?;
    let shown: Vec<Value> = listed
        .iter()
        .map(|(key, value)| json!({"Key": key, "Value": value}))
        .collect();
    Ok(Obj::new()
        .set("ResourceArn", arn)
        .set("Tags", shown)
        .build())
}
