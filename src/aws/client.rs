//! The one place where AWS clients are built for a step: credentials from the connection
//! (assuming a role through STS when asked), the region, the endpoint, `wasi:http`
//! transport, retries and timeouts — shared by the `DynamoDB`, `DynamoDB` Streams and STS
//! clients.
//!
//! An instance keeps its clients between steps: a host that runs several steps of one
//! connection in the same instance (docs/embedding.md) pays for building a client (and, for
//! a role, for `AssumeRole`) once per region, not per step. The kept clients belong to one
//! connection: a step of any other connection (compared field by field in memory, never
//! printed) drops them first. Assumed credentials are kept until 5 minutes before they
//! expire.

use crate::aws::delivery::{AmbiguousNotRetried, RefusedByHost};
use crate::aws::endpoint;
use crate::aws::transport::WasiHttp;
use crate::error::{Error, Result};
use crate::model::{input, Access};
use crate::wit::{Connection, RoleArnConnection, WebIdentityConnection};
use aws_credential_types::Credentials;
use aws_sdk_dynamodb::config::{BehaviorVersion, Region};
use aws_sdk_sts::types::PolicyDescriptorType;
use aws_smithy_async::rt::sleep::SharedAsyncSleep;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeDeserializationInterceptorContextMut;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use aws_smithy_wasm::wasi::WasiSleep;
use aws_types::sdk_config::SdkConfig;
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

/// Attempts per request (the first try plus retries) for throttling and transient errors,
/// with the SDK's standard exponential backoff. Requests the host refuses are not retried.
pub const MAX_ATTEMPTS: u32 = 3;

/// Time allowed to open a connection to an endpoint.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time allowed for one attempt (request sent to response read).
const ATTEMPT_TIMEOUT: Duration = Duration::from_mins(1);

/// Session name used for `AssumeRole` when the connection gives none.
pub const DEFAULT_SESSION_NAME: &str = "dynamodb-connector";

/// The shared client settings for `region`, signing with `credentials`.
fn sdk_config(region: &str, credentials: Credentials, endpoint: Option<String>) -> SdkConfig {
    let mut builder = unsigned_config(region, endpoint).to_builder();
    builder.set_credentials_provider(Some(
        aws_credential_types::provider::SharedCredentialsProvider::new(credentials),
    ));
    builder.build()
}

/// The shared settings without credentials: for STS's unsigned
/// `AssumeRoleWithWebIdentity`.
fn unsigned_config(region: &str, endpoint: Option<String>) -> SdkConfig {
    let mut builder = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .http_client(WasiHttp::shared())
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

/// A `DynamoDB` client of the shared settings.
fn dynamodb_client(config: &SdkConfig) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::config::Builder::from(config)
            .retry_classifier(RefusedByHost)
            .interceptor(EmptyAnswer)
            .build(),
    )
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

/// The key pair of a connection and its checked `DynamoDB` `endpoint-url`.
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

/// A session's `DynamoDB` client, and its at-most-once twin for non-idempotent writes (built
/// when first asked for). Derefs to the plain client.
#[derive(Clone, Debug)]
pub struct Clients {
    client: aws_sdk_dynamodb::Client,
    writer: Arc<OnceLock<aws_sdk_dynamodb::Client>>,
}

impl Deref for Clients {
    type Target = aws_sdk_dynamodb::Client;

    fn deref(&self) -> &aws_sdk_dynamodb::Client {
        &self.client
    }
}

impl From<aws_sdk_dynamodb::Client> for Clients {
    fn from(client: aws_sdk_dynamodb::Client) -> Self {
        Clients {
            client,
            writer: Arc::default(),
        }
    }
}

/// A `DynamoDB` session: its clients, the role it assumed (if any) and when its credentials
/// expire (assumed ones only).
#[derive(Clone, Debug)]
pub struct Session {
    /// Its DynamoDB clients.
    pub client: Clients,
    /// The ARN of the role it assumed (role-arn connections).
    pub assumed_role: Option<String>,
    expires: Option<SystemTime>,
    streams: Arc<StreamsClient>,
}

/// What a session's `DynamoDB` Streams client is built from (when first asked for), and the
/// client.
#[derive(Debug)]
struct StreamsClient {
    region: String,
    credentials: Credentials,
    endpoint: Option<String>,
    client: OnceLock<aws_sdk_dynamodbstreams::Client>,
}

