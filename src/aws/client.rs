//! The one place where a step gets its AWS clients: the connection's session in the region
//! ([`crate::aws::session`]: kept between steps, assuming a role through
//! [`crate::aws::sts`] when asked), built with the settings of [`crate::aws::sdk`].
//!
//! An instance keeps its clients between steps: a host that runs several steps of one
//! connection in the same instance (docs/embedding.md) pays for building a client (and, for
//! a role, for `AssumeRole`) once per region, not per step.

use crate::aws::session::kept_or_new;
use crate::error::Result;
use crate::wit::Connection;

pub use crate::aws::sdk::{at_most_once, for_access, Clients};
pub use crate::aws::session::{session, Session};

/// The `DynamoDB` clients for `connection` in `region`: the kept ones while fresh, else a new
/// session (kept for the next step).
pub async fn dynamodb(connection: &Connection, region: &str) -> Result<Clients> {
    Ok(kept_or_new(connection, region).await?.client)
}

/// The `DynamoDB` Streams client for `connection` in `region`, of the same session as
/// [`dynamodb`]'s clients (so a role is assumed once for both).
pub async fn streams(
    connection: &Connection,
    region: &str,
) -> Result<aws_sdk_dynamodbstreams::Client> {
    Ok(kept_or_new(connection, region).await?.streams())
}

/// The connection's secrets (its secret key, session token and external ID), which no
/// output may show.
pub fn secrets(connection: &Connection) -> Vec<&str> {
    let given = match connection {
        Connection::AccessKey(c) => [Some(&c.secret_access_key), c.session_token.as_ref(), None],
        Connection::RoleArn(c) => [
            Some(&c.secret_access_key),
            c.session_token.as_ref(),
            c.external_id.as_ref(),
        ],
        Connection::WebIdentity(c) => [Some(&c.web_identity_token), None, None],
    };
    given.into_iter().flatten().map(String::as_str).collect()
}
