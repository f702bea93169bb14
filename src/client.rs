//! The one place where an `aws-sdk-dynamodb` client is built for a step: credentials from
//! the connection, the region, the endpoint, `wasi:http` transport, retries and timeouts.

use crate::bindings::exports::dynamodb::connector::types::Connection;
use crate::error::{Error, Result};
use crate::input;
use aws_credential_types::Credentials;
use aws_sdk_dynamodb::config::{BehaviorVersion, Region};
use aws_smithy_async::rt::sleep::SharedAsyncSleep;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use aws_smithy_wasm::wasi::{WasiHttpClientBuilder, WasiSleep};
use std::time::Duration;

/// Attempts per request (the first try plus retries) for throttling and transient errors,
/// with the SDK's standard exponential backoff.
pub const MAX_ATTEMPTS: u32 = 3;

/// Time allowed to open a connection to an endpoint.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time allowed for one attempt (request sent to response read).
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);

/// Static credentials and endpoint a step's connection resolves to.
pub struct Resolved {
    pub credentials: Credentials,
    pub endpoint_url: Option<String>,
}

/// Check a connection's fields and turn them into credentials.
pub fn resolve(connection: &Connection) -> Result<Resolved> {
    match connection {
        Connection::AccessKey(c) => Ok(Resolved {
            credentials: Credentials::new(
                input::required("connection.access-key-id", &c.access_key_id)?,
                input::required("connection.secret-access-key", &c.secret_access_key)?,
                input::optional(c.session_token.as_deref()).map(str::to_string),
                None,
                "connection",
            ),
            endpoint_url: endpoint("connection.endpoint-url", c.endpoint_url.as_deref())?,
        }),
    }
}

/// An optional endpoint URL, checked to be `http(s)://host[:port]`.
fn endpoint(field: &str, url: Option<&str>) -> Result<Option<String>> {
    let Some(url) = input::optional(url) else {
        return Ok(None);
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.starts_with('/') => Ok(Some(url.to_string())),
        _ => Err(Error::invalid(
            field,
            format!("{url:?} is not an http:// or https:// URL"),
        )),
    }
}

/// The DynamoDB client for one step.
pub fn dynamodb(connection: &Connection, region: &str) -> Result<aws_sdk_dynamodb::Client> {
    let region = input::region(region)?;
    let resolved = resolve(connection)?;
    let mut config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .credentials_provider(resolved.credentials)
        .http_client(WasiHttpClientBuilder::new().build())
        .sleep_impl(SharedAsyncSleep::new(WasiSleep))
        .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                .build(),
        );
    if let Some(url) = resolved.endpoint_url {
        config = config.endpoint_url(url);
    }
    Ok(aws_sdk_dynamodb::Client::from_conf(config.build()))
}
