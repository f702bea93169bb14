//! A failed step: its kind and details, printed as `{"error": {...}}`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{json, Value};
use std::fmt;

/// What kind of failure a step had. The host's own kinds, and any kind the component
/// reports (a case of its error variant), serialised as the kebab-case strings of
/// docs/errors.md.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// `invalid-input`: the step document (or, from the component, an input) is malformed.
    InvalidInput,
    /// `network`: a request failed or the host refused its destination.
    Network,
    /// `timeout`: the step deadline passed (or, from the component, a request timed out).
    Timeout,
    /// `trap`: the guest crashed or returned something that is not its declared shape.
    Trap,
    /// `host`: the component or its manifest could not be loaded, or the host had no
    /// instance slot free for the step (its capacity, never the guest's crash).
    Host,
    /// `limit`: the step reached a host limit (guest memory, output size).
    Limit,
    /// Any other kind the component reported, e.g. `conditional-check-failed`.
    Component(String),
}

impl ErrorKind {
    /// The kinds the host itself reports.
    pub const HOST_KINDS: [ErrorKind; 6] = [
        ErrorKind::InvalidInput,
        ErrorKind::Network,
        ErrorKind::Timeout,
        ErrorKind::Trap,
        ErrorKind::Host,
        ErrorKind::Limit,
    ];

    /// The documented string.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorKind::InvalidInput => "invalid-input",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Trap => "trap",
            ErrorKind::Host => "host",
            ErrorKind::Limit => "limit",
            ErrorKind::Component(kind) => kind,
        }
    }

    /// The kind a string names.
    pub fn parse(text: &str) -> ErrorKind {
        match text {
            "invalid-input" => ErrorKind::InvalidInput,
            "network" => ErrorKind::Network,
            "timeout" => ErrorKind::Timeout,
            "trap" => ErrorKind::Trap,
            "host" => ErrorKind::Host,
            "limit" => ErrorKind::Limit,
            other => ErrorKind::Component(other.to_string()),
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for ErrorKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|s| ErrorKind::parse(&s))
    }
}

/// A failed step, printed as `{"error": {...}}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub struct StepError {
    /// What kind of failure.
    pub kind: ErrorKind,
    /// What went wrong, for people; never holds a secret.
    pub message: String,
    /// For `invalid-input`: the field at fault (see docs/errors.md for the path convention).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For errors the remote service returned: its error code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// For errors the remote service returned: its request id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// For `conditional-check-failed` of a write that asked for the item: the item as it
    /// is (the component sends it as JSON text; the host parses it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<Box<Value>>,
    /// For `transaction-canceled`: why each action of the transaction failed, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<CancellationReason>,
    /// For a bulk step that ended early: what it did and what is left (the component sends
    /// it as JSON text; the host parses it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<Box<Value>>,
    /// For `throttled`: the service's reasons, what was exceeded on which table or index.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub throttling_reasons: Vec<ThrottlingReason>,
}

/// Why the service throttled a request: what was exceeded, and on which resource.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ThrottlingReason {
    /// What was exceeded, e.g. `TableReadProvisionedThroughputExceeded`.
    pub reason: String,
    /// The ARN of the table or index.
    pub resource: String,
}

/// Why one action of a cancelled transaction failed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CancellationReason {
    /// The reason code, e.g. `ConditionalCheckFailed`; `None` for an action that did not
    /// fail.
    pub code: String,
    /// The service's description, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The item as it is, when a failed condition asked for it (parsed from the
    /// component's JSON text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<Value>,
}

impl StepError {
    /// An error of `kind` with a message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        StepError {
            kind,
            message: message.into(),
            field: None,
            code: None,
            request_id: None,
            item: None,
            reasons: Vec::new(),
            progress: None,
            throttling_reasons: Vec::new(),
        }
    }

    /// An `invalid-input` error naming the field at fault.
    pub fn invalid(field: &str, message: impl fmt::Display) -> Self {
        StepError {
            field: Some(field.to_string()),
            ..StepError::new(ErrorKind::InvalidInput, format!("{field}: {message}"))
        }
    }

    /// A `trap` error: the guest crashed or broke its contract.
    pub fn trap(message: impl Into<String>) -> Self {
        StepError::new(ErrorKind::Trap, message)
    }

    /// The error with every occurrence of each of `secrets` replaced by `[redacted]`, in
    /// every field.
    #[must_use]
    pub fn redacted(mut self, secrets: &[&str]) -> Self {
        self.message = redact(&self.message, secrets);
        for reason in &mut self.reasons {
            if let Some(message) = &mut reason.message {
                *message = redact(message, secrets);
            }
        }
        for text in [&mut self.field, &mut self.code, &mut self.request_id]
            .into_iter()
            .flatten()
        {
            *text = redact(text, secrets);
        }
        self
    }

    /// The error with the items it carries (JSON text from the component) parsed.
    #[must_use]
    pub fn with_parsed_items(mut self) -> Self {
        let parse = |item: &mut Option<Value>| {
            if let Some(Value::String(text)) = item {
                *item = serde_json::from_str(text).ok();
            }
        };
        for boxed in [&mut self.item, &mut self.progress] {
            let mut value = boxed.take().map(|i| *i);
            parse(&mut value);
            *boxed = value.map(Box::new);
        }
        for reason in &mut self.reasons {
            parse(&mut reason.item);
        }
        self
    }

    /// `{"error": {...}}`, as the CLI prints it.
    pub fn to_json(&self) -> Value {
        json!({ "error": self })
    }
}

/// `text` with every occurrence of each of `secrets` replaced by `[redacted]`.
pub(crate) fn redact(text: &str, secrets: &[&str]) -> String {
    secrets
        .iter()
        .filter(|s| !s.is_empty())
        .fold(text.to_string(), |t, s| t.replace(s, "[redacted]"))
}

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for StepError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_strings() {
        for text in [
            "invalid-input",
            "network",
            "timeout",
            "trap",
            "host",
            "limit",
            "throttled",
        ] {
            let kind = ErrorKind::parse(text);
            assert_eq!(serde_json::to_value(&kind).unwrap(), text);
            let back: ErrorKind = serde_json::from_value(Value::from(text)).unwrap();
            assert_eq!(back, kind);
        }
        assert_eq!(
            ErrorKind::parse("throttled"),
            ErrorKind::Component("throttled".into())
        );
    }
}
