//! The sandbox, proven with a hostile test-only guest (`tests/hostile-guest`): other hosts,
//! ports and private addresses are refused; files, environment and sockets are absent; a
//! crash or an endless loop fails its step and the host goes on serving.

use crate::harness::*;
use connector_host::{Host, Limits, Options, Reuse, StepError};
use serde_json::{json, Value};
use std::sync::OnceLock;
use std::time::Duration;

/// The hostile guest with its own manifest (its own interface; one connection type that may
/// reach only the step's `endpoint-url`), shared by the tests.
fn hostile() -> &'static Host {
    static HOST: OnceLock<Host> = OnceLock::new();
    HOST.get_or_init(|| new_hostile(Reuse::default()))
}

/// A host of the hostile guest that keeps instances and state as `reuse` says.
fn new_hostile(reuse: Reuse) -> Host {
    let component = test_support::hostile_guest().to_path_buf();
    Host::new(Options {
        component,
        manifest: Some(workspace().join("tests/hostile-guest/connector.toml")),
        cache_dir: Some(cache_dir().to_path_buf()),
        egress: loopback(),
        limits: Limits {
            timeout: Duration::from_secs(3),
            memory_bytes: 64 << 20,
            ..Limits::default()
        },
        reuse,
        ..Options::default()
    })
    .expect("the host loads the hostile guest")
}

fn run(action: &str, input: Value) -> Result<Value, StepError> {
    hostile().run_step(
        &json!({"connection": plain_connection(moto()), "action": action, "input": input}),
    )
}

fn fetch(url: &str) -> Result<Value, StepError> {
    run("fetch", json!({"region": "us-east-1", "url": url}))
}

#[test]
fn the_connections_own_endpoint_is_reachable() {
    let reached = fetch(&format!("{}/", moto())).expect("the endpoint is allowed");
    assert!(reached["status"].as_u64().is_some());
}

#[test]
fn other_destinations_are_refused_and_reported() {
    let other_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let moto_port = moto().rsplit(':').next().unwrap();
    for (url, origin) in [
        (
            format!("http://127.0.0.1:{other_port}/"),
            format!("http://127.0.0.1:{other_port}"),
        ),
        (
            format!("https://127.0.0.1:{moto_port}/"),
            format!("https://127.0.0.1:{moto_port}"),
        ),
        (
            format!("http://localhost:{moto_port}/"),
            format!("http://localhost:{moto_port}"),
        ),
        ("http://10.0.0.1/".into(), "http://10.0.0.1:80".into()),
        (
            "http://169.254.169.254/latest/meta-data/".into(),
            "http://169.254.169.254:80".into(),
        ),
        (
            "https://example.com/".into(),
            "https://example.com:443".into(),
        ),
    ] {
        let error = fetch(&url).expect_err(&url);
        assert_eq!(error.kind, "network", "{url}: {error:?}");
        let refused = format!(
            "the host refused POST {origin} (not an endpoint of this connection: set the \
             connection's endpoint URL to reach another origin)"
        );
        assert!(error.message.contains(&refused), "{url}: {error:?}");
    }
}

#[test]
fn no_files_environment_or_sockets() {
    let found = run("probe", json!({"region": "us-east-1"})).unwrap();
    assert!(
        found["root-dir"].as_str().unwrap().starts_with("Err"),
        "{found}"
    );
    assert!(
        found["passwd"].as_str().unwrap().starts_with("Err"),
        "{found}"
    );
    assert_eq!(found["env-vars"], 0);
    assert!(
        found["socket"].as_str().unwrap().starts_with("Err"),
        "{found}"
    );
}

#[test]
fn a_crash_fails_the_step_and_the_host_goes_on() {
    let error = run("crash", json!({"region": "us-east-1"})).unwrap_err();
    assert_eq!(error.kind, "trap");
    assert!(error.message.contains("panics on purpose"), "{error:?}");
    assert!(fetch(&format!("{}/", moto())).is_ok(), "the next step runs");
}

