//! `test-connection`: prove the credentials and the endpoint work with the cheapest calls.

pub(crate) use crate::component::wit::TestConnectionInput as Input;

use crate::aws::client;
use crate::component::wit::Connection;
use crate::error::Result;
use crate::model::shape::Obj;
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
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
