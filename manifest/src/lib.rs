//! The one reader of a connector's manifest (`connector.toml`, shipped beside the
//! component): every fact about the connector that is not its code. The host reads the
//! component section, the connections' endpoints and secrets, each action's effect and
//! trigger and which error kinds are worth a retry; the fronts (MCP, OpenAPI) and the tools
//! (forms, schemas, docs, the checker against the WIT) read the rest: labels, inputs,
//! groups. No Rust list of actions or error kinds is kept anywhere else.
//!
//! ```toml
//! [component]
//! interface = "example:connector/actions@0.1.0"
//!
//! [[connections]]
//! key = "access-key"
//! [[connections.endpoints]]
//! field = "endpoint-url"                          # a connection field holding a URL
//! default = "https://api.{input.region}.example"  # used when that field is absent
//!
//! [[groups]]
//! key = "item"
//! title = "Items"
//!
//! [[actions]]
//! key = "get-item"
//! group = "item"
//! effect = "read"
//!
//! [[errors]]
//! kind = "throttled"
//! retry = true
//! ```

mod action;
mod connection;

pub use action::{Action, Effect, Input, Trigger};
pub use connection::{ConnectionType, Endpoint};

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A connector's manifest.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Manifest {
    /// The connector's key, e.g. `aws-dynamodb`.
    #[serde(default)]
    pub key: String,
    /// Its display name.
    #[serde(default)]
    pub name: String,
    /// What it does, in a sentence.
    #[serde(default)]
    pub description: String,
    /// The icon (PNG), relative to the workspace.
    #[serde(default)]
    pub icon: String,
    /// The icon as SVG.
    #[serde(default, rename = "icon-svg")]
    pub icon_svg: String,
    /// The component section.
    pub component: ComponentSection,
    /// The connection types, by their `type` key in a step's connection.
    pub connections: Vec<ConnectionType>,
    /// The groups actions belong to, in the order docs list them.
    #[serde(default)]
    pub groups: Vec<Group>,
    /// The actions.
    #[serde(default)]
    pub actions: Vec<Action>,
    /// The error kinds of the connector's error variant (the host adds its own).
    #[serde(default)]
    pub errors: Vec<ErrorKindFacts>,
}

/// `[component]`: how the host finds the actions.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ComponentSection {
    /// The exported interface whose functions are the actions, e.g.
    /// `example:connector/actions@0.1.0`.
    pub interface: String,
    /// Where the component's build lands, relative to Cargo's target directory; the host
    /// runs it when it is given no component file.
    pub artifact: Option<String>,
    /// The public hosts of the connector's service (`*.example.com`): an endpoint override
    /// may name these without the operator's allowance.
    #[serde(default, rename = "endpoint-hosts")]
    pub endpoint_hosts: Vec<String>,
    /// The input field (of any action's input record) that takes the most seconds a step
    /// may spend: the host sets it to its own step deadline, or keeps the step's when
    /// smaller, so that the component stops in time to report what it did.
    #[serde(default, rename = "time-limit-input")]
    pub time_limit_input: Option<String>,
    /// The exported interface whose `save` and `restore` hand the state an instance keeps
    /// between a connection's steps to the host and back.
    #[serde(default, rename = "session-interface")]
    pub session_interface: Option<String>,
}

/// A group of actions (a folder of the component's actions, a heading of the docs).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Group {
    /// Its key, as actions name it.
    pub key: String,
    /// Its heading.
    pub title: String,
}

/// One case of the connector's error variant.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ErrorKindFacts {
    /// The case's name, e.g. `throttled`.
    pub kind: String,
    /// Whether the same request may succeed later unchanged (a trigger's runner polls
    /// again after its interval instead of stopping).
    #[serde(default)]
    pub retry: bool,
}

/// A manifest that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file could not be read.
    #[error("cannot read the manifest {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a valid manifest.
    #[error("the manifest {path} is not valid: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Why.
        source: toml::de::Error,
    },
}

impl Manifest {
    /// Parse manifest text.
    pub fn parse(text: &str) -> Result<Manifest, toml::de::Error> {
        toml::from_str(text)
    }

    /// Read and parse the manifest at `path`.
    pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
        let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Manifest::parse(&text).map_err(|source| ManifestError::Parse {
            path: path.to_path_buf(),
            source,
        })
    }

    /// The connection type named `key`.
    pub fn connection(&self, key: &str) -> Option<&ConnectionType> {
        self.connections.iter().find(|c| c.key == key)
    }

    /// The action `key`, when the manifest has it.
    pub fn action(&self, key: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.key == key)
    }

    /// The trigger of action `key`, when it is one.
    pub fn trigger(&self, key: &str) -> Option<&Trigger> {
        self.action(key)?.trigger.as_ref()
    }

    /// Whether the connector's error kind `kind` is worth a retry unchanged.
    pub fn retry(&self, kind: &str) -> bool {
        self.errors.iter().any(|e| e.kind == kind && e.retry)
    }
}

/// Where the manifest of `component` is looked for when none is named: `NAME.toml` beside
/// `NAME.wasm`, then `connector.toml` in the same folder.
pub fn beside(component: &Path) -> Option<PathBuf> {
    let folder = component.parent().unwrap_or(Path::new("."));
    [
        component.with_extension("toml"),
        folder.join("connector.toml"),
    ]
    .into_iter()
    .find(|p| p.is_file())
}
