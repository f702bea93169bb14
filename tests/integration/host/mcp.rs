//! The MCP server driven by a real MCP client from the registries (the Python `mcp`
//! package, `tests/integration/host/mcp_client.py`), over stdio (`connector-host mcp`) and
//! streamable HTTP (`connector-host serve --mcp-connection`), against moto. Every result's
//! structured content is checked against the tool's output schema and the connector's.

use crate::harness::*;
use serde_json::{json, Value};
use std::io::Write as _;
use std::process::{Command, Stdio};

/// Run the client with `argv` (its transport), making `calls`; `env` is set for the
/// client and the server it starts.
fn client(argv: &[&str], env: &[(&str, String)], calls: &Value) -> Value {
    let mut client = Command::new(test_support::moto_python())
        .arg(workspace().join("tests/integration/host/mcp_client.py"))
        .args(argv)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs");
    let mut stdin = client.stdin.take().unwrap();
    stdin.write_all(calls.to_string().as_bytes()).unwrap();
    drop(stdin);
    let out = client.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the MCP client failed: {stderr}");
    assert!(!stderr.contains(SECRET), "a log line carries the secret");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !stdout.contains(SECRET),
        "a tool or result carries the secret"
    );
    let session: Value = serde_json::from_str(&stdout).expect("JSON from the client");
    check_results(&session, calls);
    session
}

/// Every result is valid against the connector's schemas, and the tool lists its (trimmed)
/// output schema.
fn check_results(session: &Value, calls: &Value) {
    let tools = session["tools"].as_array().unwrap();
    for (call, result) in calls
        .as_array()
        .unwrap()
        .iter()
        .zip(session["results"].as_array().unwrap())
    {
        let Some(content) = result.get("structuredContent") else {
            continue;
        };
        let action = call[0].as_str().unwrap();
        test_support::contract::check_answer(Some(action), content);
        let tool = tools.iter().find(|t| t["name"] == action).unwrap();
        assert_eq!(tool["outputSchema"]["type"], "object", "{tool}");
    }
}

/// `connector-host mcp` over stdio with the connection in a file, plus `extra` arguments.
fn stdio_session(extra: &[&str], calls: &Value) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let connection = dir.path().join("connection.json");
    std::fs::write(&connection, plain_connection(moto()).to_string()).unwrap();
    let (host, manifest) = (
        env!("CARGO_BIN_EXE_connector-host"),
        test_support::manifest(),
    );
    let mut argv = vec!["stdio", host, "mcp", "--allow-endpoint", "127.0.0.1"];
    argv.extend(["--connection", connection.to_str().unwrap()]);
    argv.extend(["--component", component().to_str().unwrap()]);
    argv.extend(["--manifest", manifest.to_str().unwrap()]);
    argv.extend(extra);
    client(&argv, &[], calls)
}

fn names(session: &Value) -> Vec<&str> {
    let tools = session["tools"].as_array().unwrap();
    tools.iter().map(|t| t["name"].as_str().unwrap()).collect()
}

/// The actions the manifest says only read (`effect = "read"`), in its order.
fn read_only_actions() -> Vec<&'static str> {
    let text = std::fs::read_to_string(test_support::manifest()).unwrap();
    let manifest: toml::Value = toml::from_str(&text).unwrap();
    let actions = manifest["actions"].as_array().unwrap();
    actions
        .iter()
        .filter(|a| a["effect"].as_str() == Some("read"))
        .map(|a| &*a["key"].as_str().unwrap().to_string().leak())
        .collect()
}

