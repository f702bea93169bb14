//! Assuming a connection's role with STS: `AssumeRole` signed with the connection's keys,
//! or `AssumeRoleWithWebIdentity` unsigned (the token is the proof), every input checked
//! before the request.

use crate::aws::delivery::RefusedByHost;
use crate::aws::endpoint;
use crate::aws::sdk::{sdk_config, signing, streams_url, unsigned_config};
use crate::error::{Error, Result};
use crate::model::input;
use crate::wit::{RoleArnConnection, WebIdentityConnection};
use aws_credential_types::Credentials;
use aws_sdk_sts::types::{AssumedRoleUser, PolicyDescriptorType};
use std::time::SystemTime;

/// Session name used for `AssumeRole` when the connection gives none.
pub const DEFAULT_SESSION_NAME: &str = "dynamodb-connector";

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

/// Check a role connection and assume its role with STS.
pub(crate) async fn assume_role(c: &RoleArnConnection, region: &str) -> Result<Assumed> {
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
    let user = assumed.assumed_role_user().map(AssumedRoleUser::arn);
    assumed_from(role, assumed.credentials(), user, "assumed-role")
}

/// Most managed policy ARNs a session takes.
const MAX_POLICY_ARNS: usize = 10;

/// Check a web-identity connection, assume its role with STS `AssumeRoleWithWebIdentity`
/// (unsigned: the token is the proof).
pub(crate) async fn assume_web_identity(
    c: &WebIdentityConnection,
    region: &str,
) -> Result<Assumed> {
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
    let user = assumed.assumed_role_user().map(AssumedRoleUser::arn);
    assumed_from(role, assumed.credentials(), user, "web-identity")
}

/// What STS answered for `role`: its temporary credentials (a service error when it gave
/// none), the assumed role's ARN and the expiry.
fn assumed_from(
    role: &str,
    temporary: Option<&aws_sdk_sts::types::Credentials>,
    arn: Option<&str>,
    source: &'static str,
) -> Result<Assumed> {
    let temporary = temporary.ok_or_else(|| {
        Error::new(
            crate::error::Kind::Service,
            format!("assuming role {role}: STS returned no credentials"),
        )
    })?;
    Ok(Assumed {
        credentials: Credentials::new(
            temporary.access_key_id(),
            temporary.secret_access_key(),
            Some(temporary.session_token().to_string()),
            None,
            source,
        ),
        role: arn.map(str::to_string),
        expires: SystemTime::try_from(*temporary.expiration()).ok(),
    })
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
