//! The reference docs, generated from `connector.toml` and the demo's recorded run: one page
//! per connection and per action, in the reference's layout (a table of inputs with their
//! comments and defaults), each action with an example step and its output.

use connector_manifest::{Action, ConnectionType, Effect, Input, Manifest};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Markdown table cells cannot hold newlines or bare pipes.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', "<br />")
}

fn default_cell(input: &Input) -> String {
    match &input.default {
        None => String::new(),
        Some(toml::Value::String(s)) if s.contains('\n') => format!("<code>{}</code>", cell(s)),
        Some(toml::Value::String(s)) => cell(s),
        Some(other) => other.to_string(),
    }
}

/// The input's type as a form sees it; a JSON input names its shape in the action's schema.
fn type_cell(input: &Input) -> String {
    match input.kind.as_str() {
        "json" => format!("JSON: `{}`", crate::schema::shape(input)),
        "enum" => "one of the options".to_string(),
        "integer" => match (input.minimum, input.maximum) {
            (Some(low), Some(high)) => format!("whole number, {low} to {high}"),
            (Some(low), None) => format!("whole number, at least {low}"),
            _ => "whole number".to_string(),
        },
        "connection" => "connection".to_string(),
        other => other.to_string(),
    }
}

fn inputs_table(inputs: &[Input]) -> String {
    let mut out =
        String::from("| Input | Type | Comments | Default |\n| --- | --- | --- | --- |\n");
    for i in inputs {
        let mut comments = cell(&i.comments);
        if i.required {
            comments.push_str(" <em>Required.</em>");
        }
        if !i.options.is_empty() {
            let _ = write!(comments, " One of: {}.", i.options.join(", "));
        }
        if i.secret {
            comments.push_str(" <em>Secret: never shown in outputs, errors or logs.</em>");
        }
        let _ = writeln!(
            out,
            "| {} (`{}`) | {} | {} | {} |",
            i.label,
            i.key,
            type_cell(i),
            comments,
            default_cell(i)
        );
    }
    out
}

fn json_block(value: &Value) -> String {
    format!(
        "```json\n{}\n```\n",
        serde_json::to_string_pretty(value).unwrap_or_default()
    )
}

fn connection_page(c: &ConnectionType) -> String {
    format!(
        "# {} (`{}`)\n\n{}\n\n{}\nIn a step document: `\"connection\": {{\"type\": \"{}\", ...}}` with the keys above.\n",
        c.label,
        c.key,
        c.description,
        inputs_table(&c.inputs),
        c.key
    ) + &format!(
        "\nJSON Schema: [`schemas/connections/{0}.json`](../../schemas/connections/{0}.json).\n",
        c.key
    )
}

fn action_page(a: &Action, example: Option<&Value>) -> String {
    let effect = match a.effect() {
        Effect::Read => "It only reads (an MCP tool by default, read-only).",
        Effect::Add => "It creates something new and changes nothing that exists.",
        Effect::Change => "It may overwrite or delete (a destructive MCP tool).",
    };
    let repeat = if a.idempotent {
        " Repeating it with the same input changes nothing more."
    } else {
        ""
    };
    let mut page = format!(
        "# {} (`{}`)\n\n{}\n\n{effect}{repeat}\n\n{}",
        a.label,
        a.key,
        a.description,
        inputs_table(&a.inputs)
    );
    let _ = write!(
        page,
        "\nJSON Schemas (JSON Schema 2020-12, self-contained; also `GET /v1/actions/{0}` and \
         the MCP tool `{0}`): input [`schemas/actions/{0}.input.json`](../../schemas/actions/{0}.input.json), \
         output [`schemas/actions/{0}.output.json`](../../schemas/actions/{0}.output.json). A JSON \
         input's shape is defined there under `$defs`.\n",
        a.key
    );
    if let Some(t) = &a.trigger {
        let _ = write!(
            page,
            "\nA polling trigger ([triggers](../triggers.md)): each poll gives the `{}` of the \
             previous output as `{}`; the records are `{}`, and `{}` says whether more are \
             waiting now. `connector-host watch` and `POST /v1/triggers/{}/poll` keep the state.\n",
            t.state_output, t.state_input, t.records, t.more, a.key
        );
    }
    if let Some(example) = example {
        page.push_str(
            "\n## Example\n\nStep (the connection as in [the connections](../connections/)):\n\n",
        );
        page.push_str(&json_block(&serde_json::json!({
            "connection": {"type": "access-key", "...": "..."},
            "action": a.key,
            "input": example["input"],
        })));
        page.push_str("\nOutput (from the demo run against moto):\n\n");
        page.push_str(&json_block(&example["output"]));
    }
    page
}

