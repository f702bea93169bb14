//! `connector.toml` as platforms and docs see it: the connector, its connections and its
//! actions with every input (label, type, required, default, comments). The host reads
//! only the runtime part (`connector_host::manifest`).

use serde::Deserialize;

/// The whole manifest.
#[derive(Debug, Deserialize)]
pub struct Manifest {
    /// The connector's key, e.g. `dynamodb`.
    pub key: String,
    /// Its display name.
    pub name: String,
    /// What it does, in a sentence.
    pub description: String,
    /// The icon (PNG), relative to the workspace.
    pub icon: String,
    #[serde(rename = "icon-svg")]
    /// The icon as SVG.
    pub icon_svg: String,
    /// The connection types.
    pub connections: Vec<Group>,
    /// The actions.
    pub actions: Vec<Group>,
}

/// A connection or an action.
#[derive(Debug, Deserialize)]
pub struct Group {
    /// Its key: the connection type or the action name.
    pub key: String,
    /// Its label in a form.
    pub label: String,
    /// What it is for.
    pub description: String,
    /// Its inputs, in form order.
    pub inputs: Vec<Input>,
    /// For a polling trigger: how its state is kept.
    #[serde(default)]
    pub trigger: Option<Trigger>,
    /// For an action: what it does to the account (`read`, `add` or `change`).
    #[serde(default)]
    pub effect: Option<String>,
    /// For an action: whether repeating it with the same input changes nothing more.
    #[serde(default)]
    pub idempotent: bool,
}

/// How a polling trigger keeps its state (see `connector_host::manifest::Trigger`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Trigger {
    /// The input that takes the previous poll's state.
    pub state_input: String,
    /// The output member that holds the next state.
    pub state_output: String,
    /// The output member that holds the records.
    pub records: String,
    /// The output member that says whether records are waiting now.
    pub more: String,
}

/// One input, as a platform shows it.
#[derive(Debug, Deserialize)]
pub struct Input {
    /// The input's key (a WIT field name).
    pub key: String,
    /// Its label in a form.
    pub label: String,
    /// `string`, `json`, `boolean`, `integer`, `enum` or `connection`.
    #[serde(rename = "type")]
    pub kind: String,
    /// For a `json` input: the shape it takes, a `$defs` entry of `schemas/shapes.json`.
    #[serde(default)]
    pub shape: Option<String>,
    /// Whether a step must give it.
    pub required: bool,
    #[serde(default)]
    /// The value a form starts with.
    pub default: Option<toml::Value>,
    /// The help text.
    pub comments: String,
    /// The values of an `enum` input.
    #[serde(default)]
    pub options: Vec<String>,
    /// A secret is never echoed: not in outputs, errors, logs or docs examples.
    #[serde(default)]
    pub secret: bool,
    /// The least value of an `integer` input.
    #[serde(default)]
    pub minimum: Option<u64>,
    /// The greatest value of an `integer` input.
    #[serde(default)]
    pub maximum: Option<u64>,
    /// A value a step may give, as the example flows do (JSON text for a `json` input).
    #[serde(default)]
    pub example: Option<String>,
}

impl Manifest {
    /// Parse manifest text.
    pub fn parse(text: &str) -> Result<Manifest, toml::de::Error> {
        toml::from_str(text)
    }
}
