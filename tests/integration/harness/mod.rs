//! Shared set-up for the integration tests: one host of the connector component (built
//! once per run by `test_support`), servers from `test_support`, and step helpers.

use connector_host::{Egress, Host, Options, StepError, StepStats};
use serde_json::{json, Value};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
mod server;

pub(crate) use server::Server;
pub(crate) use test_support::{
    cache_dir, component, dynalite, moto, slow_dynalite, workspace, Proxy,
};

/// A secret used by every test connection; no test output may contain it.
pub(crate) const SECRET: &str = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYSECRETKEY";
pub(crate) const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";

/// The egress allowance the tests' local servers need (IPv4 and IPv6 loopback).
pub(crate) fn loopback() -> Egress {
    Egress {
        allow: vec!["127.0.0.1".into(), "::1".into()],
        allow_any: false,
    }
}

/// A host of the connector component whose every answer is checked against the
/// connector's schemas (`test_support::contract`): its `run_step` and
/// `run_step_with_stats` shadow the host's, everything else is the host's.
pub(crate) struct Checked(Host);

impl std::ops::Deref for Checked {
    type Target = Host;
    fn deref(&self) -> &Host {
        &self.0
    }
}

impl Checked {
    pub(crate) fn run_step(&self, step: &Value) -> Result<Value, StepError> {
        self.run_step_with_stats(step).0
    }

    pub(crate) fn run_step_with_stats(
        &self,
        step: &Value,
    ) -> (Result<Value, StepError>, StepStats) {
        let (result, stats) = self.0.run_step_with_stats(step);
        check_result(step, &result);
        (result, stats)
    }
}

/// Check a step's result against its schemas (see [`Checked`]).
pub(crate) fn check_result(step: &Value, result: &Result<Value, StepError>) {
    let answer = match result {
        Ok(output) => output.clone(),
        Err(error) => error.to_json(),
    };
    test_support::contract::check_answer(step["action"].as_str(), &answer);
}

/// A host of the connector component with the tests' loopback allowance, after `adjust`.
pub(crate) fn new_host(adjust: impl FnOnce(&mut Options)) -> Checked {
    let mut options = Options {
        component: component().to_path_buf(),
        manifest: Some(test_support::manifest()),
        cache_dir: Some(cache_dir().to_path_buf()),
        egress: loopback(),
        ..Options::default()
    };
    adjust(&mut options);
    Checked(Host::new(options).expect("the host loads the component"))
}

/// The one host of this test process.
pub(crate) fn host() -> &'static Checked {
    static HOST: OnceLock<Checked> = OnceLock::new();
    HOST.get_or_init(|| new_host(|_| {}))
}

/// An access-key connection to `endpoint` (DynamoDB and DynamoDB Streams).
pub(crate) fn connection(endpoint: &str) -> Value {
    let mut connection = plain_connection(endpoint);
    connection["streams-endpoint-url"] = json!(endpoint);
    connection
}

/// An access-key connection with only a DynamoDB endpoint: the fields the hostile guest's
/// connection has, and one origin.
pub(crate) fn plain_connection(endpoint: &str) -> Value {
    json!({
        "type": "access-key",
        "access-key-id": ACCESS_KEY,
        "secret-access-key": SECRET,
        "endpoint-url": endpoint,
    })
}

/// Run `action` with `input` against moto through the host library.
pub(crate) fn step(action: &str, input: Value) -> Result<Value, StepError> {
    step_at(moto(), action, input)
}

/// Run `action` with `input` against the server at `endpoint` through the host library.
pub(crate) fn step_at(endpoint: &str, action: &str, input: Value) -> Result<Value, StepError> {
    host().run_step(&json!({"connection": connection(endpoint), "action": action, "input": input}))
}

/// Like [`step`], but the step must succeed.
pub(crate) fn ok(action: &str, input: Value) -> Value {
    step(action, input.clone()).unwrap_or_else(|e| panic!("{action} {input} failed: {e:?}"))
}

/// Like [`step`], but the step must fail; returns its error.
pub(crate) fn fails(action: &str, input: Value) -> StepError {
    let result = step(action, input.clone());
    let error = result.expect_err(&format!("{action} {input} should fail"));
    assert!(
        !format!("{error:?}").contains(SECRET),
        "an error leaks the secret"
    );
    error
}

