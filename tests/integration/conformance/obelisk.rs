//! The Obelisk adapter (docs/obelisk.md), as scripts/obelisk-activity.sh builds it: its WIT,
//! as `wasm-tools component wit` prints it, meets Obelisk's rules for an activity; and under
//! wasmtime-py (a wasmtime host calling the exports as Obelisk's activity worker does) the
//! golden steps answer as under the project's host, each error under its activity case, the
//! connection coming from the environment.

use super::{calls, comparable, differences, golden, ours, printed, reset};
use crate::harness::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use test_support::{Fault, Proxy};

const INTERFACE: &str = "dynamodb:activity/actions@0.1.0";

fn adapter() -> PathBuf {
    let path = test_support::target_dir().join("obelisk/dynamodb-activity.wasm");
    assert!(
        path.exists(),
        "{} is missing: run scripts/obelisk-activity.sh",
        path.display()
    );
    path
}

fn manifest() -> connector_host::manifest::Manifest {
    connector_host::manifest::Manifest::parse(
        &std::fs::read_to_string(test_support::manifest()).unwrap(),
    )
    .unwrap()
}

/// The lines of the block that opens with `head` (up to its closing brace at the same depth).
fn block<'a>(wit: &'a str, head: &str) -> Vec<&'a str> {
    let mut lines = wit.lines().skip_while(|l| l.trim() != head);
    let first = lines
        .next()
        .unwrap_or_else(|| panic!("no `{head}` in:\n{wit}"));
    let indent = first.len() - first.trim_start().len();
    lines
        .take_while(|l| l.trim() != "}" || l.len() - l.trim_start().len() != indent)
        .collect()
}

/// The code of each line, doc comments left out.
fn code<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .collect()
}

