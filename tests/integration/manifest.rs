//! `connector.toml` checked against the component's WIT (read from the built component by
//! the host), the host's runtime view of it, and the generated docs checked for staleness.

use crate::harness::*;
use connector_tools::manifest::Manifest;
use serde_json::Value;
use std::collections::BTreeSet;

fn manifest() -> Manifest {
    let text = std::fs::read_to_string(workspace().join("connector.toml")).expect("connector.toml");
    Manifest::parse(&text).expect("connector.toml parses")
}

#[test]
fn manifest_and_wit_agree() {
    let problems = connector_tools::check::problems(&manifest(), &host().signatures());
    assert!(
        problems.is_empty(),
        "manifest and WIT disagree:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_connection_type_declares_its_endpoints() {
    let runtime = connector_host::manifest::Manifest::load(&test_support::manifest())
        .expect("the host reads connector.toml");
    for connection in manifest().connections {
        let declared = runtime
            .connection(&connection.key)
            .expect("in the runtime view");
        for endpoint in &declared.endpoints {
            let field = endpoint.field.as_deref().expect("an override field");
            assert!(
                connection.inputs.iter().any(|i| i.key == field),
                "{}: endpoint field {field} is an input",
                connection.key
            );
        }
        assert!(
            !declared.endpoints.is_empty(),
            "{} has endpoints",
            connection.key
        );
    }
}

#[test]
fn secrets_are_marked_and_icons_exist() {
    let manifest = manifest();
    for connection in &manifest.connections {
        for input in &connection.inputs {
            let should = input.key == "secret-access-key" || input.key == "session-token";
            assert_eq!(
                input.secret, should,
                "{}.{} secret flag",
                connection.key, input.key
            );
        }
    }
    for icon in [&manifest.icon, &manifest.icon_svg] {
        assert!(workspace().join(icon).is_file(), "{icon} exists");
    }
}

#[test]
fn generated_docs_are_fresh() {
    let examples: Value = serde_json::from_str(
        &std::fs::read_to_string(workspace().join("examples/demo-output.json"))
            .expect("recorded demo"),
    )
    .unwrap();
    let mut stale = Vec::new();
    for (path, text) in connector_tools::docs::render(&manifest(), &examples) {
        if std::fs::read_to_string(workspace().join("docs").join(&path)).ok() != Some(text) {
            stale.push(path);
        }
    }
    assert!(
        stale.is_empty(),
        "stale docs {stale:?}: run `scripts/demo.sh --record` (or `cargo run -p connector-tools --bin connector-docs`)"
    );
    let recorded: BTreeSet<&str> = examples
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["action"].as_str())
        .collect();
    for action in REFERENCE_ACTIONS {
        assert!(recorded.contains(action), "the demo shows {action}");
    }
}

/// The reference's ten actions and the connection test: the demo shows each of them (an
/// action added since gets an example in its page when the demo gains a step for it).
const REFERENCE_ACTIONS: [&str; 11] = [
    "test-connection",
    "create-table",
    "delete-table",
    "describe-table",
    "list-tables",
    "get-item",
    "query-items",
    "update-item",
    "upsert-item",
    "delete-item",
    "raw-request",
];
