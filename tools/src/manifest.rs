//! `connector.toml` as platforms and docs see it: the connector, its connections and its
//! actions with every input (label, type, required, default, comments). The host reads
//! only the runtime part (`connector_host::manifest`).

use serde::Deserialize;

/// The whole manifest.
#[derive(Debug, Deserialize)]
pub struct Manifest {
    pub key: String,
    pub name: String,
    pub description: String,
    pub icon: String,
    #[serde(rename = "icon-svg")]
    pub icon_svg: String,
    pub connections: Vec<Group>,
    pub actions: Vec<Group>,
}

/// A connection or an action.
#[derive(Debug, Deserialize)]
pub struct Group {
    pub key: String,
    pub label: String,
    pub description: String,
    pub inputs: Vec<Input>,
}

/// One input, as a platform shows it.
#[derive(Debug, Deserialize)]
pub struct Input {
    pub key: String,
    pub label: String,
    /// `string`, `json`, `boolean`, `integer`, `enum` or `connection`.
    #[serde(rename = "type")]
    pub kind: String,
    pub required: bool,
    #[serde(default)]
    pub default: Option<toml::Value>,
    pub comments: String,
    /// The values of an `enum` input.
    #[serde(default)]
    pub options: Vec<String>,
    /// A secret is never echoed: not in outputs, errors, logs or docs examples.
    #[serde(default)]
    pub secret: bool,
}

impl Manifest {
    /// Parse manifest text.
    pub fn parse(text: &str) -> Result<Manifest, toml::de::Error> {
        toml::from_str(text)
    }
}