/// The `create-table` input of a simple table: a numeric hash key `id` (and a string range
/// key `sk` when asked).
pub(crate) fn simple_table(region: &str, name: &str, range: bool) -> Value {
    let mut defs = vec![json!({"AttributeName": "id", "AttributeType": "N"})];
    let mut keys = vec![json!({"AttributeName": "id", "KeyType": "HASH"})];
    if range {
        defs.push(json!({"AttributeName": "sk", "AttributeType": "S"}));
        keys.push(json!({"AttributeName": "sk", "KeyType": "RANGE"}));
    }
    json!({"region": region, "table-name": name, "attribute-definitions": defs, "key-schema": keys})
}

/// [`simple_table`] on `endpoint`, on demand, ACTIVE before the step returns (dynalite
/// creates tables asynchronously).
pub(crate) fn create_active_table(endpoint: &str, region: &str, name: &str, range: bool) {
    let mut input = simple_table(region, name, range);
    input["billing-mode"] = json!("PAY_PER_REQUEST");
    input["wait"] = json!(true);
    step_at(endpoint, "create-table", input).unwrap_or_else(|e| panic!("create {name}: {e:?}"));
}

/// A simple table on moto (see [`simple_table`]).
pub(crate) fn create_table(region: &str, name: &str, range: bool) -> Value {
    ok("create-table", simple_table(region, name, range))
}

/// Run the `connector-host` CLI with `args`, feeding `stdin`; returns (exit code, stdout, stderr).
/// With `$CONNECTOR_COMPONENT` set (another build under test) and no `--component` in
/// `args`, the CLI is pointed at that component and the workspace's manifest.
pub(crate) fn cli(args: &[&str], stdin: &str) -> (i32, String, String) {
    use std::io::Write;
    let (verb, rest) = args
        .split_first()
        .map_or((&[][..], args), |(v, r)| (std::slice::from_ref(v), r));
    let mut command = Command::new(env!("CARGO_BIN_EXE_connector-host"));
    command.args(verb).args(["--allow-endpoint", "127.0.0.1"]);
    if std::env::var_os("CONNECTOR_COMPONENT").is_some() && !args.contains(&"--component") {
        command.arg("--component").arg(component());
        command.arg("--manifest").arg(test_support::manifest());
    }
    let mut child = command
        .args(rest)
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
    let (code, stdout) = (out.status.code().unwrap_or(-1), text(out.stdout));
    if verb == ["step"] && matches!(code, 0 | 1) {
        check_printed_step(rest, stdin, &stdout);
    }
    if verb == ["flow"] && rest.contains(&"--json") && code == 0 {
        let record: Value = serde_json::from_str(&stdout).expect("the CLI prints JSON");
        check_flow_steps(record.as_array().expect("an array of steps"));
    }
    (code, stdout, text(out.stderr))
}

/// Check every step output of a flow's record (`[{"name", "action", "output"}]`).
pub(crate) fn check_flow_steps(steps: &[Value]) {
    for step in steps {
        test_support::contract::check_answer(step["action"].as_str(), &step["output"]);
    }
}

/// Check what `connector-host step ARGS` printed against its schemas: the step comes from
/// standard input (`-`) or the file named last.
fn check_printed_step(args: &[&str], stdin: &str, stdout: &str) {
    let source = match args.last() {
        Some(&"-") => stdin.to_string(),
        Some(path) => std::fs::read_to_string(path).unwrap_or_default(),
        None => String::new(),
    };
    let step: Value = serde_json::from_str(&source).unwrap_or(Value::Null);
    let answer: Value = serde_json::from_str(stdout).expect("the CLI prints JSON");
    test_support::contract::check_answer(step["action"].as_str(), &answer);
}

/// Run a Python snippet with boto3 (moto's own dependency) as an independent `DynamoDB`
/// client against the moto server; `client` is a low-level boto3 client. The snippet sets
/// `result`, printed as JSON (DynamoDB-typed, bytes as base64).
pub(crate) fn boto(region: &str, snippet: &str) -> Value {
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
    let out = Command::new(test_support::moto_python())
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

/// `base` (a JSON object) with the members of `changes` set over it.
pub(crate) fn merged(base: &Value, changes: Value) -> Value {
    let mut input = base.clone();
    for (k, v) in changes.as_object().into_iter().flatten() {
        input[k] = v.clone();
    }
    input
}

/// A small seeded generator (xorshift64*): reproducible without a dependency.
pub(crate) struct Rng(pub u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).expect("below n")
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Send the process `pid` SIGTERM.
pub(crate) fn sigterm(pid: u32) {
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    assert!(sent.unwrap().success(), "SIGTERM sent to {pid}");
}
