//! `describe-import`: an import's status, source, counts and the table it creates
//! (`DescribeImport`).

pub(crate) use crate::wit::ImportInput as Input;

use crate::error::Result;
use crate::model::shape::Obj;
use crate::wit::Connection;
use crate::{aws::client, model::input};
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let arn = input::required("import-arn", &input.import_arn)?;
    let client = client::dynamodb(connection, &input.region).await?;
    let out = client.describe_import().import_arn(arn).send().await?;
    Ok(Obj::new()
        .opt(
            "ImportTableDescription",
            out.import_table_description()
                .map(super::import_description),
        )
        .build())
}
