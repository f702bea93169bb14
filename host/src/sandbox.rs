//! Which origins a step may reach: only those its connection implies, as the connector's
//! manifest declares them ([`crate::manifest::Endpoint`]): for each endpoint of the
//! connection's type, the URL in its connection field when given, else its default
//! template filled from the step.
//!
//! An origin is scheme, host and port (the scheme's default port when none is written);
//! every other destination is refused.

use crate::manifest::{Endpoint, Manifest};
use crate::step::Step;
use serde_json::Value;
use std::fmt;

/// One destination a request may go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// `http` or `https`, lower-case.
    pub scheme: String,
    /// The host name or address, lower-case.
    pub host: String,
    /// The port, explicit or the scheme's default.
    pub port: u16,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}:{}", self.scheme, self.host, self.port)
    }
}

impl Origin {
    /// The origin of a URI: `http` or `https` (in any case), a host, and a port that is a
    /// number from 1 to 65535 when one is written. `None` for anything else, a user name or
    /// password included.
    pub fn of(uri: &http::Uri) -> Option<Origin> {
        let scheme = uri.scheme_str()?.to_ascii_lowercase();
        let authority = uri.authority()?;
        if authority.as_str().contains('@') {
            return None;
        }
        let host = authority.host().to_ascii_lowercase();
        let default = match scheme.as_str() {
            "https" => 443,
            "http" => 80,
            _ => return None,
        };
        // The text after the host, not `Authority::port`, which hides a malformed port.
        let written = authority.as_str().get(authority.host().len()..)?;
        let port = match written.strip_prefix(':') {
            None if written.is_empty() => default,
            None => return None,
            Some(text) => {
                let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
                text.parse().ok().filter(|p| digits && *p > 0)?
            }
        };
        Some(Origin { scheme, host, port })
    }

    /// The origin of URL text.
    pub fn parse(url: &str) -> Option<Origin> {
        Origin::of(&url.trim().parse().ok()?)
    }
}

/// An origin a step may reach, and the connection field that named it (`None`: the
/// connector's default endpoint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowed {
    /// The origin.
    pub origin: Origin,
    /// The connection field that overrides the default, when one did.
    pub field: Option<String>,
}

/// The origins a step implies under `manifest`.
pub(crate) fn allowed_origins(manifest: &Manifest, step: &Step) -> Vec<Allowed> {
    let connection = step.connection;
    let kind = connection["type"].as_str().unwrap_or_default();
    let Some(connection_type) = manifest.connection(kind) else {
        return Vec::new();
    };
    connection_type
        .endpoints
        .iter()
        .filter_map(|endpoint| endpoint_origin(endpoint, connection, step))
        .collect()
}

/// The origin of one endpoint: from its connection field when set, else from its
/// filled-in default.
fn endpoint_origin(endpoint: &Endpoint, connection: &Value, step: &Step) -> Option<Allowed> {
    let given = endpoint.field.as_deref().and_then(|field| {
        let url = connection[field].as_str().map(str::trim)?;
        (!url.is_empty()).then_some((field, url))
    });
    match given {
        Some((field, url)) => Some(Allowed {
            origin: Origin::parse(url)?,
            field: Some(format!("connection.{field}")),
        }),
        None => Some(Allowed {
            origin: Origin::parse(&fill(endpoint.default.as_deref()?, step)?)?,
            field: None,
        }),
    }
}

/// Fill a template's `{path}` placeholders (`{input.region}`) from the step.
/// `None` when a value is missing or is not a DNS label: a placeholder can only fill one
/// label of a host name, never add a dot, a slash or a port.
fn fill(template: &str, step: &Step) -> Option<String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = open + rest[open..].find('}')?;
        let path = &rest[open + 1..close];
        let value = step.get(path)?.as_str()?.trim();
        if !is_dns_label(value) {
            return None;
        }
        out.push_str(&rest[..open]);
        out.push_str(value);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// The one rule for text filled into a host name: a DNS label (letters, digits, dashes).
fn is_dns_label(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 63
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn manifest() -> Manifest {
        Manifest::parse(
            r#"
            [component]
            interface = "test:x/actions@0.1.0"
            [[connections]]
            key = "direct"
            [[connections.endpoints]]
            field = "endpoint-url"
            default = "https://api.{input.region}.example.net"
            [[connections]]
            key = "delegated"
            [[connections.endpoints]]
            field = "endpoint-url"
            default = "https://api.{input.region}.example.net"
            [[connections.endpoints]]
            field = "auth-url"
            default = "https://auth.{input.region}.example.net"
            "#,
        )
        .unwrap()
    }

    fn origins(step: &Value) -> Vec<String> {
        allowed_origins(&manifest(), &Step::parse(step, None).unwrap())
            .iter()
            .map(|a| a.origin.to_string())
            .collect()
    }

    #[test]
    fn ports_out_of_range_and_userinfo_allow_nothing() {
        for url in [
            "http://127.0.0.1:99999",
            "http://127.0.0.1:65536",
            "http://127.0.0.1:0",
            "http://127.0.0.1:+80",
            "http://user:pw@127.0.0.1:8000",
            "ftp://127.0.0.1:21",
        ] {
            let got = origins(
                &json!({"connection": {"type": "direct", "endpoint-url": url},
                                      "input": {"region": "us-east-1"}}),
            );
            assert!(got.is_empty(), "{url}: {got:?}");
        }
        let upper = origins(
            &json!({"connection": {"type": "direct", "endpoint-url": "HTTP://[::1]:8000"},
                                    "input": {"region": "us-east-1"}}),
        );
        assert_eq!(upper, ["http://[::1]:8000"]);
    }

    #[test]
    fn a_connection_field_wins_over_the_default() {
        let got = origins(&json!({
            "connection": {"type": "direct", "endpoint-url": "http://127.0.0.1:8000"},
            "input": {"region": "us-east-1"}}));
        assert_eq!(got, ["http://127.0.0.1:8000"]);
    }

    #[test]
    fn defaults_are_filled_from_the_step() {
        let got = origins(&json!({"connection": {"type": "delegated"},
                                 "input": {"region": "eu-west-1"}}));
        assert_eq!(
            got,
            [
                "https://api.eu-west-1.example.net:443",
                "https://auth.eu-west-1.example.net:443"
            ]
        );
    }

    #[test]
    fn a_value_that_is_not_a_dns_label_allows_nothing() {
        for region in ["x.evil.com/", "evil.com:80", "", "EU"] {
            let got = origins(&json!({"connection": {"type": "direct"},
                                     "input": {"region": region}}));
            assert!(got.is_empty(), "{region}: {got:?}");
        }
    }

    #[test]
    fn an_unknown_connection_type_allows_nothing() {
        let got = origins(
            &json!({"connection": {"type": "other", "endpoint-url": "http://a"},
                                 "input": {"region": "us-east-1"}}),
        );
        assert!(got.is_empty());
    }
}
