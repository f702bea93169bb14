//! The component in Node without the service: transpiled by jco, run by
//! `examples/node/run.mjs` with preview2-shim against moto.

use crate::harness::*;
use serde_json::Value;
use std::process::Command;

#[test]
fn the_node_example_runs_the_component_transpiled_by_jco() {
    // Inside the workspace, so the module finds preview2-shim in its node_modules.
    let dir = test_support::target_dir().join("node-example");
    let _ = std::fs::remove_dir_all(&dir);
    let jco = workspace().join("node_modules/.bin/jco");
    let transpiled = Command::new(jco)
        .arg("transpile")
        .arg(component())
        .arg("-o")
        .arg(&dir)
        .arg("--quiet")
        .output()
        .expect("jco runs (scripts/setup.sh installs it)");
    assert!(
        transpiled.status.success(),
        "{}",
        String::from_utf8_lossy(&transpiled.stderr)
    );
    let run = Command::new("node")
        .arg(workspace().join("examples/node/run.mjs"))
        .arg(&dir)
        .arg(moto())
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let outputs: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for step in &outputs {
        let action = kebab(step["action"].as_str().unwrap());
        test_support::contract::check_answer(Some(&action), &step["output"]);
    }
    let output = |action: &str| {
        let step = outputs.iter().find(|o| o["action"] == action);
        step.map(|o| o["output"].clone()).unwrap()
    };
    let item = output("getItem");
    assert_eq!(item["Item"]["name"], "Rose");
    assert_eq!(
        item["Item"]["balance"].to_string(),
        "12345678901234567890.123456789012345678",
        "every digit survives"
    );
    let tables = output("listTables");
    assert!(tables["TableNames"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t == "node-example"));
}

/// A JS export name as the action it is (`getItem` is `get-item`).
fn kebab(name: &str) -> String {
    name.chars().fold(String::new(), |mut out, c| {
        if c.is_ascii_uppercase() {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
        out
    })
}
