//! `connector-host serve`: a real `serve` process, called over HTTP with a real client,
//! against moto (and a fault proxy): status mappings, authentication, the body limit, the
//! concurrency limit, graceful shutdown with steps in flight, and load.

use crate::harness::*;
use serde_json::{json, Value};
use std::process::Command;
use std::time::Duration;
use test_support::{Fault, Proxy};

#[test]
fn eight_error_kinds_reached_through_serve_get_their_statuses() {
    let server = Server::start(&["--step-timeout", "5"]);
    let region = "eu-south-2";
    create_table(region, "served", false);
    let (status, out) = server.step(moto(), "list-tables", json!({"region": region}));
    assert_eq!((status, out["TableNames"].is_array()), (200, true), "{out}");
    let upsert = json!({"region": region, "table-name": "served", "value": {"id": 1}, "value-types": {"id": "N"},
                        "condition-expression": "attribute_not_exists(id)"});
    assert_eq!(server.step(moto(), "upsert-item", upsert.clone()).0, 200);
    let proxy = Proxy::start(moto());
    let missing = json!({"region": region, "table-name": "nowhere"});
    let list = json!({"region": region});
    let cases = [
        (
            vec![],
            "list-tables",
            json!({"region": ""}),
            400,
            "invalid-input",
        ),
        (
            vec![],
            "upsert-item",
            upsert.clone(),
            409,
            "conditional-check-failed",
        ),
        (vec![], "describe-table", missing, 404, "resource-not-found"),
        (
            vec![Fault::Throttle, Fault::Throttle, Fault::Throttle],
            "list-tables",
            list.clone(),
            429,
            "throttled",
        ),
        (
            vec![Fault::Refuse("AccessDeniedException")],
            "list-tables",
            list.clone(),
            403,
            "access-denied",
        ),
        (
            vec![Fault::Stall(Duration::from_secs(10))],
            "list-tables",
            list.clone(),
            504,
            "timeout",
        ),
        (
            vec![Fault::Refuse("InternalFailure")],
            "list-tables",
            list.clone(),
            502,
            "service",
        ),
    ];
    for (faults, action, input, status, kind) in cases {
        proxy.inject_on("ListTables", faults);
        let (got, out) = server.step(proxy.url(), action, input);
        assert_eq!(
            (got, out["error"]["kind"].as_str()),
            (status, Some(kind)),
            "{out}"
        );
    }
    let closed = format!("http://127.0.0.1:{}", test_support::free_port());
    let (status, out) = server.step(&closed, "list-tables", json!({"region": region}));
    assert_eq!(
        (status, out["error"]["kind"].as_str()),
        (502, Some("network")),
        "{out}"
    );
}

#[test]
fn a_trapping_guest_is_500() {
    let hostile = test_support::hostile_guest().to_path_buf();
    let manifest = workspace().join("tests/hostile-guest/connector.toml");
    let (component, manifest) = (hostile.to_str().unwrap(), manifest.to_str().unwrap());
    let server = Server::start(&["--component", component, "--manifest", manifest]);
    let crash = json!({"connection": plain_connection(moto()), "action": "crash", "input": {"region": "us-east-1"}});
    let (status, out) = server.post("/v1/steps", None, &crash);
    assert_eq!(
        (status, out["error"]["kind"].as_str()),
        (500, Some("trap")),
        "{out}"
    );
}

#[test]
fn a_token_is_required_when_configured() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, "s3rvice-token-for-tests\n").unwrap();
    let server = Server::start(&["--token-file", file.to_str().unwrap()]);
    let step = json!({"connection": connection(moto()), "action": "list-tables", "input": {"region": "eu-south-2"}});
    assert_eq!(server.post("/v1/steps", None, &step).0, 401);
    assert_eq!(
        server
            .post("/v1/steps", Some("wrong-token-of-same-len"), &step)
            .0,
        401
    );
    assert_eq!(
        server
            .post("/v1/steps", Some("s3rvice-token-for-tests"), &step)
            .0,
        200
    );
    assert_eq!(server.get("/healthz").0, 200, "probes need no token");
}

#[test]
fn the_bearer_scheme_is_case_insensitive() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, "s3rvice-token-for-tests\n").unwrap();
    let server = Server::start(&["--token-file", file.to_str().unwrap()]);
    let step = json!({"connection": connection(moto()), "action": "list-tables", "input": {"region": "eu-south-2"}});
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let authorization = format!("{scheme} s3rvice-token-for-tests");
        let (status, out) = server.post_authorized("/v1/steps", Some(&authorization), &step);
        assert_eq!(status, 200, "{scheme}: {out}");
    }
    let wrong = server.post_authorized("/v1/steps", Some("Basic s3rvice-token-for-tests"), &step);
    assert_eq!(wrong.0, 401, "another scheme is refused");
}