impl StreamsClient {
    fn new(region: &str, credentials: &Credentials, endpoint: Option<String>) -> Arc<Self> {
        Arc::new(StreamsClient {
            region: region.to_string(),
            credentials: credentials.clone(),
            endpoint,
            client: OnceLock::new(),
        })
    }

    fn get(&self) -> aws_sdk_dynamodbstreams::Client {
        let build = || {
            let config = sdk_config(
                &self.region,
                self.credentials.clone(),
                self.endpoint.clone(),
            );
            aws_sdk_dynamodbstreams::Client::from_conf(
                aws_sdk_dynamodbstreams::config::Builder::from(&config)
                    .retry_classifier(RefusedByHost)
                    .build(),
            )
        };
        self.client.get_or_init(build).clone()
    }
}

/// Assumed credentials are not used within this long of their expiry.
const EXPIRY_MARGIN: Duration = Duration::from_mins(5);

impl Session {
    fn fresh(&self) -> bool {
        self.expires
            .is_none_or(|at| SystemTime::now() + EXPIRY_MARGIN < at)
    }
}

/// The sessions this instance keeps, by region, and the connection they belong to.
struct Kept {
    connection: Connection,
    sessions: HashMap<String, Session>,
}

thread_local! {
    static KEPT: RefCell<Option<Kept>> = const { RefCell::new(None) };
}

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
    Ok(kept_or_new(connection, region).await?.streams.get())
}

/// The kept session of `connection` in `region` while fresh, else a new one.
async fn kept_or_new(connection: &Connection, region: &str) -> Result<Session> {
    let region = input::region(region)?;
    let kept = KEPT.with_borrow(|kept| {
        let kept = kept.as_ref().filter(|k| &k.connection == connection)?;
        kept.sessions.get(region).filter(|s| s.fresh()).cloned()
    });
    match kept {
        Some(session) => Ok(session),
        None => session(connection, region).await,
    }
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

/// Check the connection, assume its role when it has one, and build the `DynamoDB` client: a
/// new session, always (what `test-connection` checks), kept for the steps after.
pub async fn session(connection: &Connection, region: &str) -> Result<Session> {
    let region = input::region(region)?;
    let session = match connection {
        Connection::AccessKey(c) => {
            let (credentials, endpoint) = signing(
                &c.access_key_id,
                &c.secret_access_key,
                c.session_token.as_deref(),
                c.endpoint_url.as_deref(),
                "access-key",
            )?;
            let streams = streams_url(c.streams_endpoint_url.as_deref())?;
            Session {
                streams: StreamsClient::new(region, &credentials, streams),
                client: dynamodb_client(&sdk_config(region, credentials, endpoint)).into(),
                assumed_role: None,
                expires: None,
            }
        }
        Connection::RoleArn(c) => assume_role(c, region).await?,
        Connection::WebIdentity(c) => assume_web_identity(c, region).await?,
    };
    keep(connection, region, session.clone());
    Ok(session)
}

/// The checked `streams-endpoint-url` of a connection.
fn streams_url(url: Option<&str>) -> Result<Option<String>> {
    endpoint::url("connection.streams-endpoint-url", url)
}

/// Check a role connection, assume its role with STS and build the `DynamoDB` client with
/// the temporary credentials.
async fn assume_role(c: &RoleArnConnection, region: &str) -> Result<Session> {
    let role = endpoint::credential("connection.role-arn", &c.role_arn)?;
    let session_name =
        endpoint::optional_credential("connection.session-name", c.session_name.as_deref())?;
    let external_id =
        endpoint::optional_credential("connection.external-id", c.external_id.as_deref())?;
    let source_identity =
        endpoint::optional_credential("connection.source-identity", c.source_identity.as_deref())?;
    // The endpoints are checked before STS is called (`with_assumed` uses them).
    let (signing, _) = signing(
        &c.access_key_id,
        &c.secret_access_key,
        c.session_token.as_deref(),
        c.endpoint_url.as_deref(),
        "role-arn",
    )?;
    let sts_endpoint = endpoint::url("connection.sts-endpoint-url", c.sts_endpoint_url.as_deref())?;
    streams_url(c.streams_endpoint_url.as_deref())?;
    duration("connection.duration-seconds", c.duration_seconds)?;
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
        .set_duration_seconds(c.duration_seconds.and_then(|s| i32::try_from(s).ok()))
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
    let assumed = Assumed {
        credentials,
        role: assumed.assumed_role_user().map(|u| u.arn().to_string()),
        expires: SystemTime::try_from(*temporary.expiration()).ok(),
    };
    let endpoints = (c.endpoint_url.as_deref(), c.streams_endpoint_url.as_deref());
    with_assumed(endpoints, region, assumed)
}

/// Most managed policy ARNs a session takes.
const MAX_POLICY_ARNS: usize = 10;

/// Check a web-identity connection, assume its role with STS `AssumeRoleWithWebIdentity`
/// (unsigned: the token is the proof) and build the `DynamoDB` client with the temporary
/// credentials.
async fn assume_web_identity(c: &WebIdentityConnection, region: &str) -> Result<Session> {
    let role = endpoint::credential("connection.role-arn", &c.role_arn)?;
    let token = endpoint::credential("connection.web-identity-token", &c.web_identity_token)?;
    let session_name =
        endpoint::optional_credential("connection.session-name", c.session_name.as_deref())?;
    let policies = policy_arns(c.policy_arns.as_deref())?;
    endpoint::url("connection.endpoint-url", c.endpoint_url.as_deref())?;
    streams_url(c.streams_endpoint_url.as_deref())?;
    let sts_endpoint = endpoint::url("connection.sts-endpoint-url", c.sts_endpoint_url.as_deref())?;
    duration("connection.duration-seconds", c.duration_seconds)?;
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(&unsigned_config(region, sts_endpoint))
            .retry_classifier(RefusedByHost)
            .build(),
    );
    let assumed = sts
        .assume_role_with_web_identity()
        .role_arn(role)
        .web_identity_token(token)
        .role_session_name(session_name.unwrap_or(DEFAULT_SESSION_NAME))
        .set_policy_arns(policies)
        .set_duration_seconds(c.duration_seconds.and_then(|s| i32::try_from(s).ok()))
        .send()
        .await
        .map_err(|e| {
            Error::from(e).context(&format!("assuming role {role} with a web identity"))
        })?;
    let temporary = assumed.credentials().ok_or_else(|| {
        Error::new(
            crate::error::Kind::Service,
            format!("assuming role {role}: STS returned no credentials"),
        )
    })?;
    let assumed = Assumed {
        credentials: Credentials::new(
            temporary.access_key_id(),
            temporary.secret_access_key(),
            Some(temporary.session_token().to_string()),
            None,
            "web-identity",
        ),
        role: assumed.assumed_role_user().map(|u| u.arn().to_string()),
        expires: SystemTime::try_from(*temporary.expiration()).ok(),
    };
    let endpoints = (c.endpoint_url.as_deref(), c.streams_endpoint_url.as_deref());
    with_assumed(endpoints, region, assumed)
}

