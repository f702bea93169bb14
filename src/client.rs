//! The one place where AWS clients are built for a step: credentials from the connection
//! (assuming a role through STS when asked), the region, the endpoint, `wasi:http`
//! transport, retries and timeouts — shared by the DynamoDB and STS clients.

use crate::error::{Error, Result};
use crate::wit::{Connection, RoleArnConnection};
use crate::{endpoint, input};
use aws_credential_types::Credentials;
use aws_sdk_dynamodb::config::{BehaviorVersion, Region};
use aws_smithy_async::rt::sleep::SharedAsyncSleep;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextMut, InterceptorContext,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, RetryAction};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use aws_smithy_wasm::wasi::{WasiHttpClientBuilder, WasiSleep};
use aws_types::sdk_config::SdkConfig;
use std::time::Duration;

/// Attempts per request (the first try plus retries) for throttling and transient errors,
/// with the SDK's standard exponential backoff. Requests the host refuses are not retried.
pub const MAX_ATTEMPTS: u32 = 3;

/// Time allowed to open a connection to an endpoint.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time allowed for one attempt (request sent to response read).
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);

/// Session name used for `AssumeRole` when the connection gives none.
pub const DEFAULT_SESSION_NAME: &str = "dynamodb-connector";

/// The shared client settings for `region`, signing with `credentials`.
fn sdk_config(region: &str, credentials: Credentials, endpoint: Option<String>) -> SdkConfig {
    let mut builder = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(credentials),
        )
        .http_client(WasiHttpClientBuilder::new().build())
        .sleep_impl(SharedAsyncSleep::new(WasiSleep))
        .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                .build(),
        );
    builder.set_endpoint_url(endpoint);
    builder.build()
}

/// A DynamoDB client of the shared settings.
fn dynamodb_client(config: &SdkConfig) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::config::Builder::from(config)
            .retry_classifier(RefusedByHost)
            .interceptor(EmptyAnswer)
            .build(),
    )
}

/// DynamoDB answers every request with a JSON document, `{}` at least. A `200` with an
/// empty body is not a valid answer (taken as one, `get-item` would say the item does not
/// exist): it becomes the service error `EmptyResponse`, which is not retried.
#[derive(Debug)]
struct EmptyAnswer;

impl Intercept for EmptyAnswer {
    fn name(&self) -> &'static str {
        "empty answer"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> std::result::Result<(), BoxError> {
        let response = context.response_mut();
        let empty = response.headers().get("content-length") == Some("0")
            || response.body().bytes() == Some(&[][..]);
        if response.status().as_u16() == 200 && empty {
            *response.status_mut() = StatusCode::try_from(400)?;
            *response.body_mut() = SdkBody::from(
                r#"{"__type":"EmptyResponse","message":"the service answered HTTP 200 with an empty body"}"#,
            );
        }
        Ok(())
    }
}

/// A request the host refused (`wasi:http`'s `HTTP-request-denied`) is not retried: the
/// refusal is the host operator's policy, and the same request would be refused again.
#[derive(Debug)]
struct RefusedByHost;

impl ClassifyRetry for RefusedByHost {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let refused = match ctx.output_or_error() {
            Some(Err(error)) => error
                .as_connector_error()
                .is_some_and(|e| format!("{e:?}").contains("HttpRequestDenied")),
            _ => false,
        };
        if refused {
            RetryAction::RetryForbidden
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        "refused by the host"
    }
}

/// The key pair of a connection and its checked DynamoDB `endpoint-url`.
fn signing(
    id: &str,
    secret: &str,
    token: Option<&str>,
    endpoint_url: Option<&str>,
    source: &'static str,
) -> Result<(Credentials, Option<String>)> {
    let credentials = Credentials::new(
        endpoint::credential("connection.access-key-id", id)?,
        endpoint::credential("connection.secret-access-key", secret)?,
        endpoint::optional_credential("connection.session-token", token)?.map(str::to_string),
        None,
        source,
    );
    Ok((
        credentials,
        endpoint::url("connection.endpoint-url", endpoint_url)?,
    ))
}

/// A step's DynamoDB client, and the role it assumed (if any).
pub struct Session {
    pub client: aws_sdk_dynamodb::Client,
    pub assumed_role: Option<String>,
}

