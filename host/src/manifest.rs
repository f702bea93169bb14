//! What the host reads from the connector's manifest (`connector.toml`, shipped beside the
//! component): the exported interface that holds the actions, and for each connection type
//! the endpoints a step may reach, and which actions are polling triggers (how `watch` and
//! `POST /v1/triggers/...` keep their state). The host knows no connector by heart; the rest of the
//! manifest (labels, inputs, docs) is for platforms and tools and is ignored here.
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
//! ```

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The parts of a connector manifest the host enforces.
#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    /// The connector's key, e.g. `dynamodb`.
    #[serde(default)]
    pub key: String,
    /// The component section.
    pub component: ComponentSection,
    /// The connection types, by their `type` key in a step's connection.
    pub connections: Vec<ConnectionType>,
    /// The actions, as far as the host cares: what each does to the account, and which are
    /// polling triggers.
    #[serde(default)]
    pub actions: Vec<Action>,
}

/// An action, as far as the host cares.
#[derive(Debug, Clone, Deserialize)]
pub struct Action {
    /// The action's name.
    pub key: String,
    /// What it does to the account (`None` in a manifest that does not say: taken as
    /// [`Effect::Change`]).
    #[serde(default)]
    pub effect: Option<Effect>,
    /// Whether repeating it with the same input changes nothing more, whatever the input.
    #[serde(default)]
    pub idempotent: bool,
    /// Present when the action is a polling trigger.
    pub trigger: Option<Trigger>,
}

/// What an action does to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// It only reads.
    Read,
    /// It creates something new and changes nothing that exists.
    Add,
    /// It may overwrite or delete.
    Change,
}

impl Action {
    /// Its effect, [`Effect::Change`] when the manifest does not say.
    pub fn effect(&self) -> Effect {
        self.effect.unwrap_or(Effect::Change)
    }
}

/// How a polling trigger keeps its state: the step's input that takes the state, and the
/// output members that hold the next state, the records and whether more are waiting.
///
/// ```toml
/// [actions.trigger]
/// state-input = "cursor"     # the input that takes the previous poll's state
/// state-output = "Cursor"    # the output member that holds the next state
/// records = "Records"        # the output member that holds the records (an array)
/// more = "More"              # the output member that says records are waiting now
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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

/// `[component]`: how the host finds the actions.
#[derive(Debug, Clone, Deserialize)]
pub struct ComponentSection {
    /// The exported interface whose functions are the actions, e.g.
    /// `example:connector/actions@0.1.0`.
    pub interface: String,
    /// Where the component's build lands, relative to Cargo's target directory; the host
    /// runs it when it is given no component file.
    pub artifact: Option<String>,
    /// The public hosts of the connector's service (`*.example.com`): an endpoint override
    /// may name these without the operator's allowance ([`crate::egress`]).
    #[serde(default, rename = "endpoint-hosts")]
    pub endpoint_hosts: Vec<String>,
    /// The input field (of any action's input record) that takes the most seconds a step
    /// may spend: the host sets it to its own step deadline, or keeps the step's when
    /// smaller, so that the component stops in time to report what it did.
    #[serde(default, rename = "time-limit-input")]
    pub time_limit_input: Option<String>,
    /// The exported interface whose `save` and `restore` hand the state an instance keeps
    /// between a connection's steps to the host and back ([`crate::Reuse`]'s state budget).
    #[serde(default, rename = "session-interface")]
    pub session_interface: Option<String>,
}

/// One connection type and the endpoints its steps may reach.
#[derive(Debug, Clone, Deserialize)]
pub struct ConnectionType {
    /// The case name, as in `"connection": {"type": "..."}`.
    pub key: String,
    /// The endpoints; a step may reach the origin of each and nothing else.
    #[serde(default)]
    pub endpoints: Vec<Endpoint>,
    /// The connection's fields; the host reads which are secret.
    #[serde(default)]
    pub inputs: Vec<Field>,
}

/// A connection field, as far as the host cares.
#[derive(Debug, Clone, Deserialize)]
pub struct Field {
    /// The field's key.
    pub key: String,
    /// Its value is a secret: the host removes it from every error message and log line.
    #[serde(default)]
    pub secret: bool,
}

/// One endpoint of a connection type.
#[derive(Debug, Clone, Deserialize)]
pub struct Endpoint {
    /// The connection field that may hold the endpoint's URL (an override).
    pub field: Option<String>,
    /// The URL when the field is absent or empty: a template whose `{path}` placeholders
    /// name values of the step document, e.g. `{input.region}`.
    pub default: Option<String>,
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
