//! An action: its group, what it does to the account, whether it is a trigger, and its
//! inputs as a form shows them.

use serde::{Deserialize, Serialize};

/// One action.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Action {
    /// The action's name (the WIT function's).
    pub key: String,
    /// Its label in a form.
    #[serde(default)]
    pub label: String,
    /// What it does.
    #[serde(default)]
    pub description: String,
    /// The key of its group (`[[groups]]`; the folder of `src/actions/` holding its file).
    #[serde(default)]
    pub group: String,
    /// What it does to the account (`None` in a manifest that does not say: taken as
    /// [`Effect::Change`]).
    #[serde(default)]
    pub effect: Option<Effect>,
    /// Whether repeating it with the same input changes nothing more, whatever the input.
    #[serde(default)]
    pub idempotent: bool,
    /// How to call it, in a few lines, for an agent: its key inputs, paging, the plain-JSON
    /// forms (the MCP tool's description adds it to [`Action::description`]).
    #[serde(default)]
    pub guide: Option<String>,
    /// Present when the action is a polling trigger.
    pub trigger: Option<Trigger>,
    /// Its inputs, in form order.
    #[serde(default)]
    pub inputs: Vec<Input>,
}

impl Action {
    /// Its effect, [`Effect::Change`] when the manifest does not say.
    pub fn effect(&self) -> Effect {
        self.effect.unwrap_or(Effect::Change)
    }
}

/// What an action does to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// It only reads.
    Read,
    /// It creates something new and changes nothing that exists.
    Add,
    /// It may overwrite or delete.
    Change,
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
/// gaps = "Gaps"              # optional: the output member listing what the source lost
/// record-time = "ApproximateCreationDateTime"  # optional: each record's time (epoch s)
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Trigger {
    /// The input that takes the previous poll's state.
    pub state_input: String,
    /// The output member that holds the next state.
    pub state_output: String,
    /// The output member that holds the records.
    pub records: String,
    /// The output member that says whether records are waiting now.
    pub more: String,
    /// The output member listing what the source lost before it was read (an array), when
    /// the trigger reports that: each entry is a gap signal.
    #[serde(default)]
    pub gaps: Option<String>,
    /// The member of each record that says when the source recorded it, in seconds since
    /// the epoch, when records carry one: how far behind the newest record read is.
    #[serde(default)]
    pub record_time: Option<String>,
    /// For a source read in shards that replicas may split among themselves (a stream):
    /// the input naming the shards a poll reads (a JSON array of shard ids).
    #[serde(default)]
    pub shards_input: Option<String>,
    /// The output member listing the source's shards when the poll named its shards: each
    /// `{"ShardId", "ParentShardId", "Finished"}`.
    #[serde(default)]
    pub shards_output: Option<String>,
    /// The output member present while a poll reads the source as a whole (a snapshot),
    /// before its shards may be split.
    #[serde(default)]
    pub snapshot: Option<String>,
}

/// One input of an action or field of a connection, as a platform shows it.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Input {
    /// The input's key (a WIT field name).
    pub key: String,
    /// Its label in a form.
    #[serde(default)]
    pub label: String,
    /// `string`, `json`, `boolean`, `integer`, `enum` or `connection`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// For a `json` input: the shape it takes, a `$defs` entry of `schemas/shapes.json`.
    #[serde(default)]
    pub shape: Option<String>,
    /// Whether a step must give it.
    #[serde(default)]
    pub required: bool,
    /// The value a form starts with.
    #[serde(default, with = "form_default")]
    pub default: Option<toml::Value>,
    /// The help text.
    #[serde(default)]
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
    /// Whether an MCP tool offers it (`true` unless the manifest says `mcp = false`: an
    /// expression input whose plain-JSON form the tool offers instead, so that an agent
    /// meets one way to say a condition).
    #[serde(default = "offered")]
    pub mcp: bool,
}

fn offered() -> bool {
    true
}

/// [`Input::default`] in a compact encoding (one that is not human-readable, as the host's
/// kept copy of the manifest): as JSON text, since a TOML value is read only from a
/// self-describing format. Human-readable formats (TOML, JSON) take it as it is.
mod form_default {
    use serde::de::Error as _;
    use serde::ser::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[allow(clippy::ref_option)] // the signature serde's `with` calls
    pub(super) fn serialize<S: Serializer>(
        value: &Option<toml::Value>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            return value.serialize(serializer);
        }
        let text = value.as_ref().map(serde_json::to_string).transpose();
        text.map_err(S::Error::custom)?.serialize(serializer)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<toml::Value>, D::Error> {
        if deserializer.is_human_readable() {
            return Option::<toml::Value>::deserialize(deserializer);
        }
        let text = Option::<String>::deserialize(deserializer)?;
        let value = text.as_deref().map(serde_json::from_str).transpose();
        value.map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use crate::Manifest;

    /// The host keeps the parsed manifest in postcard's encoding: every input's form default
    /// (strings, numbers, booleans, arrays) comes back as the TOML gave it.
    #[test]
    fn the_compact_copy_of_the_manifest_keeps_every_form_default() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../connector.toml");
        let manifest = Manifest::load(&path).unwrap();
        let bytes = postcard::to_allocvec(&manifest).unwrap();
        let copy: Manifest = postcard::from_bytes(&bytes).unwrap();
        let defaults = |m: &Manifest| -> Vec<Option<toml::Value>> {
            let inputs = m.actions.iter().flat_map(|a| &a.inputs);
            let fields = m.connections.iter().flat_map(|c| &c.inputs);
            inputs.chain(fields).map(|i| i.default.clone()).collect()
        };
        assert!(defaults(&manifest).iter().flatten().count() > 50);
        assert_eq!(defaults(&copy), defaults(&manifest));
        assert_eq!(format!("{copy:?}"), format!("{manifest:?}"));
    }
}