/// A hand-written guide under `docs/`: its file name and its title (its first heading).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guide {
    /// The file name under `docs/`, e.g. `errors.md`.
    pub file: String,
    /// Its first `# ` heading.
    pub title: String,
}

/// The guides in `dir` (every `*.md` at its top level but the generated `reference.md`),
/// in file name order; a guide's title is its first `# ` heading.
pub fn guides(dir: &std::path::Path) -> std::io::Result<Vec<Guide>> {
    let mut guides = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let file = path
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or_default();
        let markdown = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md"));
        if !markdown || file == "reference.md" {
            continue;
        }
        let text = std::fs::read_to_string(&path)?;
        let title = text
            .lines()
            .find_map(|l| l.strip_prefix("# "))
            .unwrap_or(file);
        guides.push(Guide {
            file: file.to_string(),
            title: title.trim().to_string(),
        });
    }
    guides.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(guides)
}

/// One group of the index: its heading and its actions' keys.
pub struct ActionGroup {
    /// The heading.
    pub title: String,
    /// The keys of its actions, in label order.
    pub actions: Vec<String>,
}

/// The manifest's groups (`[[groups]]`, in the order the index lists them), each with its
/// actions, checked against `actions_dir` (`src/actions/`): every folder there is a group,
/// and each action's file is `GROUP/NAME.rs` (`NAME` with `-` as `_`) in its group's folder.
pub fn groups(
    actions_dir: &std::path::Path,
    manifest: &Manifest,
) -> Result<Vec<ActionGroup>, String> {
    for entry in
        std::fs::read_dir(actions_dir).map_err(|e| format!("{}: {e}", actions_dir.display()))?
    {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if path.is_dir() && !manifest.groups.iter().any(|g| g.key == name) {
            return Err(format!(
                "src/actions/{name} is not a group of connector.toml ([[groups]])"
            ));
        }
    }
    let mut out = Vec::new();
    for group in &manifest.groups {
        let mut actions: Vec<(&str, &str)> = Vec::new();
        for action in manifest.actions.iter().filter(|a| a.group == group.key) {
            let file = format!("{}/{}.rs", group.key, action.key.replace('-', "_"));
            if !actions_dir.join(&file).is_file() {
                return Err(format!(
                    "the action {} has no file src/actions/{file}",
                    action.key
                ));
            }
            actions.push((&action.label, &action.key));
        }
        actions.sort_unstable();
        out.push(ActionGroup {
            title: group.title.clone(),
            actions: actions
                .into_iter()
                .map(|(_, key)| key.to_string())
                .collect(),
        });
    }
    match manifest
        .actions
        .iter()
        .find(|a| !manifest.groups.iter().any(|g| g.key == a.group))
    {
        Some(lost) => Err(format!(
            "the action {} names no group of connector.toml ({:?})",
            lost.key, lost.group
        )),
        None => Ok(out),
    }
}

/// Every generated page, by path under `docs/`. `examples` is the demo's recorded run:
/// `[{"action", "input", "output"}, ...]` (the first example of each action is used);
/// the index lists the actions by `groups` and `guides` at its end.
pub fn render(
    manifest: &Manifest,
    examples: &Value,
    guides: &[Guide],
    groups: &[ActionGroup],
) -> BTreeMap<String, String> {
    let example = |action: &str| {
        examples
            .as_array()
            .and_then(|steps| steps.iter().find(|s| s["action"] == action))
    };
    let mut pages = BTreeMap::new();
    let mut index = format!(
        "# {}\n\n![{}](../{}#connector-icon)\n\n{}\n\n## Connections\n\n",
        manifest.name, manifest.name, manifest.icon, manifest.description
    );
    for c in &manifest.connections {
        let _ = writeln!(index, "- [{}](connections/{}.md)", c.label, c.key);
        pages.insert(format!("connections/{}.md", c.key), connection_page(c));
    }
    index.push_str("\n## Actions\n");
    for group in groups {
        let _ = writeln!(index, "\n### {}\n", group.title);
        let actions = group
            .actions
            .iter()
            .filter_map(|key| manifest.actions.iter().find(|a| a.key == *key));
        for a in actions {
            let _ = writeln!(
                index,
                "- [{}](actions/{}.md): {}",
                a.label, a.key, a.description
            );
        }
    }
    for a in &manifest.actions {
        pages.insert(
            format!("actions/{}.md", a.key),
            action_page(a, example(&a.key)),
        );
    }
    index.push_str("\n## Guides\n\n");
    for guide in guides {
        let _ = writeln!(index, "- [{}]({})", guide.title, guide.file);
    }
    pages.insert("reference.md".to_string(), index);
    pages
}
