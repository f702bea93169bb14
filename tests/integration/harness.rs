//! Shared set-up for the integration tests: the component built once per run, one host,
//! and a moto server on a free port that stops when the test process ends.

use connector_host::{Host, Options, StepError};
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A secret used by every test connection; no test output may contain it.
pub const SECRET: &str = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYSECRETKEY";
pub const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";

pub fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Cargo's target directory (`CARGO_TARGET_DIR` when set).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"))
}

/// Build the component once per test run (release, wasm32-wasip2).
pub fn component() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--release", "--target", "wasm32-wasip2", "--lib"])
            .current_dir(workspace())
            .status()
            .expect("cargo runs");
        assert!(status.success(), "the component builds");
        target_dir().join("wasm32-wasip2/release/dynamodb_connector.wasm")
    })
}

/// A compile-cache directory private to this test run.
pub fn cache_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
        .path()
}

/// The one host of this test process.
pub fn host() -> &'static Host {
    static HOST: OnceLock<Host> = OnceLock::new();
    HOST.get_or_init(|| {
        Host::new(Options {
            component: component().to_path_buf(),
            cache_dir: Some(cache_dir().to_path_buf()),
            ..Options::default()
        })
        .expect("the host loads the component")
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn wait_for_port(port: u16, what: &str) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{what} did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Start `program args` in the background, killed as soon as this test process exits.
/// The watchdog shell outlives every test, so nothing waits for it.
#[allow(clippy::zombie_processes)]
fn spawn_tied_to_us(program: &Path, args: &[String]) {
    assert!(
        program.exists(),
        "{} is missing: run the README's test command, which installs it",
        program.display()
    );
    let script = r#"prog="$1"; shift; "$prog" "$@" >/dev/null 2>&1 & child=$!
        while kill -0 "$PARENT" 2>/dev/null; do sleep 0.5; done; kill "$child""#;
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg("sh")
        .arg(program)
        .args(args)
        .env("PARENT", std::process::id().to_string())
        .stdin(Stdio::null())
        .spawn()
        .expect("the server starts");
}

/// The endpoint of a moto server shared by the tests of this process.
pub fn moto() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let port = free_port();
        let program = std::env::var_os("MOTO_SERVER")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace().join(".venv/bin/moto_server"));
        spawn_tied_to_us(
            &program,
            &[
                "-H".into(),
                "127.0.0.1".into(),
                "-p".into(),
                port.to_string(),
            ],
        );
        wait_for_port(port, "moto");
        format!("http://127.0.0.1:{port}")
    })
}

/// The endpoint of a dynalite server (stricter validation, no PartiQL) shared by the tests.
pub fn dynalite() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let port = free_port();
        let script = workspace().join("node_modules/dynalite/cli.js");
        assert!(
            script.exists(),
            "dynalite is missing: run the README's test command, which installs it"
        );
        let args: Vec<String> = [
            script.to_str().unwrap(),
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--createTableMs",
            "0",
            "--deleteTableMs",
            "0",
            "--updateTableMs",
            "0",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        spawn_tied_to_us(
            Path::new("/usr/bin/env"),
            &[vec!["node".to_string()], args].concat(),
        );
        wait_for_port(port, "dynalite");
        format!("http://127.0.0.1:{port}")
    })
}

/// An access-key connection to `endpoint`.
pub fn connection(endpoint: &str) -> Value {
    json!({
        "type": "access-key",
        "access-key-id": ACCESS_KEY,
        "secret-access-key": SECRET,
        "endpoint-url": endpoint,
    })
}

/// Run `action` with `input` against moto through the host library.
pub fn step(action: &str, input: Value) -> Result<Value, StepError> {
    host().run_step(&json!({"connection": connection(moto()), "action": action, "input": input}))
}

/// Like [`step`], but the step must succeed.
pub fn ok(action: &str, input: Value) -> Value {
    step(action, input.clone()).unwrap_or_else(|e| panic!("{action} {input} failed: {e:?}"))
}

/// Like [`step`], but the step must fail; returns its error.
pub fn fails(action: &str, input: Value) -> StepError {
    let result = step(action, input.clone());
    let error = result.expect_err(&format!("{action} {input} should fail"));
    assert!(
        !format!("{error:?}").contains(SECRET),
        "an error leaks the secret"
    );
    error
}

/// A simple table with a numeric hash key `id` (and a string range key `sk` when asked).
pub fn create_table(region: &str, name: &str, range: bool) -> Value {
    let mut defs = vec![json!({"AttributeName": "id", "AttributeType": "N"})];
    let mut keys = vec![json!({"AttributeName": "id", "KeyType": "HASH"})];
    if range {
        defs.push(json!({"AttributeName": "sk", "AttributeType": "S"}));
        keys.push(json!({"AttributeName": "sk", "KeyType": "RANGE"}));
    }
    ok(
        "create-table",
        json!({"region": region, "table-name": name, "attribute-definitions": defs, "key-schema": keys}),
    )
}

/// Run the `connector-host` CLI with `args`, feeding `stdin`; returns (exit code, stdout, stderr).
pub fn cli(args: &[&str], stdin: &str) -> (i32, String, String) {
    use std::io::Write;
    let exe = target_dir().join("debug/connector-host");
    assert!(
        exe.exists(),
        "build the CLI first: cargo build -p connector-host"
    );
    let mut child = Command::new(exe)
        .args(args)
        .env("CONNECTOR_HOST_CACHE_DIR", cache_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the CLI starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().expect("the CLI ends");
    let text = |b: Vec<u8>| String::from_utf8(b).expect("UTF-8 output");
    (
        out.status.code().unwrap_or(-1),
        text(out.stdout),
        text(out.stderr),
    )
}

/// Run a Python snippet with boto3 (moto's own dependency) as an independent DynamoDB
/// client against the moto server; `client` is a low-level boto3 client. The snippet sets
/// `result`, printed as JSON (DynamoDB-typed, bytes as base64).
pub fn boto(region: &str, snippet: &str) -> Value {
    let program = format!(
        r#"
import base64, json, boto3
client = boto3.client("dynamodb", region_name={region:?}, endpoint_url={endpoint:?},
                      aws_access_key_id="AKIDBOTO", aws_secret_access_key="boto-secret")
result = None
{snippet}
def enc(o):
    if isinstance(o, (bytes, bytearray)):
        return base64.b64encode(o).decode()
    if isinstance(o, set):
        return sorted(o)
    raise TypeError(type(o))
print(json.dumps(result, default=enc))
"#,
        endpoint = moto()
    );
    let out = Command::new(workspace().join(".venv/bin/python"))
        .arg("-c")
        .arg(program)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "boto3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON from boto3")
}
