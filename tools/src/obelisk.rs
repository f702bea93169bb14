//! The Obelisk adapter's generated parts (`obelisk/wit/activity.wit`, `obelisk/src/actions.rs`):
//! every action of the connector as an Obelisk activity, which takes the action's input record
//! (a copy of the connector's, so the composed component defines the types it exports) and
//! returns `result<json, activity-error>`. The retryable error kinds come from the manifest's
//! `retry`; every other kind is `permanent-…`, but for `outcome-unknown` of a step that
//! carried its idempotency token (docs/obelisk.md).

use connector_manifest::Manifest;
use std::fmt::Write as _;

/// The inputs whose presence makes a repeated write safe, the service applying a repeat with
/// the same token at most once: single-item writes (a one-item transaction under the token),
/// transactions, exports and imports.
const TOKENS: [&str; 3] = ["idempotency-token", "client-request-token", "client-token"];

/// The first line of each generated file.
const GENERATED_HEADER: &str =
    "Generated from wit/connector.wit and connector.toml by `cargo run -p connector-tools --bin connector-docs`: do not edit.";

/// One item of a WIT interface: its doc comment and declaration lines, and its name.
struct Item<'a> {
    name: &'a str,
    lines: Vec<&'a str>,
}

impl Item<'_> {
    fn text(&self) -> String {
        self.lines.iter().fold(String::new(), |mut out, line| {
            let _ = writeln!(out, "{line}");
            out
        })
    }

    fn is_func(&self) -> bool {
        self.lines.iter().any(|l| l.contains(": func("))
    }
}

/// The items of `interface NAME { … }` in `wit`, in order (`use` lines left out).
fn items<'a>(wit: &'a str, name: &str) -> Result<Vec<Item<'a>>, String> {
    let head = format!("interface {name} {{");
    let body = wit
        .split_once(&head)
        .and_then(|(_, rest)| rest.split_once("\n}\n"))
        .map(|(body, _)| body)
        .ok_or_else(|| format!("wit/connector.wit has no `{head}`"))?;
    let mut items = Vec::new();
    let mut lines = Vec::new();
    for line in body.lines() {
        let code = line.trim_start();
        if code.is_empty() || code.starts_with("use ") {
            continue;
        }
        lines.push(line);
        let top = line.starts_with("    ") && !line.starts_with("     ");
        if top && !code.starts_with("///") && (code == "}" || code.ends_with(';')) {
            let declaration = lines
                .iter()
                .find(|l| !l.trim_start().starts_with("///"))
                .map_or("", |l| l.trim_start());
            let name = declaration
                .split([' ', ':', '{'])
                .find(|w| !["record", "variant", "enum", "flags", "type", ""].contains(w))
                .unwrap_or("");
            items.push(Item {
                name,
                lines: std::mem::take(&mut lines),
            });
        }
    }
    Ok(items)
}

/// The input record of a function item (`NAME: func(connection: connection, input: TYPE) …`).
fn input_type<'a>(item: &Item<'a>) -> Result<&'a str, String> {
    item.lines
        .iter()
        .find_map(|l| l.split_once("input: ")?.1.split_once(')').map(|(t, _)| t))
        .ok_or_else(|| format!("action `{}` takes no `input`", item.name))
}

fn activity_error(manifest: &Manifest) -> String {
    let mut out = String::from(
        "    /// How an activity failed, as Obelisk reads it: it repeats a failed activity (after\n    \
         /// its backoff, up to `max_retries`) unless the case's name holds `permanent`.\n    \
         variant activity-error {\n        \
         /// Obelisk's own case: the activity trapped or ran out of time. The adapter never\n        \
         /// returns it.\n        execution-failed,\n",
    );
    for error in &manifest.errors {
        let kind = &error.kind;
        if error.retry {
            let _ = writeln!(out, "        /// The connector's `{kind}`: the same step may succeed later; repeated.\n        {kind}(error-info),");
        } else if kind == "outcome-unknown" {
            let _ = writeln!(out, "        /// `outcome-unknown` of a step that carried its idempotency token: repeated with\n        /// the same token, which the service applies at most once.\n        {kind}(error-info),");
            let _ = writeln!(out, "        /// `outcome-unknown` of a step without a token: the write may or may not have been\n        /// applied, so it is not repeated; read the item or table to learn which.\n        permanent-{kind}(error-info),");
        } else {
            let _ = writeln!(out, "        /// The connector's `{kind}`: repeating the same step would fail the same way.\n        permanent-{kind}(error-info),");
        }
    }
    out.push_str("    }\n");
    out
}

