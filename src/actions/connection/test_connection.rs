//! `test-connection`: prove the credentials and the endpoint work with the cheapest calls.

pub(crate) use crate::wit::TestConnectionInput as Input;

use crate::aws::client;
use crate::catalog::openmetadata as om;
use crate::error::{Error, Result};
use crate::model::shape::Obj;
use crate::wit::{CatalogFormat, Connection};
use serde_json::{json, Value};

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    if input.output_format == Some(CatalogFormat::Openmetadata) {
        return openmetadata(connection, &input.region).await;
    }
    let session = client::session(connection, &input.region).await?;
    session.client.list_tables().limit(1).send().await?;
    let method = match connection {
        Connection::AccessKey(_) => "access-key",
        Connection::RoleArn(_) => "role-arn",
        Connection::WebIdentity(_) => "web-identity",
    };
    Ok(Obj::new()
        .set("Connection", method)
        .set("Region", input.region.trim())
        .opt("AssumedRoleArn", session.assumed_role)
        .set("CredentialsAccepted", true)
        .set("ListTables", "ok")
        .build())
}

/// One step of OpenMetadata's connection test: passed, or failed with the error's kind in
/// the message and its text as the log (the connection's secrets taken out).
fn step(name: &str, mandatory: bool, result: &Result<String>, secrets: &[&str]) -> Value {
    let (passed, message, log) = match result {
        Ok(message) => (true, message.clone(), None),
        Err(e) => {
            let shown = e.shown(secrets);
            let why = format!("{name} failed: {}", e.kind.name());
            (false, why, shown["Message"].as_str().map(str::to_string))
        }
    };
    let status = if passed { "Passed" } else { "Failed" };
    Obj::new()
        .set("name", name)
        .set("mandatory", mandatory)
        .set("passed", passed)
        .set("message", message)
        .opt("errorLog", log)
        .set("status", status)
        .build()
}

/// The connection test as OpenMetadata's `TestConnectionResult`: its DynamoDB step
/// `ListTables` (mandatory), then the other calls its ingestion makes on the first table —
/// `DescribeTable`, `Scan` (one item) and `ListTagsOfResource` — each passed or failed. A
/// malformed input (the region, a connection field) is the step's `invalid-input`, not a
/// failed test: nothing was tried.
async fn openmetadata(connection: &Connection, region: &str) -> Result<Value> {
    let secrets = client::secrets(connection);
    let listed: Result<(client::Session, Option<String>)> = async {
        let session = client::session(connection, region).await?;
        let out = session.client.list_tables().limit(1).send().await?;
        let first = out.table_names().first().cloned();
        Ok((session, first))
    }
    .await;
    if let Err(e) = &listed {
        if e.kind == crate::error::Kind::InvalidInput {
            return Err(e.clone());
        }
    }
    let mut steps = Vec::new();
    let listing = listed.as_ref().map(|_| "ListTables answered".to_string());
    steps.push(step(
        "ListTables",
        true,
        &listing.map_err(Error::clone),
        &secrets,
    ));
    if let Ok((session, first)) = &listed {
        for (name, result) in table_calls(&session.client, first.as_deref()).await {
            steps.push(step(name, false, &result, &secrets));
        }
    }
    let status = if listed.is_ok() {
        "Successful"
    } else {
        "Failed"
    };
    Ok(
        json!({"TestConnectionResult": {"lastUpdatedAt": om::now_millis(), "status": status,
        "steps": steps}}),
    )
}

/// `DescribeTable`, `Scan` and `ListTagsOfResource` of `table`, each with its outcome;
/// with no table in the region, each says there was nothing to try.
async fn table_calls(
    client: &aws_sdk_dynamodb::Client,
    table: Option<&str>,
) -> Vec<(&'static str, Result<String>)> {
    let names = ["DescribeTable", "Scan", "ListTagsOfResource"];
    let Some(table) = table else {
        let none = || Ok("no table in the region to try it on".to_string());
        return names.iter().map(|n| (*n, none())).collect();
    };
    let described = client.describe_table().table_name(table).send().await;
    let arn = described
        .as_ref()
        .ok()
        .and_then(|d| d.table()?.table_arn().map(str::to_string));
    let scanned = client.scan().table_name(table).limit(1).send().await;
    let tagged = match &arn {
        Some(arn) => crate::aws::tags::list(client, arn).await.map(|_| ()),
        None => Err(Error::new(
            crate::error::Kind::Service,
            "DescribeTable gave no ARN",
        )),
    };
    let said = |what: &str| format!("{what} of {table} answered");
    vec![
        (
            "DescribeTable",
            described
                .map(|_| said("DescribeTable"))
                .map_err(Error::from),
        ),
        ("Scan", scanned.map(|_| said("Scan")).map_err(Error::from)),
        (
            "ListTagsOfResource",
            tagged.map(|()| said("ListTagsOfResource")),
        ),
    ]
}
