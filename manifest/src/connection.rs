//! A connection type: its fields (which are secret) and the endpoints its steps may reach.

use crate::Input;
use serde::{Deserialize, Serialize};

/// One connection type.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ConnectionType {
    /// The case name, as in `"connection": {"type": "..."}`.
    pub key: String,
    /// Its label in a form.
    #[serde(default)]
    pub label: String,
    /// What it is for.
    #[serde(default)]
    pub description: String,
    /// Its fields, in form order; the host reads which are secret.
    #[serde(default)]
    pub inputs: Vec<Input>,
    /// The endpoints; a step may reach the origin of each and nothing else.
    #[serde(default)]
    pub endpoints: Vec<Endpoint>,
}

/// One endpoint of a connection type.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Endpoint {
    /// The connection field that may hold the endpoint's URL (an override).
    pub field: Option<String>,
    /// The URL when the field is absent or empty: a template whose `{path}` placeholders
    /// name values of the step document, e.g. `{input.region}`.
    pub default: Option<String>,
}