#[test]
fn a_registry_mcp_client_lists_and_calls_only_the_read_only_tools_by_default() {
    create_table("me-south-1", "mcp-orders", false);
    let calls = json!([
        ["list-tables", {"region": "me-south-1"}],
        ["get-item", {"region": "me-south-1"}],
        ["delete-table", {"region": "me-south-1", "table-name": "mcp-orders"}],
    ]);
    let session = stdio_session(&[], &calls);
    assert_eq!(
        session["server"]["name"], "aws-dynamodb",
        "the manifest's key"
    );
    let names = names(&session);
    assert_eq!(
        names,
        read_only_actions(),
        "the manifest's read-only actions, in its order"
    );
    assert!(names.contains(&"query-items") && names.contains(&"wait-for-table"));
    assert!(names.contains(&"describe-backup") && names.contains(&"list-exports"));
    assert!(!names.contains(&"delete-table") && !names.contains(&"upsert-item"));
    let tools = session["tools"].as_array().unwrap();
    let get = tools.iter().find(|t| t["name"] == "get-item").unwrap();
    assert_eq!(get["annotations"]["readOnlyHint"], true);
    assert_eq!(
        get["annotations"].get("destructiveHint"),
        None,
        "meaningless for a read-only tool"
    );
    let required = &get["inputSchema"]["required"];
    assert_eq!(*required, json!(["region", "table-name", "hash-key-value"]));
    assert!(!get["inputSchema"]["properties"]
        .as_object()
        .unwrap()
        .contains_key("connection"));
    let results = session["results"].as_array().unwrap();
    assert_eq!(results[0]["isError"], false);
    let listed = &results[0]["structuredContent"]["TableNames"];
    assert!(listed.as_array().unwrap().contains(&json!("mcp-orders")));
    assert_eq!(results[1]["isError"], true, "a bad input is a tool error");
    let error = &results[1]["structuredContent"]["error"];
    assert_eq!(
        (&error["kind"], &error["field"]),
        (&json!("invalid-input"), &json!("table-name"))
    );
    let refused = results[2]["protocolError"].as_str().unwrap();
    assert!(refused.contains("delete-table"), "{refused}");
    let still = ok("list-tables", json!({"region": "me-south-1"}));
    assert!(still["TableNames"]
        .as_array()
        .unwrap()
        .contains(&json!("mcp-orders")));
}

#[test]
fn an_mcp_operator_may_expose_a_write_with_its_hints() {
    create_table("me-south-1", "mcp-writes", false);
    let calls = json!([["upsert-item", {"region": "me-south-1", "table-name": "mcp-writes",
        "value": {"id": 1, "note": "from a model"}, "value-types": {"id": "N", "note": "S"}}]]);
    let session = stdio_session(
        &[
            "--actions",
            "upsert-item,get-item,create-table,describe-backup",
        ],
        &calls,
    );
    assert_eq!(
        names(&session),
        ["upsert-item", "get-item", "create-table", "describe-backup"]
    );
    let tools = session["tools"].as_array().unwrap();
    let hints =
        |name: &str| tools.iter().find(|t| t["name"] == name).unwrap()["annotations"].clone();
    assert_eq!(
        hints("upsert-item")["destructiveHint"],
        true,
        "it overwrites"
    );
    assert_eq!(hints("upsert-item")["idempotentHint"], true);
    assert_eq!(
        hints("create-table")["destructiveHint"],
        false,
        "it only adds"
    );
    assert_eq!(hints("create-table")["idempotentHint"], false);
    let backup = hints("describe-backup");
    assert_eq!(
        backup["readOnlyHint"], true,
        "a read added after the first tools is read-only by its manifest entry"
    );
    assert_eq!(session["results"][0]["isError"], false, "{session}");
    let item = ok(
        "get-item",
        json!({"region": "me-south-1", "table-name": "mcp-writes", "hash-key-value": "1"}),
    );
    assert_eq!(item["Item"]["note"], "from a model");
}

#[test]
fn an_agent_calls_tools_without_the_pinned_region_from_a_tool_list_under_40_kb() {
    let region = "us-isof-south-1";
    create_table(region, "mcp-pinned", false);
    ok(
        "upsert-item",
        json!({"region": region, "table-name": "mcp-pinned", "value": {"id": 7, "note": "x"}}),
    );
    let calls = json!([
        ["list-tables", {}],
        ["query-items", {"table-name": "mcp-pinned", "key-condition": {"attr": "id", "eq": 7}}],
        ["list-tables", {"region": "eu-west-1"}],
    ]);
    let pin = format!("region={region}");
    let session = stdio_session(&["--pin", &pin], &calls);
    let tools = session["tools"].as_array().unwrap();
    let listed = serde_json::to_string(tools).unwrap().len();
    assert!(listed <= 40_000, "tools/list holds {listed} bytes");
    for tool in tools {
        let schema = &tool["inputSchema"];
        assert!(schema["properties"].get("region").is_none(), "{tool}");
        assert!(!schema["required"].to_string().contains("region"), "{tool}");
    }
    let text = std::fs::read_to_string(test_support::manifest()).unwrap();
    let manifest: toml::Value = toml::from_str(&text).unwrap();
    let mut guided = 0;
    for action in manifest["actions"].as_array().unwrap() {
        let Some(guide) = action.get("guide").and_then(|g| g.as_str()) else {
            continue;
        };
        let Some(tool) = tools
            .iter()
            .find(|t| t["name"] == action["key"].as_str().unwrap())
        else {
            continue;
        };
        assert!(
            tool["description"].as_str().unwrap().ends_with(guide),
            "{tool}"
        );
        guided += 1;
    }
    assert!(
        guided >= 9,
        "the default data tools carry their guides ({guided})"
    );
    let query = tools.iter().find(|t| t["name"] == "query-items").unwrap();
    let description = query["description"].as_str().unwrap();
    assert!(description.contains("key-condition") && description.contains("fetch-all"));
    let inputs = query["inputSchema"]["properties"].as_object().unwrap();
    assert!(
        inputs.contains_key("key-condition") && !inputs.contains_key("key-condition-expression")
    );
    let instructions = session["instructions"].as_str().unwrap();
    assert!(
        instructions.contains(&format!("region = \"{region}\"")),
        "{instructions}"
    );
    let results = session["results"].as_array().unwrap();
    assert_eq!(results[0]["isError"], false, "{session}");
    let tables = &results[0]["structuredContent"]["TableNames"];
    assert_eq!(*tables, json!(["mcp-pinned"]), "the pinned region's tables");
    assert_eq!(results[1]["structuredContent"]["Items"][0]["note"], "x");
    let refused = &results[2]["structuredContent"]["error"];
    assert_eq!(
        (&refused["kind"], &refused["field"]),
        (&json!("invalid-input"), &json!("region"))
    );
    assert!(refused["message"]
        .as_str()
        .unwrap()
        .contains("set by the operator"));
}

