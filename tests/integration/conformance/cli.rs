//! The golden steps under the wasmtime CLI (`wasmtime run -S http --invoke`, version 48.0.8):
//! a long build, so this test is ignored in the test run and run by
//! scripts/conformance-wasmtime-cli.sh, which installs the CLI and names it in
//! `$WASMTIME_CLI`. Each call's arguments are written in WAVE ([`super::wave`]) and its
//! answer read back; the outcomes must equal the project host's.

use super::{comparable, differences, golden, ours, reset, wave};
use crate::harness::*;
use serde_json::{json, Value};
use std::process::Command;

/// The outcome of a printed answer: `ok("…")` or `err(case({message, field, code, …}))`.
fn outcome(printed: &str) -> Value {
    let answer = wave::read(printed);
    let value = &answer["value"];
    match answer["case"].as_str() {
        Some("ok") => json!({"ok": value}),
        Some("err") => {
            let info = &value["value"];
            json!({"err": {"kind": value["case"], "message": info["message"],
                            "field": info["field"], "code": info["code"]}})
        }
        _ => panic!("not a result: {printed}"),
    }
}

#[test]
#[ignore = "needs the wasmtime CLI 48.0.8: scripts/conformance-wasmtime-cli.sh"]
fn the_golden_steps_answer_alike_under_the_wasmtime_cli() {
    let cli = std::env::var("WASMTIME_CLI").expect("$WASMTIME_CLI names the wasmtime CLI");
    let endpoint = test_support::own_moto();
    let steps = golden(&endpoint);
    let expected = ours(&steps);
    reset(&endpoint);
    let got: Vec<Value> = steps
        .iter()
        .map(|(name, step)| {
            let (action, args) = host().arguments(step).expect("a golden step converts");
            let args: Vec<String> = args.iter().map(wave::write).collect();
            let call = format!("{action}({})", args.join(", "));
            let out = Command::new(&cli)
                .args([
                    "run",
                    "-S",
                    "http",
                    "-S",
                    "inherit-network",
                    "--invoke",
                    &call,
                ])
                .arg(component())
                .output()
                .expect("the wasmtime CLI runs");
            assert!(
                out.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            comparable(outcome(&String::from_utf8_lossy(&out.stdout)))
        })
        .collect();
    let differ = differences(&steps, &expected, &got, "the wasmtime CLI");
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}
