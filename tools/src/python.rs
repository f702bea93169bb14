//! `python/dynamodb_connector/_generated.py`: the Python package's facts from the manifest —
//! the error kinds (one exception class each), the action names, and a `TypedDict` of each
//! action's input (its keys as the host takes them, dashes and all, which are required,
//! each value's Python type), so that an editor or a type checker knows every input a step
//! takes.

use connector_manifest::{Action, Input, Manifest};
use std::fmt::Write as _;

/// The error kinds the host adds to the component's (docs/errors.md).
pub(crate) const HOST_KINDS: [&str; 3] = ["trap", "host", "limit"];

/// The text of `_generated.py`.
pub fn render(manifest: &Manifest) -> String {
    let mut out = String::from(
        "\"\"\"Generated from connector.toml by `cargo run -p connector-tools --bin connector-docs`:\n\
         do not edit. The error kinds, the action names and each action's input.\"\"\"\n\n\
         from typing import Any, Dict, List, Literal, Union\n\n\
         try:\n    from typing import NotRequired, Required, TypedDict\n\
         except ImportError:  # Python < 3.11\n    \
         from typing_extensions import NotRequired, Required, TypedDict  # type: ignore\n\n",
    );
    let kinds = crate::node::error_kinds(manifest);
    let _ = writeln!(out, "#: Every kind of error a step can fail with.");
    let _ = writeln!(out, "ERROR_KINDS = {}\n", python_list(&kinds));
    let actions: Vec<&str> = manifest.actions.iter().map(|a| a.key.as_str()).collect();
    let _ = writeln!(out, "#: Every action of the connector.");
    let _ = writeln!(out, "ACTIONS = {}\n", python_list(&actions));
    let _ = writeln!(out, "Action = Literal[{}]\n", quoted(&actions).join(", "));
    let _ = writeln!(
        out,
        "#: A connection (docs/connections): a dict with its `type` and that type's fields.\n\
         Connection = Dict[str, Any]\n"
    );
    for action in &manifest.actions {
        render_action(&mut out, action);
    }
    let _ = writeln!(out, "#: The input type of each action, by its name.");
    let _ = writeln!(out, "INPUTS = {{");
    for action in &manifest.actions {
        let _ = writeln!(out, "    {:?}: {},", action.key, class_name(&action.key));
    }
    out.push_str("}\n");
    out
}

fn render_action(out: &mut String, action: &Action) {
    let name = class_name(&action.key);
    let _ = writeln!(
        out,
        "\n#: Input of `{}`: {}",
        action.key,
        comment(&action.description)
    );
    let _ = writeln!(out, "{name} = TypedDict(\n    {name:?},\n    {{");
    for input in action.inputs.iter().filter(|i| i.kind != "connection") {
        let kind = python_type(input);
        let wrapper = if input.required {
            "Required"
        } else {
            "NotRequired"
        };
        let _ = writeln!(out, "        {:?}: {wrapper}[{kind}],", input.key);
    }
    let _ = writeln!(out, "    }},\n    total=False,\n)");
}

/// `get-item` → `GetItemInput`.
fn class_name(action: &str) -> String {
    crate::node::pascal(action) + "Input"
}

/// The Python type of an input's value.
fn python_type(input: &Input) -> String {
    match input.kind.as_str() {
        "boolean" => "bool".into(),
        "integer" => "int".into(),
        "enum" => format!("Literal[{}]", quoted(&input.options).join(", ")),
        "json" => "Union[Dict[str, Any], List[Any], str]".into(),
        _ => "str".into(),
    }
}

fn quoted<S: AsRef<str>>(items: &[S]) -> Vec<String> {
    items.iter().map(|s| format!("{:?}", s.as_ref())).collect()
}

fn python_list<S: AsRef<str>>(items: &[S]) -> String {
    let mut text = String::from("[\n");
    for item in quoted(items) {
        let _ = writeln!(text, "    {item},");
    }
    text.push(']');
    text
}

/// Text on one comment line.
fn comment(text: &str) -> String {
    text.replace('\n', " ")
}