#[test]
fn an_unknown_action_in_the_allow_list_stops_the_server_naming_it() {
    let (code, stdout, _) = cli(
        &[
            "mcp",
            "--connection-env",
            "NO_SUCH_VAR_FOR_MCP",
            "--actions",
            "get-item",
        ],
        "",
    );
    assert_eq!(code, 1);
    assert!(stdout.contains("--connection-env"), "{stdout}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.json");
    std::fs::write(&file, plain_connection(moto()).to_string()).unwrap();
    let file = file.to_str().unwrap();
    let (code, stdout, _) = cli(&["mcp", "--connection", file, "--actions", "drop-all"], "");
    assert_eq!(code, 1);
    assert!(
        stdout.contains("--actions") && stdout.contains("drop-all"),
        "{stdout}"
    );
}

#[test]
fn the_service_serves_mcp_over_streamable_http_behind_its_token() {
    create_table("me-south-1", "mcp-http", false);
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "mcp-token-123456\n").unwrap();
    let server = Server::start_with_env(
        &[
            "--token-file",
            token_file.to_str().unwrap(),
            "--mcp-connection-env",
            "MCP_CONNECTION",
        ],
        &[("MCP_CONNECTION", plain_connection(moto()).to_string())],
    );
    let url = format!("{}/mcp", server.url);
    let calls = json!([["describe-table", {"region": "me-south-1", "table-name": "mcp-http"}],
        ["describe-table", {"region": "me-south-1", "table-name": "mcp-none"}]]);
    let session = client(&["http", &url, "mcp-token-123456"], &[], &calls);
    assert_eq!(names(&session), read_only_actions());
    let described = &session["results"][0]["structuredContent"]["Table"];
    assert_eq!(described["TableName"], "mcp-http");
    let missing = &session["results"][1];
    assert_eq!(missing["isError"], true);
    assert_eq!(
        missing["structuredContent"]["error"]["kind"],
        "resource-not-found"
    );
    let (status, answer) = server.post("/mcp", Some("wrong"), &json!({"jsonrpc": "2.0"}));
    assert_eq!(status, 401, "{answer}");
}

/// The status of a raw `POST /mcp` carrying `host` as its `Host` header.
fn status_with_host(server: &Server, host: &str) -> u16 {
    use std::io::Read as _;
    let address = server.url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;
    let request = format!(
        "POST /mcp HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    let status = answer.split_whitespace().nth(1).unwrap_or_default();
    status
        .parse()
        .unwrap_or_else(|_| panic!("no status in {answer:?}"))
}

#[test]
fn an_unguarded_loopback_mcp_endpoint_refuses_a_rebound_host_name() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("connection.json");
    std::fs::write(&file, plain_connection(moto()).to_string()).unwrap();
    let server = Server::start(&["--mcp-connection", file.to_str().unwrap()]);
    assert_eq!(status_with_host(&server, "rebound.attacker.example"), 403);
    let own = server.url.trim_start_matches("http://").to_string();
    assert_ne!(
        status_with_host(&server, &own),
        403,
        "its own address is served"
    );
}