#[test]
fn the_adapters_exports_meet_obelisks_rules_for_activities() {
    let wasm_tools = test_support::moto_python().with_file_name("wasm-tools");
    let out = Command::new(wasm_tools)
        .args(["component", "wit"])
        .arg(adapter())
        .output()
        .expect("wasm-tools runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let wit = String::from_utf8(out.stdout).unwrap();

    let world = code(&block(&wit, "world root {"));
    let exports: Vec<&str> = world
        .iter()
        .filter(|l| l.starts_with("export "))
        .copied()
        .collect();
    assert_eq!(exports, [format!("export {INTERFACE};")], "{wit}");
    let foreign: Vec<&&str> = world
        .iter()
        .filter(|l| l.starts_with("import ") && !l.starts_with("import wasi:"))
        .collect();
    assert!(
        foreign.is_empty(),
        "the connector is composed in, only WASI is left: {foreign:?}"
    );

    let interface = block(&wit, "interface actions {");
    let functions: Vec<(&str, &str)> = code(&interface)
        .into_iter()
        .filter_map(|l| l.split_once(": func("))
        .collect();
    let names: BTreeSet<&str> = functions.iter().map(|(name, _)| *name).collect();
    let manifest = manifest();
    let actions: BTreeSet<&str> = manifest.actions.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(names, actions, "one activity per action");
    for (name, signature) in &functions {
        assert!(
            signature.starts_with("input: ")
                && !signature.split(") ->").next().unwrap().contains(','),
            "{name} takes its input only, never the connection's secrets: {signature}"
        );
        assert!(
            signature.ends_with(") -> result<json, activity-error>;"),
            "{name}: {signature}"
        );
    }

    // Obelisk: the error variant has `execution-failed` without a payload; a case whose
    // name holds `permanent` is not retried, every other case is.
    let cases: Vec<&str> = code(&block(&wit, "variant activity-error {"));
    assert!(cases.contains(&"execution-failed,"), "{cases:?}");
    let repeated: BTreeSet<&str> = cases
        .iter()
        .filter(|c| !c.contains("permanent") && **c != "execution-failed,")
        .map(|c| c.split('(').next().unwrap())
        .collect();
    let mut retryable: BTreeSet<&str> = manifest
        .errors
        .iter()
        .filter(|e| e.retry)
        .map(|e| e.kind.as_str())
        .collect();
    retryable.insert("outcome-unknown");
    assert_eq!(repeated, retryable, "only the retryable kinds are repeated");
    for error in &manifest.errors {
        let permanent = format!("permanent-{}(error-info),", error.kind);
        assert_eq!(
            cases.contains(&permanent.as_str()),
            !error.retry,
            "{}: {cases:?}",
            error.kind
        );
    }
}

/// The outcomes of `calls` made on the adapter under wasmtime-py.
fn under_adapter(calls: &Path) -> Vec<Value> {
    let out = Command::new(test_support::moto_python())
        .arg(workspace().join("tests/conformance/wasmtime_py.py"))
        .arg(adapter())
        .arg(INTERFACE)
        .arg(calls)
        .arg("activity")
        .output()
        .unwrap();
    printed(&out, "the Obelisk adapter under wasmtime-py")
}

/// The activity case of a connector error kind (no golden step carries a token).
fn case(kind: &str) -> String {
    let retry = manifest().errors.iter().any(|e| e.kind == kind && e.retry);
    if retry {
        kind.to_string()
    } else {
        format!("permanent-{kind}")
    }
}

#[test]
fn the_golden_steps_answer_alike_through_the_obelisk_adapter() {
    let endpoint = test_support::own_moto();
    let steps = golden(&endpoint);
    let work = tempfile::tempdir().unwrap();
    let calls = calls(&steps, work.path());
    let expected: Vec<Value> = ours(&steps)
        .into_iter()
        .map(|mut outcome| {
            if let Some(kind) = outcome["err"]["kind"].as_str() {
                outcome["err"]["kind"] = json!(case(kind));
            }
            outcome
        })
        .collect();
    assert_eq!(
        expected[5]["err"]["kind"],
        "permanent-conditional-check-failed"
    );
    reset(&endpoint);
    let got = under_adapter(&calls);
    let differ = differences(&steps, &expected, &got, "the Obelisk adapter");
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

/// The outcomes of `steps` (`(action, input)`) on the adapter, the environment holding the
/// connection `connection`.
fn run(connection: Value, steps: &[(&str, Value)]) -> Vec<Value> {
    let steps: Vec<(String, Value)> = steps
        .iter()
        .map(|(action, input)| {
            let step = json!({"connection": connection, "action": action, "input": input});
            (action.to_string(), step)
        })
        .collect();
    let work = tempfile::tempdir().unwrap();
    under_adapter(&calls(&steps, work.path()))
        .into_iter()
        .map(comparable)
        .collect()
}

#[test]
fn the_adapter_names_a_missing_variable_and_repeats_only_what_is_safe_to_repeat() {
    let list = ("list-tables", json!({"region": "us-east-1"}));
    let mut unsigned = connection(moto());
    unsigned["secret-access-key"] = json!("");
    let missing = &run(unsigned, std::slice::from_ref(&list))[0]["err"];
    assert_eq!(missing["kind"], "permanent-invalid-input", "{missing}");
    assert_eq!(missing["field"], "AWS_SECRET_ACCESS_KEY", "{missing}");

    let closed = format!("http://127.0.0.1:{}", test_support::free_port());
    let unreachable = &run(connection(&closed), &[list])[0]["err"];
    assert_eq!(
        unreachable["kind"], "network",
        "Obelisk repeats it: {unreachable}"
    );

    let (region, table) = ("eu-north-1", "obelisk-lost");
    create_table(region, table, false);
    let proxy = Proxy::start(moto());
    proxy.inject_on("PutItem", [Fault::ResetAfter]);
    proxy.inject_on(
        "TransactWriteItems",
        std::iter::repeat_n(Fault::ResetAfter, 8),
    );
    let put = (
        "upsert-item",
        json!({"region": region, "table-name": table, "value": {"id": 1}, "value-types": {"id": "N"}}),
    );
    let transaction = (
        "transact-write-items",
        json!({"region": region, "actions": [{"table-name": table, "put": {"id": 2}}],
               "client-request-token": "obelisk-repeat-1"}),
    );
    let lost = run(connection(proxy.url()), &[put, transaction]);
    assert_eq!(
        lost[0]["err"]["kind"], "permanent-outcome-unknown",
        "no token: {}",
        lost[0]
    );
    assert_eq!(
        lost[1]["err"]["kind"], "outcome-unknown",
        "its token makes a repeat safe: {}",
        lost[1]
    );
}