/// The checked `policy-arns`: comma-separated ARNs, at most [`MAX_POLICY_ARNS`].
fn policy_arns(text: Option<&str>) -> Result<Option<Vec<PolicyDescriptorType>>> {
    const FIELD: &str = "connection.policy-arns";
    let Some(text) = input::optional(text) else {
        return Ok(None);
    };
    let arns: Vec<&str> = text.split(',').map(str::trim).collect();
    if arns.len() > MAX_POLICY_ARNS || arns.iter().any(|a| !a.starts_with("arn:")) {
        return Err(Error::invalid(
            FIELD,
            format!("must be 1 to {MAX_POLICY_ARNS} comma-separated policy ARNs (arn:...)"),
        ));
    }
    let policy = |arn: &&str| PolicyDescriptorType::builder().arn(*arn).build();
    Ok(Some(arns.iter().map(policy).collect()))
}

/// A checked `duration-seconds`: 900 to 43200 when given.
fn duration(field: &str, seconds: Option<u32>) -> Result<()> {
    match seconds {
        Some(s) if !(900..=43200).contains(&s) => Err(Error::invalid(
            field,
            format!("{s} is not between 900 and 43200"),
        )),
        _ => Ok(()),
    }
}

/// What assuming a role gave: the temporary credentials, the assumed role's ARN and when
/// the credentials expire.
#[derive(Clone, Debug)]
pub struct Assumed {
    /// The temporary credentials.
    pub credentials: Credentials,
    /// The ARN of the assumed role (its session).
    pub role: Option<String>,
    /// When the credentials expire.
    pub expires: Option<SystemTime>,
}