/// `POST /mcp` of one JSON-RPC message (no session: the service keeps none): the status
/// and the answer's text.
pub(crate) fn mcp_post(server: &Server, message: &Value) -> (u16, String) {
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_mins(1)))
        .build()
        .new_agent();
    let mut response = agent
        .post(&format!("{}/mcp", server.url))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .send(message.to_string())
        .expect("an HTTP answer");
    let status = response.status().as_u16();
    (
        status,
        response.body_mut().read_to_string().unwrap_or_default(),
    )
}

#[test]
fn mcp_calls_take_the_services_slots_and_queue_and_steps_still_get_answers() {
    use test_support::{Fault, Proxy};
    let proxy = Proxy::start(moto());
    proxy.inject_on(
        "ListTables",
        (0..40).map(|_| Fault::Stall(std::time::Duration::from_secs(2))),
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("connection.json");
    std::fs::write(&file, plain_connection(proxy.url()).to_string()).unwrap();
    let server = Server::start(&[
        "--concurrency",
        "2",
        "--queue",
        "2",
        "--mcp-connection",
        file.to_str().unwrap(),
    ]);
    let call = |n: usize| {
        json!({"jsonrpc": "2.0", "id": n, "method": "tools/call",
               "params": {"name": "list-tables", "arguments": {"region": "eu-south-2"}}})
    };
    let (calls, steps) = std::thread::scope(|s| {
        let calls: Vec<_> = (0..12)
            .map(|n| {
                let (server, call) = (&server, &call);
                s.spawn(move || mcp_post(server, &call(n)))
            })
            .collect();
        std::thread::sleep(std::time::Duration::from_millis(500));
        let steps: Vec<_> = (0..4)
            .map(|_| {
                let server = &server;
                s.spawn(move || server.step(moto(), "list-tables", json!({"region": "eu-south-2"})))
            })
            .collect();
        let calls: Vec<_> = calls.into_iter().map(|c| c.join().unwrap()).collect();
        let steps: Vec<_> = steps.into_iter().map(|c| c.join().unwrap()).collect();
        (calls, steps)
    });
    let answered = calls.iter().filter(|(status, _)| *status == 200).count();
    let refused = calls.iter().filter(|(status, _)| *status == 503).count();
    eprintln!("12 slow MCP calls at --concurrency 2 --queue 2: {answered} answered, {refused} refused 503");
    assert_eq!(answered + refused, 12, "{calls:?}");
    assert!(answered <= 4, "at most the slots and the queue: {calls:?}");
    for (status, text) in calls.iter().filter(|(status, _)| *status == 200) {
        assert!(text.contains("TableNames"), "{status}: {text}");
    }
    for (status, answer) in &steps {
        assert!(
            *status == 200 || *status == 503,
            "a step while MCP held every slot: {status} {answer}"
        );
        if *status == 503 {
            assert_eq!(answer["error"]["kind"], "host", "{answer}");
        }
    }
}

#[test]
fn mcp_over_stdio_answers_framing_errors_and_never_echoes_a_long_tool_name() {
    use std::io::{BufRead, BufReader, Write};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("connection.json");
    std::fs::write(&file, plain_connection(moto()).to_string()).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_connector-host"))
        .args(["mcp", "--connection", file.to_str().unwrap()])
        .args(["--allow-endpoint", "127.0.0.1", "--component"])
        .arg(component())
        .arg("--manifest")
        .arg(test_support::manifest())
        .env("CONNECTOR_HOST_CACHE_DIR", cache_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let long = "x".repeat(1 << 20);
    let lines = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "test", "version": "1"}}})
        .to_string(),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string(),
        "this line is not JSON".to_string(),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": "list-tables"})
            .to_string(),
        json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call",
               "params": {"name": long, "arguments": {}}})
        .to_string(),
    ];
    let mut stdin = child.stdin.take().unwrap();
    for line in &lines {
        writeln!(stdin, "{line}").unwrap();
    }
    let mut answers = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut by_id = std::collections::BTreeMap::new();
    let mut parse_errors = 0;
    while by_id.len() < 3 || parse_errors < 1 {
        let line = answers.next().expect("an answer").unwrap();
        assert!(line.len() < 4096, "an answer of {} bytes", line.len());
        let answer: Value = serde_json::from_str(&line).unwrap();
        if answer["id"].is_null() {
            assert_eq!(answer["error"]["code"], -32700, "{answer}");
            parse_errors += 1;
        } else {
            by_id.insert(answer["id"].as_u64().unwrap(), answer);
        }
    }
    drop(stdin);
    child.wait().unwrap();
    assert_eq!(by_id[&2]["error"]["code"], -32600, "{}", by_id[&2]);
    let unknown = &by_id[&3];
    assert!(unknown["error"].is_object(), "{unknown}");
}
