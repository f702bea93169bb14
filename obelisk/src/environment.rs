//! The connection, from the activity's environment variables (Obelisk's `env_vars`), named as
//! the AWS SDKs name them (docs/obelisk.md): never a parameter, so no secret is stored in
//! Obelisk's execution log.
//!
//! - `AWS_ROLE_ARN` with `AWS_WEB_IDENTITY_TOKEN`: a `web-identity` connection;
//! - `AWS_ROLE_ARN` with `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`: `role-arn`
//!   (`AWS_ROLE_EXTERNAL_ID`, `AWS_ROLE_SESSION_NAME`, `AWS_ROLE_DURATION_SECONDS`);
//! - otherwise `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` (`AWS_SESSION_TOKEN`): `access-key`;
//! - endpoints: `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_STS`,
//!   `AWS_ENDPOINT_URL_DYNAMODB_STREAMS`, each falling back to `AWS_ENDPOINT_URL`.

use crate::bindings::dynamodb::connector::types::{
    AccessKeyConnection, Connection, RoleArnConnection, WebIdentityConnection,
};
use crate::bindings::exports::dynamodb::activity::actions::ActivityError;

/// A variable's value, when set and not empty.
fn optional(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn required(name: &str, connection: &str) -> Result<String, ActivityError> {
    optional(name).ok_or_else(|| {
        crate::invalid(
            format!(
                "a {connection} connection needs the environment variable {name}: list it in the \
                 activity's `env_vars` (docs/obelisk.md)"
            ),
            name,
        )
    })
}

fn endpoint(service: &str) -> Option<String> {
    optional(&format!("AWS_ENDPOINT_URL_{service}")).or_else(|| optional("AWS_ENDPOINT_URL"))
}

fn duration() -> Result<Option<u32>, ActivityError> {
    let name = "AWS_ROLE_DURATION_SECONDS";
    optional(name)
        .map(|v| v.parse::<u32>())
        .transpose()
        .map_err(|_| crate::invalid(format!("{name} must be a whole number of seconds"), name))
}

/// The connection the environment describes, or `permanent-invalid-input` naming the missing
/// variable. Not inlined: every activity calls it, and 48 copies are most of the adapter's size.
#[inline(never)]
pub(crate) fn connection() -> Result<Connection, ActivityError> {
    let endpoint_url = endpoint("DYNAMODB");
    let streams_endpoint_url = endpoint("DYNAMODB_STREAMS");
    let Some(role_arn) = optional("AWS_ROLE_ARN") else {
        return Ok(Connection::AccessKey(AccessKeyConnection {
            access_key_id: required("AWS_ACCESS_KEY_ID", "access-key")?,
            secret_access_key: required("AWS_SECRET_ACCESS_KEY", "access-key")?,
            session_token: optional("AWS_SESSION_TOKEN"),
            endpoint_url,
            streams_endpoint_url,
        }));
    };
    let session_name = optional("AWS_ROLE_SESSION_NAME");
    let sts_endpoint_url = endpoint("STS");
    if let Some(web_identity_token) = optional("AWS_WEB_IDENTITY_TOKEN") {
        return Ok(Connection::WebIdentity(WebIdentityConnection {
            role_arn,
            web_identity_token,
            session_name,
            duration_seconds: duration()?,
            policy_arns: None,
            endpoint_url,
            sts_endpoint_url,
            streams_endpoint_url,
        }));
    }
    Ok(Connection::RoleArn(RoleArnConnection {
        role_arn,
        access_key_id: required("AWS_ACCESS_KEY_ID", "role-arn")?,
        secret_access_key: required("AWS_SECRET_ACCESS_KEY", "role-arn")?,
        external_id: optional("AWS_ROLE_EXTERNAL_ID"),
        session_name,
        source_identity: None,
        duration_seconds: duration()?,
        session_token: optional("AWS_SESSION_TOKEN"),
        endpoint_url,
        sts_endpoint_url,
        streams_endpoint_url,
    }))
}
