//! The `session` export: the state an instance hands its host between the steps of one
//! connection ([`save`]) and takes back in a fresh instance ([`restore`]), so that a host
//! keeping many more connections than instances does not assume a role again while its
//! credentials are fresh.
//!
//! The state is JSON: `{"role": ROLE-ARN, "sessions": [{"region", "key", "secret",
//! "token", "expires", "assumed"}]}` (`expires` in Unix seconds). It holds temporary
//! credentials: the host keeps it in memory, keyed by the connection's salted hash, and
//! gives it back to the same connection only; [`restore`] also ignores a state of
//! another role.

use crate::aws::session;
use crate::aws::sts::Assumed;
use crate::wit::Connection;
use aws_credential_types::Credentials;
use serde_json::{json, Value};
use std::time::{Duration, UNIX_EPOCH};

/// The kept assumed credentials as state bytes; `None` when there are none.
pub fn save() -> Option<Vec<u8>> {
    let (role, sessions) = session::kept_assumed()?;
    let shown = sessions.iter().map(|(region, a)| {
        let expires = a.expires.and_then(|e| e.duration_since(UNIX_EPOCH).ok());
        json!({"region": region, "key": a.credentials.access_key_id(),
            "secret": a.credentials.secret_access_key(), "token": a.credentials.session_token(),
            "expires": expires.map(|e| e.as_secs()), "assumed": a.role})
    });
    let state = json!({"role": role, "sessions": shown.collect::<Vec<_>>()});
    Some(state.to_string().into_bytes())
}

/// Keep the sessions of `state` for `connection`, when it is a role connection of the
/// state's role; anything else is ignored.
pub fn restore(connection: &Connection, state: &[u8]) {
    let Some(role) = session::role_arn(connection) else {
        return;
    };
    let Ok(state) = serde_json::from_slice::<Value>(state) else {
        return;
    };
    if state["role"].as_str() != Some(role) {
        return;
    }
    for session in state["sessions"].as_array().into_iter().flatten() {
        if let Some((region, assumed)) = assumed(session) {
            // A session that cannot be rebuilt is assumed again at the next step.
            let _ = session::keep_assumed(connection, region, assumed);
        }
    }
}

/// One saved session: its region and what was assumed.
fn assumed(session: &Value) -> Option<(&str, Assumed)> {
    let text = |k: &str| session[k].as_str();
    let credentials = Credentials::new(
        text("key")?,
        text("secret")?,
        text("token").map(str::to_string),
        None,
        "assumed-role",
    );
    let expires = UNIX_EPOCH + Duration::from_secs(session["expires"].as_u64()?);
    let assumed = Assumed {
        credentials,
        role: text("assumed").map(str::to_string),
        expires: Some(expires),
    };
    Some((text("region")?, assumed))
}
