//! The SDK's settings for a step's clients: the region, the endpoint, the `wasi:http`
//! transport, retries and timeouts, signing (or not) — shared by the `DynamoDB`, `DynamoDB`
//! Streams and STS clients — and a session's pair of `DynamoDB` clients.

use crate::aws::delivery::{AmbiguousNotRetried, RefusedByHost};
use crate::aws::endpoint;
use crate::aws::lean::Lean;
use crate::aws::transport::WasiHttp;
use crate::error::Result;
use crate::model::keys::KeySchema;
use crate::model::Access;
use aws_credential_types::Credentials;
use aws_sdk_dynamodb::config::{BehaviorVersion, Region};
use aws_smithy_async::rt::sleep::SharedAsyncSleep;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeDeserializationInterceptorContextMut;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::retries::classifiers::SharedRetryClassifier;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use aws_smithy_wasm::wasi::WasiSleep;
use aws_types::sdk_config::SdkConfig;
use std::collections::HashMap;
use std::ops::Deref;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Attempts per request (the first try plus retries) for throttling and transient errors,
/// with the SDK's standard exponential backoff. Requests the host refuses are not retried.
pub const MAX_ATTEMPTS: u32 = 3;

/// Time allowed to open a connection to an endpoint.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time allowed for one attempt (request sent to response read).
pub(crate) const ATTEMPT_TIMEOUT: Duration = Duration::from_mins(1);

/// The shared client settings for `region`, signing with `credentials`.
pub(crate) fn sdk_config(
    region: &str,
    credentials: Credentials,
    endpoint: Option<String>,
) -> SdkConfig {
    let mut builder = unsigned_config(region, endpoint).to_builder();
    builder.set_credentials_provider(Some(
        aws_credential_types::provider::SharedCredentialsProvider::new(credentials),
    ));
    builder.build()
}

/// The shared settings without credentials: for STS's unsigned
/// `AssumeRoleWithWebIdentity`.
pub(crate) fn unsigned_config(region: &str, endpoint: Option<String>) -> SdkConfig {
    let mut builder = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .http_client(WasiHttp::shared())
        .sleep_impl(SharedAsyncSleep::new(WasiSleep))
        .retry_config(retry_config())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                .build(),
        );
    builder.set_endpoint_url(endpoint);
    builder.build()
}

/// The retry settings of every client (and of the lean path).
pub(crate) fn retry_config() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS)
}

/// The retry classifiers a `DynamoDB` client adds to the SDK's, in order: the host's
/// refusal, and for a write the at-most-once rule (the lean path takes the same).
pub(crate) fn classifiers(access: Access) -> Vec<SharedRetryClassifier> {
    let mut classifiers = vec![SharedRetryClassifier::new(RefusedByHost)];
    if access == Access::Write {
        classifiers.push(SharedRetryClassifier::new(AmbiguousNotRetried));
    }
    classifiers
}

/// A `DynamoDB` client of the shared settings.
fn dynamodb_client(config: &SdkConfig) -> aws_sdk_dynamodb::Client {
    let mut builder = aws_sdk_dynamodb::config::Builder::from(config).interceptor(EmptyAnswer);
    for classifier in classifiers(Access::Read) {
        builder.push_retry_classifier(classifier);
    }
    aws_sdk_dynamodb::Client::from_conf(builder.build())
}

/// `DynamoDB` answers every request with a JSON document, `{}` at least. A `200` with an
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
        refuse_empty_answer(context.response_mut());
        Ok(())
    }
}

/// [`EmptyAnswer`]'s rule on `response`: an empty `200` becomes the service error
/// `EmptyResponse`.
pub(crate) fn refuse_empty_answer(response: &mut HttpResponse) {
    let empty = response.headers().get("content-length") == Some("0")
        || response.body().bytes() == Some(&[][..]);
    if response.status().as_u16() == 200 && empty {
        if let Ok(status) = StatusCode::try_from(400) {
            *response.status_mut() = status;
        }
        *response.body_mut() = SdkBody::from(
            r#"{"__type":"EmptyResponse","message":"the service answered HTTP 200 with an empty body"}"#,
        );
    }
}