#[test]
fn an_endless_loop_hits_the_deadline_and_the_host_goes_on() {
    let error = run("spin", json!({"region": "us-east-1"})).unwrap_err();
    assert_eq!(error.kind, "timeout");
    assert!(fetch(&format!("{}/", moto())).is_ok(), "the next step runs");
}

#[test]
fn a_kept_instance_never_serves_another_connection() {
    let host = new_hostile(Reuse::default());
    let remember = |key: &str, secret: &str| remember(&host, key, secret);
    assert_eq!(remember("AKIDFIRST", "first-secret"), json!([]));
    assert_eq!(remember("AKIDSECOND", "second-secret"), json!([]));
    // The same connection again: its kept instance (what it left there is its own).
    assert_eq!(remember("AKIDFIRST", "first-secret"), json!(["AKIDFIRST"]));
    assert_eq!(
        remember("AKIDSECOND", "second-secret"),
        json!(["AKIDSECOND"])
    );
    // The same key ID with another secret is another connection: a fresh instance.
    assert_eq!(remember("AKIDFIRST", "other-secret"), json!([]));
}

/// The hostile guest's `remember` step for the connection of `key` and `secret`: the keys
/// its instance remembered before.
fn remember(host: &Host, key: &str, secret: &str) -> Value {
    let connection = json!({"type": "access-key", "access-key-id": key,
                            "secret-access-key": secret, "endpoint-url": moto()});
    let step =
        json!({"connection": connection, "action": "remember", "input": {"region": "us-east-1"}});
    host.run_step(&step).unwrap()
}

#[test]
fn kept_state_goes_back_only_to_the_connection_that_left_it() {
    // One kept instance: each step of the other connection evicts it, and its state (all
    // the hostile guest remembered, handed over by `save`) is all that is left of it.
    let host = new_hostile(Reuse {
        max_instances: 1,
        ..Reuse::default()
    });
    assert_eq!(remember(&host, "AKIDFIRST", "first-secret"), json!([]));
    assert_eq!(remember(&host, "AKIDSECOND", "second-secret"), json!([]));
    assert_eq!(host.kept_states().0, 2, "both left state");
    // A fresh instance of the first connection gets its own state back, and only that.
    assert_eq!(
        remember(&host, "AKIDFIRST", "first-secret"),
        json!(["AKIDFIRST"])
    );
    assert_eq!(
        remember(&host, "AKIDSECOND", "second-secret"),
        json!(["AKIDSECOND"])
    );
    // The same key ID with another secret is another connection: nothing comes back.
    assert_eq!(remember(&host, "AKIDFIRST", "other-secret"), json!([]));
}

#[test]
fn the_connector_reports_a_refused_request_once_without_retrying_it() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("connector.toml");
    let text = std::fs::read_to_string(test_support::manifest()).unwrap();
    let own_endpoint = "[[connections.endpoints]]\nfield = \"endpoint-url\"\n";
    assert!(text.contains(own_endpoint));
    // The access-key connection may reach only its default endpoint, so the step's
    // endpoint-url (the proxy) is not one of its endpoints.
    std::fs::write(
        &manifest,
        text.replacen(own_endpoint, "[[connections.endpoints]]\n", 1),
    )
    .unwrap();
    let host = new_host(|options| options.manifest = Some(manifest));
    let proxy = Proxy::start(moto());
    let step = json!({"connection": plain_connection(proxy.url()), "action": "list-tables",
                      "input": {"region": "us-east-1"}});
    let (result, stats) = host.run_step_with_stats(&step);
    let error = result.expect_err("the request is refused");
    assert_eq!(error.kind, "network", "{error:?}");
    assert!(error.message.contains("the host refused POST"), "{error:?}");
    assert_eq!(
        stats.refused_requests, 1,
        "refused once, not retried: {error:?}"
    );
    assert!(proxy.operations().is_empty(), "nothing reached the server");
}
