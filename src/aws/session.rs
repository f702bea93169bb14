//! The sessions an instance keeps for its connection, by region: the clients and, for a
//! role, its assumed credentials until 5 minutes before they expire. A step of any other
//! connection (compared field by field in memory, never printed) drops them first; the
//! host may hand a role's credentials to a later instance ([`crate::aws::kept_state`]).

use crate::aws::delivery::RefusedByHost;
use crate::aws::endpoint;
use crate::aws::sdk::{sdk_config, signing, streams_url, Clients};
use crate::aws::sts::{assume_role, assume_web_identity, Assumed};
use crate::error::Result;
use crate::model::input;
use crate::wit::Connection;
use aws_credential_types::Credentials;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

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

    /// Its `DynamoDB` Streams client (built when first asked for).
    pub(crate) fn streams(&self) -> aws_sdk_dynamodbstreams::Client {
        self.streams.get()
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

/// The kept session of `connection` in `region` while fresh, else a new one.
pub(crate) async fn kept_or_new(connection: &Connection, region: &str) -> Result<Session> {
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
                client: Clients::new(region, credentials, endpoint),
                assumed_role: None,
                expires: None,
            }
        }
        Connection::RoleArn(c) => {
            let endpoints = (c.endpoint_url.as_deref(), c.streams_endpoint_url.as_deref());
            with_assumed(endpoints, region, assume_role(c, region).await?)?
        }
        Connection::WebIdentity(c) => {
            let endpoints = (c.endpoint_url.as_deref(), c.streams_endpoint_url.as_deref());
            with_assumed(endpoints, region, assume_web_identity(c, region).await?)?
        }
    };
    keep(connection, region, session.clone());
    Ok(session)
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
        client: Clients::new(region, credentials, endpoint),
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