/// The key pair of a connection and its checked `DynamoDB` `endpoint-url`.
pub(crate) fn signing(
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

/// A session's `DynamoDB` client, its at-most-once twin for non-idempotent writes (built
/// when first asked for), and the key schemas its steps learnt. Derefs to the plain client.
#[derive(Clone, Debug)]
pub struct Clients {
    /// The settings the SDK's clients are built from, when first asked for (a session
    /// whose steps all go on the lean path never builds them).
    config: Arc<SdkConfig>,
    client: Arc<OnceLock<aws_sdk_dynamodb::Client>>,
    writer: Arc<OnceLock<aws_sdk_dynamodb::Client>>,
    schemas: Arc<Mutex<HashMap<String, (KeySchema, Instant)>>>,
    lean: Arc<Lean>,
}

impl Clients {
    /// A session's clients in `region`, signing with `credentials`, at `endpoint` (else
    /// where the endpoint rules say).
    pub(crate) fn new(region: &str, credentials: Credentials, endpoint: Option<String>) -> Self {
        let lean = Lean::new(
            region,
            credentials.clone(),
            endpoint.clone(),
            CONNECT_TIMEOUT,
        );
        Clients {
            config: Arc::new(sdk_config(region, credentials, endpoint)),
            client: Arc::default(),
            writer: Arc::default(),
            schemas: Arc::default(),
            lean: Arc::new(lean),
        }
    }

    /// What the session's requests on the lean path share.
    pub(crate) fn lean(&self) -> &Lean {
        &self.lean
    }

    /// The plain `DynamoDB` client (built when first asked for).
    fn client(&self) -> &aws_sdk_dynamodb::Client {
        self.client.get_or_init(|| dynamodb_client(&self.config))
    }

    /// The key schema of `table` this session learnt less than `fresh` ago.
    pub(crate) fn kept_key_schema(&self, table: &str, fresh: Duration) -> Option<KeySchema> {
        let schemas = self.schemas.lock().ok()?;
        let (schema, learnt) = schemas.get(table)?;
        (learnt.elapsed() < fresh).then(|| schema.clone())
    }

    /// Keep `table`'s key schema, learnt now.
    pub(crate) fn keep_key_schema(&self, table: &str, schema: &KeySchema) {
        if let Ok(mut schemas) = self.schemas.lock() {
            schemas.insert(table.to_string(), (schema.clone(), Instant::now()));
        }
    }
}

impl Deref for Clients {
    type Target = aws_sdk_dynamodb::Client;

    fn deref(&self) -> &aws_sdk_dynamodb::Client {
        self.client()
    }
}

/// The checked `streams-endpoint-url` of a connection.
pub(crate) fn streams_url(url: Option<&str>) -> Result<Option<String>> {
    endpoint::url("connection.streams-endpoint-url", url)
}

/// `clients`' client with retries of possibly applied attempts forbidden, for a
/// non-idempotent write: throttling and failures before the request was sent are retried,
/// a failure after it may have been applied is not (the action reports it as
/// `outcome-unknown`, see [`crate::aws::delivery::write`]).
pub fn at_most_once(clients: &Clients) -> aws_sdk_dynamodb::Client {
    let build = || {
        let config = clients.client().config().to_builder();
        aws_sdk_dynamodb::Client::from_conf(config.retry_classifier(AmbiguousNotRetried).build())
    };
    clients.writer.get_or_init(build).clone()
}

/// `client` for a request that reads (as it is) or writes (at most once).
pub fn for_access(clients: &Clients, access: Access) -> aws_sdk_dynamodb::Client {
    match access {
        Access::Read => clients.client().clone(),
        Access::Write => at_most_once(clients),
    }
}
