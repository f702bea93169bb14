//! The deployment image as docs/deployment.md lays it out: a folder made from the
//! page's Dockerfile (its `COPY` lines, read from the page) runs `serve` with the
//! arguments of `deploy/connector-host.yaml`, and every route that reads the shipped files
//! answers — the OpenAPI document, an action's schemas, and the MCP tools.

use crate::harness::*;
use serde_json::json;
use std::path::{Path, PathBuf};

/// The `COPY SOURCES... DEST` lines of the page's Dockerfile block.
fn copies() -> Vec<(Vec<String>, String)> {
    let page = std::fs::read_to_string(workspace().join("docs/deployment.md")).unwrap();
    let block = page
        .split("```dockerfile")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/deployment.md has a Dockerfile block");
    block
        .lines()
        .filter_map(|line| line.strip_prefix("COPY "))
        .map(|line| {
            let mut words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
            let dest = words.pop().unwrap();
            (words, dest)
        })
        .collect()
}

/// Where a source of the image comes from in this build: the host and the component under
/// test for the built files, the workspace for the rest.
fn source(path: &str) -> PathBuf {
    match path {
        "target/host/connector-host" => PathBuf::from(env!("CARGO_BIN_EXE_connector-host")),
        "target/dist/dynamodb_connector.wasm" => component().to_path_buf(),
        other => workspace().join(other),
    }
}

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
    }
}

#[test]
fn serve_runs_from_the_image_laid_out_as_the_deployment_page_says() {
    let root = tempfile::tempdir().unwrap();
    for (sources, dest) in copies() {
        for from in &sources {
            let from = source(from);
            let target = root.path().join(dest.trim_start_matches('/'));
            let to = if dest.ends_with('/') {
                target.join(from.file_name().unwrap())
            } else {
                target
            };
            copy(&from, &to);
        }
    }
    let app = root.path().join("app");
    let binary = root.path().join("usr/local/bin/connector-host");
    assert!(binary.is_file(), "the page copies the host");
    let connection = root.path().join("connection.json");
    std::fs::write(&connection, plain_connection(moto()).to_string()).unwrap();
    let server = Server::start_binary(
        &binary,
        &[
            &format!(
                "--component={}",
                app.join("dynamodb_connector.wasm").display()
            ),
            &format!("--manifest={}", app.join("connector.toml").display()),
            &format!("--mcp-connection={}", connection.display()),
        ],
    );
    let (status, body) = server.get("/openapi.json");
    assert_eq!(status, 200, "{body}");
    let (status, body) = server.get("/v1/actions/get-item");
    assert_eq!(status, 200, "{body}");
    let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"});
    let (status, body) = crate::host::mcp::mcp_post(&server, &list);
    assert_eq!(status, 200, "{body}");
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    let tools = body["result"]["tools"].as_array();
    assert!(tools.is_some_and(|t| !t.is_empty()), "{body}");
}
