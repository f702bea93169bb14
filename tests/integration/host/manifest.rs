//! `connector.toml` checked against the component's WIT (read from the built component by
//! the host), the host's runtime view of it, and the generated docs checked for staleness.

use crate::harness::*;
use connector_host::manifest::Manifest;
use serde_json::Value;
use std::collections::BTreeSet;

fn manifest() -> Manifest {
    let text = std::fs::read_to_string(workspace().join("connector.toml")).expect("connector.toml");
    Manifest::parse(&text).expect("connector.toml parses")
}

#[test]
fn manifest_and_wit_agree() {
    let host = host();
    let mut problems = connector_tools::check::problems(&manifest(), &host.signatures());
    let errors = connector_tools::check::error_problems(&manifest(), &host.component_error_kinds());
    problems.extend(errors);
    assert!(
        problems.is_empty(),
        "manifest and WIT disagree:\n{}",
        problems.join("\n")
    );
}

/// The manifest with `change` made to one input of `wait-for-table`.
fn changed(change: impl FnOnce(&mut Vec<connector_host::manifest::Input>)) -> Manifest {
    let mut manifest = manifest();
    let wait = manifest
        .actions
        .iter_mut()
        .find(|a| a.key == "wait-for-table");
    change(&mut wait.expect("wait-for-table is an action").inputs);
    manifest
}

#[test]
fn the_checker_reports_a_dropped_field_a_flipped_required_and_a_misspelt_option() {
    let signatures = host().signatures();
    let input = |inputs: &mut Vec<connector_host::manifest::Input>, key: &str| {
        inputs.iter().position(|i| i.key == key).expect(key)
    };
    let dropped = changed(|inputs| {
        let at = input(inputs, "timeout-seconds");
        inputs.remove(at);
    });
    let flipped = changed(|inputs| {
        let at = input(inputs, "include-indexes");
        inputs[at].required = !inputs[at].required;
    });
    let misspelt = changed(|inputs| {
        let at = input(inputs, "until");
        inputs[at].options = vec!["ACTIVE".into(), "DELETD".into()];
    });
    let problems = |m: &Manifest| connector_tools::check::problems(m, &signatures).join("\n");
    let reported = [
        (
            problems(&dropped),
            "wait-for-table.timeout-seconds: in the WIT, not in the manifest",
        ),
        (
            problems(&flipped),
            "wait-for-table.include-indexes: manifest says required=true",
        ),
        (problems(&misspelt), "wait-for-table.until: options"),
    ];
    for (problems, expected) in reported {
        assert!(
            problems.contains(expected),
            "{expected:?} not in:\n{problems}"
        );
    }
}

#[test]
fn manifest_defaults_are_the_code_defaults() {
    use dynamodb_connector::{aws, catalog, model};
    let default = |action: &str, key: &str| {
        let manifest = manifest();
        let actions = manifest.actions.into_iter().map(|a| (a.key, a.inputs));
        let connections = manifest.connections.into_iter().map(|c| (c.key, c.inputs));
        let mut groups = actions.chain(connections);
        let (_, inputs) = groups.find(|(k, _)| k == action).expect(action);
        let input = inputs.into_iter().find(|i| i.key == key).expect(key);
        input
            .default
            .unwrap_or_else(|| panic!("{action}.{key} has a default"))
    };
    let int = |action, key| {
        default(action, key)
            .as_integer()
            .and_then(|n| u64::try_from(n).ok())
    };
    let wait = aws::wait::DEFAULT_TIMEOUT_SECONDS;
    assert_eq!(
        int("wait-for-table", "timeout-seconds"),
        Some(u64::from(wait))
    );
    for action in ["infer-schema", "profile-table", "classify-columns"] {
        let size = u64::from(catalog::DEFAULT_SAMPLE);
        assert_eq!(int(action, "sample-size"), Some(size), "{action}");
        let segments = u64::from(catalog::DEFAULT_SEGMENTS);
        assert_eq!(int(action, "segments"), Some(segments), "{action}");
    }
    let confidence = u64::from(catalog::classify::DEFAULT_MIN_CONFIDENCE);
    assert_eq!(int("classify-columns", "min-confidence"), Some(confidence));
    for key in ["read-capacity-units", "write-capacity-units"] {
        let units = model::table::DEFAULT_CAPACITY_UNITS;
        assert_eq!(int("create-table", key), Some(units), "{key}");
    }
    let session = default("role-arn", "session-name");
    assert_eq!(session.as_str(), Some(aws::sts::DEFAULT_SESSION_NAME));
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
            let should = ["secret-access-key", "session-token", "web-identity-token"]
                .contains(&input.key.as_str());
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
    let guides = connector_tools::docs::guides(&workspace().join("docs")).unwrap();
    let manifest = manifest();
    let groups = connector_tools::docs::groups(&workspace().join("src/actions"), &manifest)
        .expect("every action in a group");
    let mut stale = Vec::new();
    for (path, text) in connector_tools::docs::render(&manifest, &examples, &guides, &groups) {
        if std::fs::read_to_string(workspace().join("docs").join(&path)).ok() != Some(text) {
            stale.push(path);
        }
    }
    let wit = std::fs::read_to_string(workspace().join("wit/connector.wit")).unwrap();
    let packages = connector_tools::package_files(&manifest, &wit).expect("generated");
    for (path, text) in packages {
        if std::fs::read_to_string(workspace().join(path)).ok() != Some(text) {
            stale.push(path.to_string());
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

#[test]
fn the_checker_refuses_an_action_without_its_facts_and_the_reader_an_unknown_effect() {
    let signatures = host().signatures();
    let mut manifest = manifest();
    manifest.actions[0].effect = None;
    manifest.actions[1].group = "items".into();
    manifest.actions[2].label = String::new();
    let problems = connector_tools::check::problems(&manifest, &signatures).join("\n");
    let keys: Vec<&str> = manifest.actions.iter().map(|a| a.key.as_str()).collect();
    for expected in [
        format!("action {}: says no effect", keys[0]),
        format!(
            "action {}: group \"items\" is not one of [[groups]]",
            keys[1]
        ),
        format!("action {}: has no label or description", keys[2]),
    ] {
        assert!(problems.contains(&expected), "{expected}:\n{problems}");
    }
    let text = std::fs::read_to_string(workspace().join("connector.toml")).expect("connector.toml");
    let unknown = text.replacen("\neffect = \"read\"", "\neffect = \"delete\"", 1);
    let refused = Manifest::parse(&unknown).expect_err("an unknown effect is refused");
    assert!(refused.to_string().contains("delete"), "{refused}");
}

#[test]
fn the_checker_refuses_error_kinds_that_differ_from_the_wit() {
    let mut manifest = manifest();
    manifest.errors.retain(|e| e.kind != "throttled");
    let cases = host().component_error_kinds();
    let problems = connector_tools::check::error_problems(&manifest, &cases).join("\n");
    assert!(problems.contains("error kind throttled"), "{problems}");
}

#[test]
fn the_checker_refuses_a_json_input_without_its_shape() {
    let mut manifest = manifest();
    let input = manifest
        .actions
        .iter_mut()
        .flat_map(|a| a.inputs.iter_mut())
        .find(|i| i.kind == "json")
        .expect("a json input");
    input.shape = None;
    let reported = connector_tools::check::problems(&manifest, &host().signatures()).join("\n");
    assert!(
        reported.contains("a json input names no shape"),
        "{reported}"
    );
}
