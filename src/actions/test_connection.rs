//! `test-connection`: prove the credentials and the endpoint work with the cheapest calls.

pub use crate::wit::TestConnectionInput as Input;

use crate::client;
use crate::error::Result;
use crate::shape::Obj;
use crate::wit::Connection;
use serde_json::Value;

pub async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let session = client::session(connection, &input.region).await?;
    session.client.list_tables().limit(1).send().await?;
    let method = match connection {
        Connection::AccessKey(_) => "access-key",
        Connection::RoleArn(_) => "role-arn",
    };
    Ok(Obj::new()
        .set("Connection", method)
        .set("Region", input.region.trim())
        .opt("AssumedRoleArn", session.assumed_role)
        .set("CredentialsAccepted", true)
        .set("ListTables", "ok")
        .build())
}
