//! The conformance matrix: the golden steps (tests/conformance/steps.json: fifteen steps
//! across the item, batch, query, PartiQL, transaction and table actions, a 38-digit
//! number, a binary, a set, a failed condition, a malformed input, a missing table) run
//! unchanged through the project's host, jco in Node and wasmtime-py, each on a fresh
//! state of a moto server of the test's own; every outcome must be JSON-equal to the
//! project host's (time fields and moto's random table id aside). Each other host is given
//! the export and the arguments this host converts the step to ([`Host::arguments`]), in a
//! neutral form its driver (tests/conformance/) maps to its own values. The wasmtime CLI
//! runs the same calls behind scripts/conformance-wasmtime-cli.sh (a long build).

mod cli;
mod obelisk;
mod wave;

use crate::harness::*;
use base64::Engine as _;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use wasmtime::component::Val;

/// A component value in the neutral form the drivers read.
pub(crate) fn neutral(val: &Val) -> Value {
    match val {
        Val::Bool(b) => json!({"bool": b}),
        Val::U8(n) => json!({"int": n}),
        Val::U16(n) => json!({"int": n}),
        Val::U32(n) => json!({"int": n}),
        Val::S32(n) => json!({"int": n}),
        Val::U64(n) => json!({"u64": n.to_string()}),
        Val::String(s) => json!({"string": s}),
        Val::Enum(case) => json!({"enum": case}),
        Val::Option(inner) => json!({"option": inner.as_deref().map(neutral)}),
        Val::List(items) if items.iter().all(|v| matches!(v, Val::U8(_))) && !items.is_empty() => {
            let bytes: Vec<u8> = items
                .iter()
                .map(|v| if let Val::U8(b) = v { *b } else { 0 })
                .collect();
            json!({"bytes": base64::engine::general_purpose::STANDARD.encode(bytes)})
        }
        Val::List(items) => json!({"list": items.iter().map(neutral).collect::<Vec<_>>()}),
        Val::Record(fields) => {
            let fields: Vec<Value> = fields.iter().map(|(k, v)| json!([k, neutral(v)])).collect();
            json!({"record": fields})
        }
        Val::Variant(case, payload) => {
            json!({"variant": case, "payload": payload.as_deref().map(neutral)})
        }
        other => panic!("no neutral form for {other:?}"),
    }
}

/// The golden steps, each with a connection to `endpoint`.
pub(crate) fn golden(endpoint: &str) -> Vec<(String, Value)> {
    let file = workspace().join("tests/conformance/steps.json");
    let steps: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    steps
        .into_iter()
        .map(|mut step| {
            let name = step["name"].as_str().unwrap().to_string();
            step.as_object_mut().unwrap().remove("name");
            step["connection"] = connection(endpoint);
            (name, step)
        })
        .collect()
}

/// The calls the golden steps make, as the drivers read them, written to `dir`.
pub(crate) fn calls(steps: &[(String, Value)], dir: &Path) -> PathBuf {
    let calls: Vec<Value> = steps
        .iter()
        .map(|(name, step)| {
            let (action, args) = host().arguments(step).expect("a golden step converts");
            json!({"name": name, "action": action, "args": args.iter().map(neutral).collect::<Vec<_>>()})
        })
        .collect();
    let file = dir.join("calls.json");
    std::fs::write(&file, Value::from(calls).to_string()).unwrap();
    file
}

/// Forget everything the moto server at `endpoint` holds.
pub(crate) fn reset(endpoint: &str) {
    ureq::post(format!("{endpoint}/moto-api/reset"))
        .send_empty()
        .expect("moto resets");
}

/// An outcome as the matrix compares it: `{"ok": output}` without its time fields and
/// moto's random ids, or `{"err": {kind, message, field, code}}`.
pub(crate) fn comparable(mut outcome: Value) -> Value {
    if let Some(text) = outcome["ok"].as_str() {
        outcome["ok"] = serde_json::from_str(text).expect("an output is JSON");
    }
    strip(&mut outcome);
    outcome
}