/// Check the connection, assume its role when it has one, and build the DynamoDB client.
pub async fn session(connection: &Connection, region: &str) -> Result<Session> {
    let region = input::region(region)?;
    match connection {
        Connection::AccessKey(c) => {
            let (credentials, endpoint) = signing(
                &c.access_key_id,
                &c.secret_access_key,
                c.session_token.as_deref(),
                c.endpoint_url.as_deref(),
                "access-key",
            )?;
            Ok(Session {
                client: dynamodb_client(&sdk_config(region, credentials, endpoint)),
                assumed_role: None,
            })
        }
        Connection::RoleArn(c) => assume_role(c, region).await,
    }
}

/// Check a role connection, assume its role with STS and build the DynamoDB client with
/// the temporary credentials.
async fn assume_role(c: &RoleArnConnection, region: &str) -> Result<Session> {
    let role = endpoint::credential("connection.role-arn", &c.role_arn)?;
    let session_name =
        endpoint::optional_credential("connection.session-name", c.session_name.as_deref())?;
    let external_id =
        endpoint::optional_credential("connection.external-id", c.external_id.as_deref())?;
    let source_identity =
        endpoint::optional_credential("connection.source-identity", c.source_identity.as_deref())?;
    let (signing, endpoint) = signing(
        &c.access_key_id,
        &c.secret_access_key,
        c.session_token.as_deref(),
        c.endpoint_url.as_deref(),
        "role-arn",
    )?;
    let sts_endpoint = endpoint::url("connection.sts-endpoint-url", c.sts_endpoint_url.as_deref())?;
    if let Some(seconds) = c.duration_seconds.filter(|s| !(900..=43200).contains(s)) {
        return Err(Error::invalid(
            "connection.duration-seconds",
            format!("{seconds} is not between 900 and 43200"),
        ));
    }
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(&sdk_config(region, signing, sts_endpoint))
            .retry_classifier(RefusedByHost)
            .build(),
    );
    let assumed = sts
        .assume_role()
        .role_arn(role)
        .role_session_name(session_name.unwrap_or(DEFAULT_SESSION_NAME))
        .set_external_id(external_id.map(str::to_string))
        .set_source_identity(source_identity.map(str::to_string))
        .set_duration_seconds(c.duration_seconds.map(|s| s as i32))
        .send()
        .await
        .map_err(|e| Error::from(e).context(&format!("assuming role {role}")))?;
    let temporary = assumed.credentials().ok_or_else(|| {
        Error::new(
            crate::error::Kind::Service,
            format!("assuming role {role}: STS returned no credentials"),
        )
    })?;
    let credentials = Credentials::new(
        temporary.access_key_id(),
        temporary.secret_access_key(),
        Some(temporary.session_token().to_string()),
        None,
        "assumed-role",
    );
    Ok(Session {
        client: dynamodb_client(&sdk_config(region, credentials, endpoint)),
        assumed_role: assumed.assumed_role_user().map(|u| u.arn().to_string()),
    })
}

/// The DynamoDB client for one step.
pub async fn dynamodb(connection: &Connection, region: &str) -> Result<aws_sdk_dynamodb::Client> {
    Ok(session(connection, region).await?.client)
}

/// `client` with retries of possibly applied attempts forbidden, for one step's
/// non-idempotent write: throttling and failures before the request was sent are retried,
/// a failure after it may have been applied is not (the action reports it as
/// `outcome-unknown`, see [`crate::error::write`]).
pub fn at_most_once(client: &aws_sdk_dynamodb::Client) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::from_conf(
        client
            .config()
            .to_builder()
            .retry_classifier(AmbiguousNotRetried)
            .build(),
    )
}

/// `client` for a request that reads (as it is) or writes (at most once).
pub fn for_access(
    client: aws_sdk_dynamodb::Client,
    access: crate::error::Access,
) -> aws_sdk_dynamodb::Client {
    match access {
        crate::error::Access::Read => client,
        crate::error::Access::Write => at_most_once(&client),
    }
}

/// Forbids a retry when the failed attempt may have been applied (an HTTP 5xx, an answer
/// that could not be read, an attempt timeout, a transport failure after sending).
#[derive(Debug)]
struct AmbiguousNotRetried;

impl ClassifyRetry for AmbiguousNotRetried {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let Some(Err(error)) = ctx.output_or_error() else {
            return RetryAction::NoActionIndicated;
        };
        let server_error = ctx.response().is_some_and(|r| r.status().as_u16() >= 500);
        let ambiguous = match error.as_connector_error() {
            Some(transport) => !crate::error::nothing_sent(&format!("{transport:?}")),
            None => error.is_timeout_error() || error.is_response_error() || server_error,
        };
        if ambiguous {
            RetryAction::RetryForbidden
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        "possibly applied write not retried"
    }
}