/// The text of `obelisk/wit/activity.wit`.
pub fn render_wit(wit: &str, manifest: &Manifest) -> Result<String, String> {
    let kept = [
        "json",
        "cancellation-reason",
        "throttling-reason",
        "error-info",
    ];
    let mut out = format!("// {GENERATED_HEADER}\npackage dynamodb:activity@0.1.0;\n\n");
    out.push_str(
        "/// The connector's actions as Obelisk activities: each takes the action's input (the\n\
         /// connection comes from the activity's environment, never from a parameter, so no secret\n\
         /// lands in Obelisk's execution log) and returns the AWS-shaped response as JSON text.\n\
         /// The interface defines every type it uses, so the composed component imports none.\n\
         interface actions {\n",
    );
    for item in items(wit, "types")?
        .iter()
        .filter(|i| kept.contains(&i.name))
    {
        let _ = writeln!(out, "{}", item.text());
    }
    out.push_str(&activity_error(manifest));
    out.push('\n');
    let actions = items(wit, "actions")?;
    for item in actions.iter().filter(|i| !i.is_func()) {
        let _ = writeln!(out, "{}", item.text());
    }
    for item in actions.iter().filter(|i| i.is_func()) {
        let ty = input_type(item)?;
        for line in item
            .lines
            .iter()
            .filter(|l| l.trim_start().starts_with("///"))
        {
            let _ = writeln!(out, "{line}");
        }
        let _ = writeln!(
            out,
            "    {}: func(input: {ty}) -> result<json, activity-error>;",
            item.name
        );
    }
    out.push_str(
        "}\n\n/// The adapter: it imports the connector's actions (the unchanged connector component\n\
         /// is composed in) and exports them as activities.\n\
         world activity {\n    import dynamodb:connector/actions@0.1.0;\n    export actions;\n}\n",
    );
    Ok(out)
}

/// The text of `obelisk/src/actions.rs`: the `Guest` implementation, one function per
/// action, and the connector's error kinds as the activity's.
pub fn render_rust(wit: &str, manifest: &Manifest) -> Result<String, String> {
    let mut out = format!(
        "//! {GENERATED_HEADER}\n//! One activity per action: the connector's action called with the \
         environment's connection (the adapter's records are the connector's: the bindings merge \
         structurally equal types).\n\n\
         use crate::bindings::dynamodb::connector::actions as connector;\n\
         use crate::bindings::dynamodb::connector::types::ConnectorError;\n\
         use crate::bindings::exports::dynamodb::activity::actions::{{self as activity, ActivityError, Json}};\n\n\
         impl activity::Guest for crate::Activity {{\n"
    );
    for item in items(wit, "actions")?.iter().filter(|i| i.is_func()) {
        let action = manifest
            .actions
            .iter()
            .find(|a| a.key == item.name)
            .ok_or_else(|| {
                format!(
                    "wit/connector.wit's `{}` is not in connector.toml",
                    item.name
                )
            })?;
        let token = action
            .inputs
            .iter()
            .find(|i| TOKENS.contains(&i.key.as_str()))
            .map_or("false".to_string(), |i| {
                format!("input.{}.is_some()", i.key.replace('-', "_"))
            });
        let ty = crate::node::pascal(input_type(item)?);
        let function = item.name.replace('-', "_");
        let _ = writeln!(
            out,
            "    fn {function}(input: activity::{ty}) -> Result<Json, ActivityError> {{\n        \
             let token = {token};\n        \
             connector::{function}(&crate::environment::connection()?, &input).map_err(|e| failure(e, token))\n    }}\n"
        );
    }
    out.push_str(
        "}\n\n/// The connector's error as the activity's: a kind the manifest calls retryable keeps its\n\
         /// name (Obelisk repeats it), `outcome-unknown` too when the step carried its idempotency\n\
         /// token; every other kind is `permanent-<kind>`.\n\
         #[inline(never)]\n\
         fn failure(error: ConnectorError, token: bool) -> ActivityError {\n    match error {\n",
    );
    for error in &manifest.errors {
        let case = crate::node::pascal(&error.kind);
        if error.kind == "outcome-unknown" {
            let _ = writeln!(
                out,
                "        ConnectorError::{case}(info) if token => ActivityError::{case}(info),"
            );
        }
        let to = if error.retry {
            case.clone()
        } else {
            format!("Permanent{case}")
        };
        let _ = writeln!(
            out,
            "        ConnectorError::{case}(info) => ActivityError::{to}(info),"
        );
    }
    out.push_str("    }\n}\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{input_type, items};

    #[test]
    fn items_are_read_with_their_doc_comments_and_a_function_with_its_input() {
        let wit = "package a:b;\n\ninterface actions {\n    use types.{json};\n\n    \
                   /// A record.\n    record r-input {\n        /// A field.\n        \
                   a: string,\n    }\n\n    /// Do it.\n    \
                   do-it: func(connection: connection, input: r-input) -> result<json, e>;\n}\n";
        let items = items(wit, "actions").unwrap();
        let names: Vec<&str> = items.iter().map(|i| i.name).collect();
        assert_eq!(names, ["r-input", "do-it"]);
        assert_eq!(items[0].lines.len(), 5, "{:?}", items[0].lines);
        assert!(!items[0].is_func() && items[1].is_func());
        assert_eq!(input_type(&items[1]).unwrap(), "r-input");
        assert!(
            super::items(wit, "types").is_err(),
            "a missing interface is named"
        );
    }
}