fn strip(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|k, _| !k.ends_with("DateTime") && k != "TableId");
            map.values_mut().for_each(strip);
        }
        Value::Array(items) => items.iter_mut().for_each(strip),
        _ => {}
    }
}

/// The outcomes of the project's host.
pub(crate) fn ours(steps: &[(String, Value)]) -> Vec<Value> {
    steps
        .iter()
        .map(|(_, step)| match host().run_step(step) {
            Ok(output) => json!({"ok": output.to_string()}),
            Err(e) => json!({"err": {"kind": e.kind.to_string(), "message": e.message,
                                      "field": e.field, "code": e.code}}),
        })
        .map(comparable)
        .collect()
}

/// The outcomes a driver printed, one JSON line per call.
pub(crate) fn printed(out: &std::process::Output, host: &str) -> Vec<Value> {
    assert!(
        out.status.success(),
        "{host} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .lines()
        .map(|l| comparable(serde_json::from_str(l).expect("an outcome line")))
        .collect()
}

/// The steps whose outcome under `host` differs from the project host's.
pub(crate) fn differences(
    steps: &[(String, Value)],
    expected: &[Value],
    got: &[Value],
    host: &str,
) -> Vec<String> {
    assert_eq!(got.len(), expected.len(), "{host} answered every call");
    let mut differ = Vec::new();
    for (((name, _), want), have) in steps.iter().zip(expected).zip(got) {
        if want != have {
            differ.push(format!("{host}: {name}: {have} != {want}"));
        }
    }
    differ
}

#[test]
fn the_golden_steps_answer_alike_under_the_project_host_jco_and_wasmtime_py() {
    let endpoint = test_support::own_moto();
    let steps = golden(&endpoint);
    let work = tempfile::tempdir().unwrap();
    let calls = calls(&steps, work.path());
    let expected = ours(&steps);
    let kinds: Map<String, Value> = steps
        .iter()
        .zip(&expected)
        .map(|((name, _), o)| {
            (
                name.clone(),
                o.get("err").map_or(json!("ok"), |e| e["kind"].clone()),
            )
        })
        .collect();
    assert_eq!(kinds["a condition that fails"], "conditional-check-failed");
    assert_eq!(kinds["a malformed region"], "invalid-input");
    assert_eq!(kinds["a missing table"], "resource-not-found");
    assert_eq!(
        expected[2]["ok"]["Item"]["total"]["N"], "12345678901234567890.123456789012345678",
        "{}",
        expected[2]
    );

    reset(&endpoint);
    // Inside the workspace, so the module finds preview2-shim in its node_modules.
    let transpiled = test_support::target_dir().join("conformance-jco");
    let _ = std::fs::remove_dir_all(&transpiled);
    let jco = Command::new(workspace().join("node_modules/.bin/jco"))
        .arg("transpile")
        .arg(component())
        .arg("-o")
        .arg(&transpiled)
        .arg("--quiet")
        .output()
        .expect("jco runs");
    assert!(
        jco.status.success(),
        "{}",
        String::from_utf8_lossy(&jco.stderr)
    );
    let under_jco = Command::new("node")
        .arg(workspace().join("tests/conformance/jco.mjs"))
        .arg(&transpiled)
        .arg(&calls)
        .output()
        .unwrap();
    let mut differ = differences(&steps, &expected, &printed(&under_jco, "jco"), "jco");

    reset(&endpoint);
    let interface = connector_host::manifest::Manifest::parse(
        &std::fs::read_to_string(test_support::manifest()).unwrap(),
    )
    .unwrap()
    .component
    .interface;
    let under_py = Command::new(test_support::moto_python())
        .arg(workspace().join("tests/conformance/wasmtime_py.py"))
        .arg(component())
        .arg(&interface)
        .arg(&calls)
        .output()
        .unwrap();
    differ.extend(differences(
        &steps,
        &expected,
        &printed(&under_py, "wasmtime-py"),
        "wasmtime-py",
    ));
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}
