//! Which origins a step may reach: only those its connection implies.
//!
//! - `endpoint-url` when given, else `https://dynamodb.REGION.amazonaws.com`;
//! - for a `role-arn` connection also `sts-endpoint-url` when given, else
//!   `https://sts.REGION.amazonaws.com`.
//!
//! An origin is scheme, host and port (the scheme's default port when none is written);
//! every other destination is refused.

use serde_json::Value;
use std::fmt;

/// One destination a request may go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub scheme: String,
    pub host: String,
    pub port: u16,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}:{}", self.scheme, self.host, self.port)
    }
}

impl Origin {
    /// The origin of a URI, if it has a scheme and a host.
    pub fn of(uri: &http::Uri) -> Option<Origin> {
        let scheme = uri.scheme_str()?.to_ascii_lowercase();
        let host = uri.host()?.to_ascii_lowercase();
        let port = uri.port_u16().or(match scheme.as_str() {
            "https" => Some(443),
            "http" => Some(80),
            _ => None,
        })?;
        Some(Origin { scheme, host, port })
    }

    fn parse(url: &str) -> Option<Origin> {
        Origin::of(&url.trim().parse().ok()?)
    }

    fn aws(service: &str, region: &str) -> Option<Origin> {
        let valid = !region.is_empty()
            && region
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        valid.then(|| Origin {
            scheme: "https".into(),
            host: format!("{service}.{region}.amazonaws.com"),
            port: 443,
        })
    }
}

/// The origins a step document's connection and region imply.
pub fn allowed_origins(connection: &Value, input: &Value) -> Vec<Origin> {
    let region = input
        .get("region")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim();
    let text = |key: &str| {
        connection
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let mut origins = Vec::new();
    let dynamodb = match text("endpoint-url") {
        Some(url) => Origin::parse(url),
        None => Origin::aws("dynamodb", region),
    };
    origins.extend(dynamodb);
    if connection.get("type").and_then(Value::as_str) == Some("role-arn") {
        let sts = match text("sts-endpoint-url") {
            Some(url) => Origin::parse(url),
            None => Origin::aws("sts", region),
        };
        origins.extend(sts);
    }
    origins
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn endpoint_url_wins_over_region() {
        let o = allowed_origins(
            &json!({"type": "access-key", "endpoint-url": "http://127.0.0.1:8000"}),
            &json!({"region": "us-east-1"}),
        );
        assert_eq!(o.len(), 1);
        assert_eq!(o[0].to_string(), "http://127.0.0.1:8000");
    }

    #[test]
    fn regional_endpoints_without_urls() {
        let o = allowed_origins(
            &json!({"type": "role-arn"}),
            &json!({"region": "eu-west-1"}),
        );
        let names: Vec<String> = o.iter().map(ToString::to_string).collect();
        assert_eq!(
            names,
            [
                "https://dynamodb.eu-west-1.amazonaws.com:443",
                "https://sts.eu-west-1.amazonaws.com:443"
            ]
        );
    }

    #[test]
    fn a_bad_region_allows_nothing() {
        assert!(allowed_origins(&json!({}), &json!({"region": "x.evil.com/"})).is_empty());
    }
}
