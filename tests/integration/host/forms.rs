//! Every input form as a platform draws it: react-jsonschema-form (with its 2020-12
//! validator) in Debian's headless Chromium, driven by playwright-core
//! (`tests/integration/host/forms/`): no "option N" selector on a scalar field, an input
//! for every required field, secrets in password boxes, and a form submitted with only
//! its required fields filled sends nothing the user did not type but real defaults —
//! and the host takes what it sends.

use crate::harness::*;
use serde_json::{json, Map, Value};
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

/// The region the submitted steps run in (no other test writes there).
const REGION: &str = "eu-isoe-west-1";
/// The table the user names in every form.
const TABLE: &str = "form-test";

/// The page (`index.html` and `page.js`, bundled by esbuild from the registries) in `dir`.
fn build_page(dir: &Path) {
    let forms = workspace().join("tests/integration/host/forms");
    std::fs::copy(forms.join("index.html"), dir.join("index.html")).unwrap();
    let status = Command::new(workspace().join("node_modules/.bin/esbuild"))
        .arg(forms.join("page.jsx"))
        .args(["--bundle", "--minify", "--log-level=warning"])
        .arg("--define:process.env.NODE_ENV=\"production\"")
        .arg(format!("--outfile={}", dir.join("page.js").display()))
        .status()
        .expect("esbuild runs (scripts/setup.sh installs it)");
    assert!(status.success());
}

/// What the user types into each required JSON input: the key of the table they create,
/// and reads and writes of it.
fn typed() -> Value {
    let key = json!({"pk": "a"});
    json!({"region": REGION, "table": TABLE, "json": {
        "attribute-definitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "key-schema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "statements": [{"statement": format!("SELECT * FROM \"{TABLE}\" WHERE pk = ?"),
            "parameters": ["a"]}],
        "keys": {TABLE: [key]},
        "requests": {TABLE: [{"put": {"pk": "b", "n": 1}}]},
        "gets": [{"table-name": TABLE, "key": key}],
        "actions": [{"table-name": TABLE, "put": {"pk": "c"}}],
        "value": {"pk": "a", "n": 12345678901234567890u64},
        "partition-value": "a",
        "tags": {"team": "forms"},
        "tag-keys": ["team"],
    }})
}

/// Draw every form in Chromium and submit it: the driver's report.
fn draw_forms(shots: &Path) -> Value {
    let page = tempfile::tempdir().unwrap();
    build_page(page.path());
    let mut schemas: Vec<String> = Vec::new();
    for dir in ["schemas/actions", "schemas/connections"] {
        for entry in std::fs::read_dir(workspace().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.to_string_lossy().to_string();
            if !name.ends_with(".output.json") {
                schemas.push(name);
            }
        }
    }
    let mut driver = Command::new("node")
        .arg(workspace().join("tests/integration/host/forms/drive.mjs"))
        .arg(page.path())
        .arg(shots)
        .args(&schemas)
        .current_dir(workspace())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs");
    let mut stdin = driver.stdin.take().unwrap();
    stdin.write_all(typed().to_string().as_bytes()).unwrap();
    drop(stdin);
    let out = driver.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the form driver failed: {stderr}");
    serde_json::from_slice(&out.stdout).expect("the driver's JSON report")
}

/// The input schema of `form` (an action's or a connection's).
fn schema_of(form: &str) -> Value {
    let action = workspace().join(format!("schemas/actions/{form}.input.json"));
    let path = if action.exists() {
        action
    } else {
        workspace().join(format!("schemas/connections/{form}.json"))
    };
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn every_form_draws_well_and_sends_only_what_the_user_typed_which_the_host_takes() {
    let shots = tempfile::tempdir().unwrap();
    let report = draw_forms(shots.path());
    assert_eq!(report["pageErrors"], json!([]), "{report}");
    let forms = report["forms"].as_object().unwrap();
    assert_eq!(
        forms.len(),
        host().actions().len() + 3,
        "every action and connection"
    );
    let mut wrong = Vec::new();
    for (name, form) in forms {
        for problem in form["problems"].as_array().unwrap() {
            wrong.push(format!("{name}: {problem}"));
        }
        let schema = schema_of(name);
        let filled: Vec<&str> = form["filled"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        for (key, value) in form["submitted"].as_object().into_iter().flatten() {
            let property = &schema["properties"][key];
            let default = property.get("default").or(property.get("const"));
            if !filled.contains(&key.as_str()) && default != Some(value) {
                wrong.push(format!(
                    "{name}: sends {key} = {value}, which the user did not type"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    for shot in ["query-items", "create-table", "access-key"] {
        assert!(shots.path().join(format!("{shot}.png")).is_file(), "{shot}");
    }
    if let Ok(dir) = std::env::var("FORM_SCREENSHOTS") {
        for shot in ["query-items", "create-table", "access-key"] {
            let name = format!("{shot}.png");
            std::fs::copy(shots.path().join(&name), Path::new(&dir).join(&name)).unwrap();
        }
    }
    run_submitted(forms);
}

/// Where a form filled with only its required fields is refused, and rightly: update-table
/// needs one change of many (none of them required alone).
const RIGHTLY_REFUSED: [(&str, &str); 1] = [("update-table", "no change given")];

/// Each submitted form as a step against moto: the created table is keyed as the user typed,
/// and no step fails for a value the form sent (an `invalid-input` naming an input the form
/// sent, but for [`RIGHTLY_REFUSED`]), nor crashes.
fn run_submitted(forms: &Map<String, Value>) {
    let created = ok("create-table", forms["create-table"]["submitted"].clone());
    assert_eq!(
        created["TableDescription"]["KeySchema"],
        json!([{"AttributeName": "pk", "KeyType": "HASH"}]),
        "the key the user typed, no sample's"
    );
    let mut connection = forms["access-key"]["submitted"].clone();
    connection["endpoint-url"] = json!(moto());
    let tables = host()
        .run_step(&json!({"connection": connection, "action": "list-tables",
            "input": {"region": REGION}}))
        .expect("the connection form's connection works");
    assert_eq!(tables["TableNames"], json!([TABLE]));
    let mut wrong = Vec::new();
    let last = ["delete-table"];
    let mut names: Vec<&String> = forms.keys().filter(|n| host().has_action(n)).collect();
    names.sort_by_key(|n| last.contains(&n.as_str()));
    for name in names {
        if name == "create-table" {
            continue;
        }
        let input = forms[name]["submitted"].clone();
        let Err(error) = step(name, input.clone()) else {
            continue;
        };
        let field = error.field.as_deref().unwrap_or("");
        let root = field.split(['.', '[']).next().unwrap_or("");
        let sent = input.get(root).is_some()
            && !RIGHTLY_REFUSED
                .iter()
                .any(|(action, why)| name == action && error.message.contains(why));
        if matches!(error.kind.as_str(), "trap" | "host") || (error.kind == "invalid-input" && sent)
        {
            wrong.push(format!("{name}: {} {field}: {}", error.kind, error.message));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