/// A connection that assumes a role: its role ARN and its `DynamoDB` and Streams endpoint
/// overrides; `None` for an access-key connection.
fn role_of(connection: &Connection) -> Option<(&str, Option<&str>, Option<&str>)> {
    match connection {
        Connection::AccessKey(_) => None,
        Connection::RoleArn(c) => Some((
            &c.role_arn,
            c.endpoint_url.as_deref(),
            c.streams_endpoint_url.as_deref(),
        )),
        Connection::WebIdentity(c) => Some((
            &c.role_arn,
            c.endpoint_url.as_deref(),
            c.streams_endpoint_url.as_deref(),
        )),
    }
}

/// The role ARN of a connection that assumes one.
pub fn role_arn(connection: &Connection) -> Option<&str> {
    role_of(connection).map(|(role, ..)| role)
}

/// The session in `region` signing with credentials assumed before, for a connection with
/// the endpoint overrides `endpoints` (`DynamoDB`, Streams).
fn with_assumed(
    endpoints: (Option<&str>, Option<&str>),
    region: &str,
    assumed: Assumed,
) -> Result<Session> {
    let endpoint = endpoint::url("connection.endpoint-url", endpoints.0)?;
    let streams = streams_url(endpoints.1)?;
    let credentials = assumed.credentials;
    Ok(Session {
        streams: StreamsClient::new(region, &credentials, streams),
        client: dynamodb_client(&sdk_config(region, credentials, endpoint)).into(),
        assumed_role: assumed.role,
        expires: assumed.expires,
    })
}

/// The role of the connection this instance keeps sessions for, and its fresh assumed
/// credentials by region: what is worth handing to the host between steps. `None` for an
/// access-key connection, or when nothing is kept.
pub fn kept_assumed() -> Option<(String, Vec<(String, Assumed)>)> {
    KEPT.with_borrow(|kept| {
        let kept = kept.as_ref()?;
        let role = role_arn(&kept.connection)?;
        let assumed = kept
            .sessions
            .iter()
            .filter(|(_, s)| s.expires.is_some() && s.fresh());
        let assumed = assumed.map(|(region, s)| {
            let credentials = s.streams.credentials.clone();
            let (role, expires) = (s.assumed_role.clone(), s.expires);
            (
                region.clone(),
                Assumed {
                    credentials,
                    role,
                    expires,
                },
            )
        });
        let assumed: Vec<_> = assumed.collect();
        (!assumed.is_empty()).then(|| (role.to_string(), assumed))
    })
}

/// Keep the credentials `assumed` of role connection `c` in `region`, from an earlier
/// instance, for its next steps (while fresh). Another connection's kept sessions go.
pub fn keep_assumed(connection: &Connection, region: &str, assumed: Assumed) -> Result<()> {
    let Some((_, endpoint, streams)) = role_of(connection) else {
        return Ok(());
    };
    let region = input::region(region)?;
    let session = with_assumed((endpoint, streams), region, assumed)?;
    if !session.fresh() {
        return Ok(());
    }
    keep(connection, region, session);
    Ok(())
}

/// Keep `session` as `connection`'s in `region`, dropping another connection's sessions.
fn keep(connection: &Connection, region: &str, session: Session) {
    KEPT.with_borrow_mut(|kept| {
        if kept.as_ref().is_none_or(|k| &k.connection != connection) {
            *kept = Some(Kept {
                connection: connection.clone(),
                sessions: HashMap::new(),
            });
        }
        if let Some(kept) = kept.as_mut() {
            kept.sessions.insert(region.to_string(), session);
        }
    });
}

/// `clients`' client with retries of possibly applied attempts forbidden, for a
/// non-idempotent write: throttling and failures before the request was sent are retried,
/// a failure after it may have been applied is not (the action reports it as
/// `outcome-unknown`, see [`crate::aws::delivery::write`]).
pub fn at_most_once(clients: &Clients) -> aws_sdk_dynamodb::Client {
    let build = || {
        let config = clients.client.config().to_builder();
        aws_sdk_dynamodb::Client::from_conf(config.retry_classifier(AmbiguousNotRetried).build())
    };
    clients.writer.get_or_init(build).clone()
}

/// `client` for a request that reads (as it is) or writes (at most once).
pub fn for_access(clients: &Clients, access: Access) -> aws_sdk_dynamodb::Client {
    match access {
        Access::Read => clients.client.clone(),
        Access::Write => at_most_once(clients),
    }
}
