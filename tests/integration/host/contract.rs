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

#[test]
fn the_openapi_document_lints_clean_with_redocly() {
    let out = Command::new(workspace().join("node_modules/.bin/redocly"))
        .args([
            "lint",
            "schemas/openapi.json",
            "--format=json",
            "--max-problems=50",
        ])
        .current_dir(workspace())
        .output()
        .expect("redocly runs (scripts/setup.sh installs it)");
    let report: Value = serde_json::from_slice(&out.stdout).expect("redocly's JSON report");
    let totals = &report["totals"];
    assert_eq!(
        (&totals["errors"], &totals["warnings"]),
        (&json!(0), &json!(0)),
        "{:#}",
        report["problems"]
    );
}

#[test]
fn the_api_page_lists_the_routes_and_its_try_it_out_runs_a_step() {
    let region = "us-isof-east-1";
    create_table(region, "from-the-api-page", false);
    let server = Server::start(&["--api-page"]);
    let out = Command::new("node")
        .arg(workspace().join("tests/integration/host/api_page.mjs"))
        .args([server.url.as_str(), moto(), region])
        .current_dir(workspace())
        .output()
        .expect("node runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the page driver failed: {stderr}");
    let page: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        page["failures"],
        json!([]),
        "the page loads only its own files: {page}"
    );
    let routes = file("schemas/openapi.json")["paths"]
        .as_object()
        .unwrap()
        .len();
    assert_eq!(page["routes"], json!(routes), "{page}");
    assert_eq!(page["status"], "200", "{page}");
    let answer: Value = serde_json::from_str(page["body"].as_str().unwrap()).unwrap();
    assert_eq!(answer["TableNames"], json!(["from-the-api-page"]));
    let (status, _) = Server::start(&[]).get("/docs");
    assert_eq!(status, 404, "off unless asked");
}

/// The headers of a raw `method` request to `path` on `server` with `headers`.
fn raw_headers(server: &Server, method: &str, path: &str, headers: &[(&str, &str)]) -> String {
    use std::io::Read as _;
    let address = server.url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(name);
        request.push_str(": ");
        request.push_str(value);
        request.push_str("\r\n");
    }
    request.push_str("Content-Length: 0\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
        .split("\r\n\r\n")
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

#[test]
fn cors_lets_only_the_named_origins_call_the_service_from_a_browser() {
    let preflight = |server: &Server, origin: &str| {
        raw_headers(
            server,
            "OPTIONS",
            "/v1/steps",
            &[
                ("Origin", origin),
                ("Access-Control-Request-Method", "POST"),
                (
                    "Access-Control-Request-Headers",
                    "authorization, content-type",
                ),
            ],
        )
    };
    let server = Server::start(&["--cors-origin", "https://app.example"]);
    let allowed = preflight(&server, "https://app.example");
    assert!(
        allowed.contains("access-control-allow-origin: https://app.example"),
        "{allowed}"
    );
    assert!(allowed.contains("authorization"), "{allowed}");
    let other = preflight(&server, "https://evil.example");
    assert!(!other.contains("access-control-allow-origin"), "{other}");
    let closed = preflight(&Server::start(&[]), "https://app.example");
    assert!(
        !closed.contains("access-control-allow-origin"),
        "off by default: {closed}"
    );
}
