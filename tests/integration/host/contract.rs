//! The machine-readable contract as the service publishes it: `GET /openapi.json` is the
//! checked-in document, valid by an OpenAPI 3.1 validator from the registries
//! (`openapi-spec-validator`), naming exactly the routes the service is built from, each
//! of which answers with a status the document declares; `GET /v1/actions/{name}` gives
//! the action's schemas; the error schema names every error kind the component has.

use crate::harness::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::io::Write as _;
use std::process::{Command, Stdio};

fn file(path: &str) -> Value {
    let text = std::fs::read_to_string(workspace().join(path)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// What `openapi-spec-validator` says of `document` (empty when it is valid).
fn openapi_problems(document: &Value) -> String {
    let program = "import json, sys\nfrom openapi_spec_validator import validate\n\
                   validate(json.load(sys.stdin))";
    let mut child = Command::new(test_support::moto_python())
        .args(["-c", program])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(document.to_string().as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    if out.status.success() {
        String::new()
    } else {
        String::from_utf8_lossy(&out.stderr).into_owned()
    }
}

/// A request of each operation the document declares: (method, path, body).
fn probe(path: &str) -> (String, Option<Value>) {
    let list = json!({"connection": connection(moto()), "action": "list-tables",
                      "input": {"region": "sa-east-1"}});
    match path {
        "/v1/steps" => (path.into(), Some(list)),
        "/v1/flows" => (path.into(), Some(json!({"steps": [list]}))),
        "/v1/triggers/{action}/poll" => (
            "/v1/triggers/read-stream-changes/poll".into(),
            Some(json!({"connection": connection(moto()), "input": {}})),
        ),
        "/v1/actions/{name}" => ("/v1/actions/get-item".into(), None),
        "/mcp" => (
            path.into(),
            Some(json!({"jsonrpc": "2.0", "id": 1, "method": "ping"})),
        ),
        _ => (path.into(), None),
    }
}

#[test]
fn the_openapi_document_is_valid_and_names_exactly_the_routes_that_answer() {
    let server = Server::start(&[]);
    let (status, text) = server.get("/openapi.json");
    assert_eq!(status, 200);
    let served: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        served,
        file("schemas/openapi.json"),
        "the checked-in document"
    );
    let problems = openapi_problems(&served);
    assert!(problems.is_empty(), "{problems}");
    let mut broken = served.clone();
    broken["paths"]["/v1/steps"]["post"]["responses"]["200"]["content"]["application/json"]
        ["schema"] = json!({"$ref": "#/components/schemas/no-such-schema"});
    assert!(
        !openapi_problems(&broken).is_empty(),
        "the validator catches a broken reference"
    );
    let documented: BTreeSet<(String, String)> = served["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(|m| (m.clone(), path.clone()))
        })
        .collect();
    let routed: BTreeSet<(String, String)> = connector_host::serve::ROUTES
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    assert_eq!(documented, routed);
    for (method, path) in &documented {
        let (url, body) = probe(path);
        let status = match body {
            Some(body) => server.post(&url, None, &body).0,
            None => server.get(&url).0,
        };
        let declared = &served["paths"][path][method]["responses"];
        assert!(
            declared.get(status.to_string()).is_some(),
            "{method} {url} answered {status}, not declared: {declared}"
        );
    }
}

#[test]
fn each_action_publishes_its_input_and_output_schemas() {
    let server = Server::start(&[]);
    for action in host().actions() {
        let (status, text) = server.get(&format!("/v1/actions/{action}"));
        assert_eq!(status, 200, "{action}: {text}");
        let schemas: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(schemas["name"], action.as_str());
        let input = file(&format!("schemas/actions/{action}.input.json"));
        assert_eq!(schemas["input"], input);
        let output = file(&format!("schemas/actions/{action}.output.json"));
        assert_eq!(schemas["output"], output);
    }
    let (status, text) = server.get("/v1/actions/drop-everything");
    assert_eq!(status, 404, "{text}");
    let answer: Value = serde_json::from_str(&text).unwrap();
    test_support::contract::check_answer(None, &answer);
}

#[test]
fn the_error_schema_names_every_error_kind_of_the_component() {
    let schema = file("schemas/error.json");
    let kinds: BTreeSet<&str> = schema["$defs"]["error-kind"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    let component: BTreeSet<String> = host().error_kinds().into_iter().collect();
    assert_eq!(kinds, component.iter().map(String::as_str).collect());
}

#[test]
fn an_output_that_drifts_from_its_schema_is_caught() {
    let output = ok("list-tables", json!({"region": "sa-east-1"}));
    let path = "actions/list-tables.output.json";
    assert!(test_support::contract::problems(path, &output).is_empty());
    let mut renamed = output.clone();
    renamed["tableNames"] = renamed["TableNames"].take();
    renamed.as_object_mut().unwrap().remove("TableNames");
    assert!(!test_support::contract::problems(path, &renamed).is_empty());
    let mut retyped = output;
    retyped["TableNames"] = json!("one");
    assert!(!test_support::contract::problems(path, &retyped).is_empty());
}