#[test]
fn a_public_address_without_a_token_refuses_to_start_unless_allowed() {
    let component = component().to_str().unwrap().to_string();
    let manifest = test_support::manifest();
    let listen = format!("0.0.0.0:{}", test_support::free_port());
    let args = [
        "serve",
        "--listen",
        &listen,
        "--component",
        &component,
        "--manifest",
        manifest.to_str().unwrap(),
    ];
    let mut refused = Command::new(env!("CARGO_BIN_EXE_connector-host"))
        .args(args)
        .env("CONNECTOR_HOST_CACHE_DIR", cache_dir())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let exit = (0..400).find_map(|_| {
        std::thread::sleep(Duration::from_millis(50));
        refused.try_wait().unwrap()
    });
    if exit.is_none() {
        let _ = refused.kill();
    }
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut refused.stdout.take().unwrap(), &mut stdout).unwrap();
    assert_eq!(
        exit.and_then(|e| e.code()),
        Some(1),
        "refuses at once: {stdout}"
    );
    assert!(stdout.contains("--allow-unauthenticated"), "{stdout}");
    let mut allowed = Command::new(env!("CARGO_BIN_EXE_connector-host"))
        .args(args)
        .arg("--allow-unauthenticated")
        .env("CONNECTOR_HOST_CACHE_DIR", cache_dir())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let port = listen.rsplit(':').next().unwrap();
    let reached = (0..400).any(|_| {
        std::thread::sleep(Duration::from_millis(25));
        std::net::TcpStream::connect(format!("127.0.0.1:{port}")).is_ok()
    });
    let _ = allowed.kill();
    let _ = allowed.wait();
    assert!(reached, "with --allow-unauthenticated it serves");
}

#[test]
fn a_body_over_the_limit_is_413() {
    let server = Server::start(&["--max-body-bytes", "1024"]);
    let big = json!({"connection": connection(moto()), "action": "list-tables",
                     "input": {"region": "x".repeat(2048)}});
    assert_eq!(server.post("/v1/steps", None, &big).0, 413);
}

#[test]
fn more_parallel_requests_than_slots_and_queue_get_503() {
    let server = Server::start(&["--concurrency", "1", "--queue", "1"]);
    let proxy = Proxy::start(moto());
    proxy.inject_on(
        "ListTables",
        [
            Fault::Stall(Duration::from_secs(2)),
            Fault::Stall(Duration::from_secs(2)),
        ],
    );
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let calls: Vec<_> = (0..3)
            .map(|i| {
                let (server, proxy) = (&server, &proxy);
                s.spawn(move || {
                    std::thread::sleep(Duration::from_millis(200 * i));
                    server
                        .step(proxy.url(), "list-tables", json!({"region": "eu-south-2"}))
                        .0
                })
            })
            .collect();
        calls.into_iter().map(|c| c.join().unwrap()).collect()
    });
    let mut sorted = statuses.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [200, 200, 503],
        "one runs, one waits, one is turned away"
    );
}

#[test]
fn sigterm_lets_the_steps_in_flight_finish() {
    let mut server = Server::start(&[]);
    let proxy = Proxy::start(moto());
    proxy.inject_on(
        "ListTables",
        (0..4).map(|_| Fault::Stall(Duration::from_secs(2))),
    );
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let calls: Vec<_> = (0..4)
            .map(|_| {
                let (server, proxy) = (&server, &proxy);
                s.spawn(move || {
                    server
                        .step(proxy.url(), "list-tables", json!({"region": "eu-south-2"}))
                        .0
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(700));
        server.terminate();
        calls.into_iter().map(|c| c.join().unwrap()).collect()
    });
    assert_eq!(statuses, [200, 200, 200, 200], "no step in flight was lost");
    let exit = server.0.child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    let lines = server.log_lines();
    assert!(
        lines.iter().any(|l| l.contains("shutting down")),
        "{lines:?}"
    );
    assert!(
        lines.iter().all(|l| !l.contains(SECRET)),
        "no secret in the logs"
    );
}

#[test]
fn a_thousand_steps_over_16_connections_all_succeed() {
    let server = Server::start(&[]);
    let region = "eu-south-2";
    let failures: usize = std::thread::scope(|s| {
        let workers: Vec<_> = (0..16)
            .map(|_| {
                let server = &server;
                s.spawn(move || {
                    (0..=(1000 / 16))
                        .filter(|_| {
                            server
                                .step(moto(), "list-tables", json!({"region": region}))
                                .0
                                != 200
                        })
                        .count()
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    assert_eq!(failures, 0);
    let (status, metrics) = server.get("/metrics");
    assert_eq!(status, 200);
    let ok_steps = metrics
        .lines()
        .find(|l| {
            l.starts_with("connector_steps_total{")
                && l.contains("action=\"list-tables\"")
                && l.contains("outcome=\"ok\"")
        })
        .and_then(|l| l.rsplit(' ').next()?.parse::<u64>().ok());
    assert_eq!(ok_steps, Some(16 * (1000 / 16 + 1)), "{metrics}");
    let (status, actions) = server.get("/v1/actions");
    assert_eq!(status, 200);
    let actions: Value = serde_json::from_str(&actions).unwrap();
    assert!(actions["signatures"]["list-tables"].is_object());
    assert_eq!(server.get("/readyz").0, 200);
}

#[test]
fn every_error_kind_of_the_component_has_a_status() {
    let kinds = host().error_kinds();
    for kind in [
        "invalid-input",
        "outcome-unknown",
        "transaction-canceled",
        "trap",
        "limit",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
    let missing = connector_host::status::kinds_without_status(host());
    assert!(missing.is_empty(), "no status for {missing:?}");
}
