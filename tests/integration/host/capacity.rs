//! What the host holds per step: instance slots sized from the steps run at once plus the
//! kept instances (and a capacity limit reported as the host's, never as a trap), kept
//! instances that follow their connection across the service's threads (one `AssumeRole`
//! per tenant), and memory that a large body costs only once its step has a slot.

use crate::harness::*;
use serde_json::{json, Value};
use std::time::Duration;
use test_support::{Fault, Proxy};

/// An access-key connection to `endpoint` whose key id makes it a connection of its own.
fn tenant(endpoint: &str, n: usize) -> Value {
    let mut connection = connection(endpoint);
    connection["access-key-id"] = json!(format!("AKIATENANT{n:06}"));
    connection
}

/// Run `count` steps at once through `server`, each a `list-tables` of its own
/// connection (through `proxy`); their statuses and answers.
fn at_once(server: &Server, proxy: &Proxy, count: usize) -> Vec<(u16, Value)> {
    std::thread::scope(|s| {
        let calls: Vec<_> = (0..count)
            .map(|n| {
                s.spawn(move || {
                    let step = json!({"connection": tenant(proxy.url(), n), "action": "list-tables",
                                      "input": {"region": "eu-south-2"}});
                    server.post("/v1/steps", None, &step)
                })
            })
            .collect();
        calls.into_iter().map(|c| c.join().unwrap()).collect()
    })
}

#[test]
fn eighty_steps_at_once_after_sixteen_kept_instances_all_get_a_slot() {
    let server = Server::start(&["--concurrency", "80", "--queue", "0"]);
    let proxy = Proxy::start(moto());
    let kept = at_once(&server, &proxy, 16);
    assert!(kept.iter().all(|(status, _)| *status == 200), "{kept:?}");
    proxy.inject_on(
        "ListTables",
        (0..80).map(|_| Fault::Stall(Duration::from_secs(1))),
    );
    let answers = at_once(&server, &proxy, 80);
    let failed: Vec<_> = answers
        .iter()
        .filter(|(status, _)| *status != 200)
        .collect();
    assert!(
        failed.is_empty(),
        "{} of 80 failed: {:?}",
        failed.len(),
        failed.first()
    );
}

#[test]
fn steps_beyond_the_pooled_slots_fail_as_the_hosts_capacity_not_a_trap() {
    let host = new_host(|options| options.pooled_steps = 2);
    let proxy = Proxy::start(moto());
    proxy.inject_on(
        "ListTables",
        (0..4).map(|_| Fault::Stall(Duration::from_secs(2))),
    );
    let results: Vec<_> = std::thread::scope(|s| {
        let calls: Vec<_> = (0..4)
            .map(|n| {
                let (host, proxy) = (&host, &proxy);
                s.spawn(move || {
                    host.run_step(
                        &json!({"connection": tenant(proxy.url(), n), "action": "list-tables",
                                          "input": {"region": "eu-south-2"}}),
                    )
                })
            })
            .collect();
        calls.into_iter().map(|c| c.join().unwrap()).collect()
    });
    let kinds: Vec<String> = results
        .iter()
        .map(|r| {
            r.as_ref()
                .map_or_else(|e| e.kind.to_string(), |_| "ok".into())
        })
        .collect();
    assert_eq!(kinds.iter().filter(|k| *k == "ok").count(), 2, "{kinds:?}");
    assert_eq!(
        kinds.iter().filter(|k| *k == "host").count(),
        2,
        "{kinds:?}"
    );
    let message = &results
        .iter()
        .find_map(|r| r.as_ref().err())
        .unwrap()
        .message;
    assert!(message.contains("instance slots"), "{message}");
}

#[test]
fn a_kept_instance_gives_its_slot_to_a_running_step() {
    let host = new_host(|options| options.pooled_steps = 1);
    let first = host.run_step(
        &json!({"connection": tenant(moto(), 1), "action": "list-tables",
                                      "input": {"region": "eu-south-2"}}),
    );
    assert!(first.is_ok(), "{first:?}");
    assert_eq!(host.kept_instances(), 1);
    let second = host.run_step(
        &json!({"connection": tenant(moto(), 2), "action": "list-tables",
                                       "input": {"region": "eu-south-2"}}),
    );
    assert!(second.is_ok(), "{second:?}");
}

#[test]
fn tenants_keep_their_instance_across_the_service_threads() {
    let server = Server::start(&["--concurrency", "4"]);
    let sts = Proxy::start(moto());
    let role = |n: usize| {
        json!({"type": "role-arn", "role-arn": format!("arn:aws:iam::123456789012:role/tenant-{n}"),
               "access-key-id": "AKIDTENANTS", "secret-access-key": "tenants-secret-value",
               "endpoint-url": moto(), "sts-endpoint-url": sts.url()})
    };
    // `CONNECTOR_TENANTS` tenants (12 when unset; docs/performance.md has 500).
    let tenants: usize = std::env::var("CONNECTOR_TENANTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(12);
    let (clients, steps_each) = (4, 4);
    let tenants_each = tenants.div_ceil(clients);
    std::thread::scope(|s| {
        for client in 0..clients {
            let (server, role) = (&server, &role);
            s.spawn(move || {
                for t in 0..tenants_each {
                    let connection = role(client * tenants_each + t);
                    for _ in 0..steps_each {
                        let step = json!({"connection": connection, "action": "list-tables",
                                          "input": {"region": "eu-south-2"}});
                        let (status, out) = server.post("/v1/steps", None, &step);
                        assert_eq!(status, 200, "{out}");
                    }
                }
            });
        }
    });
    assert_eq!(
        sts.operations().len(),
        clients * tenants_each,
        "one AssumeRole per tenant for {} steps",
        clients * tenants_each * steps_each
    );
}

/// The service's peak resident memory so far (`VmHWM`), in bytes.
fn peak_memory(server: &Server) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.0.child.id())).unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kib * 1024
}

#[test]
fn a_large_body_waiting_for_a_slot_is_neither_read_nor_parsed() {
    let server = Server::start(&["--concurrency", "1", "--queue", "4"]);
    let proxy = Proxy::start(moto());
    proxy.inject_on("ListTables", [Fault::Stall(Duration::from_secs(4))]);
    let numbers = "1,".repeat(3 << 20);
    let body: Value = serde_json::from_str(&format!(
        r#"{{"connection": {}, "action": "no-such-action", "input": {{"numbers": [{numbers}1]}}}}"#,
        connection(moto()),
    ))
    .unwrap();
    let base = resident_memory(&server);
    let (held, waited, waiting) = std::thread::scope(|s| {
        let busy = s.spawn(|| {
            let step = json!({"connection": connection(proxy.url()), "action": "list-tables",
                              "input": {"region": "eu-south-2"}});
            server.post("/v1/steps", None, &step).0
        });
        std::thread::sleep(Duration::from_millis(500));
        let big = s.spawn(|| server.post("/v1/steps", None, &body).0);
        std::thread::sleep(Duration::from_millis(1500));
        let waiting = resident_memory(&server);
        (busy.join().unwrap(), big.join().unwrap(), waiting)
    });
    assert_eq!((held, waited), (200, 400));
    let parsed = peak_memory(&server);
    eprintln!(
        "resident memory: {} MB at start, {} MB while a 6 MiB body waited for the slot; \
         peak {} MB once it was parsed",
        base >> 20,
        waiting >> 20,
        parsed >> 20
    );
    assert!(
        waiting < base + (32 << 20),
        "a waiting body costs no more than its socket buffers"
    );
}

/// The service's resident memory now (`VmRSS`), in bytes.
fn resident_memory(server: &Server) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.0.child.id())).unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kib * 1024
}

/// A soak: `CONNECTOR_SOAK_STEPS` steps (3,000 when unset; docs/performance.md has the
/// 80,000-step figure) over 4 connections through one service, its resident memory read
/// after each tenth. The slice in the regular run checks that every
/// step succeeds and that memory after warm-up grows by less than 32 MiB.
#[test]
fn a_soak_through_the_service_keeps_every_step_and_grows_under_32_mib() {
    let steps: usize = std::env::var("CONNECTOR_SOAK_STEPS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3_000);
    let server = Server::start(&[]);
    let clients = 4;
    let run = |count: usize| -> usize {
        std::thread::scope(|s| {
            let workers: Vec<_> = (0..clients)
                .map(|n| {
                    let server = &server;
                    s.spawn(move || {
                        let step = json!({"connection": tenant(moto(), n), "action": "list-tables",
                                          "input": {"region": "eu-south-2"}});
                        (0..count / clients)
                            .filter(|_| server.post("/v1/steps", None, &step).0 != 200)
                            .count()
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).sum()
        })
    };
    let tenth = steps / 10;
    assert_eq!(run(tenth), 0, "every warm-up step succeeds");
    let start = resident_memory(&server);
    let mut readings = vec![start >> 10];
    for _ in 1..10 {
        assert_eq!(run(tenth), 0, "every step succeeds");
        readings.push(resident_memory(&server) >> 10);
    }
    let (warm_up, end) = (tenth, resident_memory(&server));
    eprintln!("resident KiB after each tenth from the first: {readings:?}");
    let per_step = (end as f64 - start as f64) / (steps - warm_up) as f64;
    eprintln!(
        "soak of {steps} steps: {} KiB resident after {warm_up}, {} KiB at the end ({per_step:.3} bytes per step)",
        start >> 10,
        end >> 10
    );
    assert!(
        end < start + (32 << 20),
        "{} MiB of growth",
        (end - start) >> 20
    );
}

#[test]
fn a_flow_holds_its_connection_once_whatever_its_step_count() {
    let server = Server::start(&["--concurrency", "1"]);
    // A 256 KiB session token and 8,000 tiny steps: a 0.8 MB body. Copied into every step
    // before the first ran, the connection alone would have been 2 GB.
    let mut connection = connection(moto());
    connection["session-token"] = json!("t".repeat(256 << 10));
    let steps: Vec<Value> = (0..8_000)
        .map(|_| json!({"action": "list-tables", "input": {"region": "no-such-region!"}}))
        .collect();
    let flow = json!({"connection": connection, "steps": steps});
    let base = peak_memory(&server);
    let (status, answer) = server.post("/v1/flows", None, &flow);
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("step 1."),
        "the first step ran, and failed on its region: {answer}"
    );
    let peak = peak_memory(&server);
    eprintln!(
        "a {} KB flow: peak {} MB before, {} MB after",
        flow.to_string().len() >> 10,
        base >> 20,
        peak >> 20
    );
    assert!(
        peak < base + (128 << 20),
        "peak grew by {} MB",
        (peak - base) >> 20
    );
}

/// The bound docs/deployment.md states for one request's memory: this many times its body
/// on the host, and its guest's memory (at most the host's guest memory limit).
const BODY_FACTOR: u64 = 50;

#[test]
fn every_door_holds_a_large_body_within_the_documented_bound() {
    let numbers = format!("[{}1]", "1,".repeat(2 << 20));
    // MCP messages may be half of --max-body-bytes (the MCP SDK reads them into two trees).
    let half = format!("[{}1]", "1,".repeat(1 << 20));
    let connection = connection(moto()).to_string();
    let region = r#""region": "eu-south-2""#;
    let bodies = [
        (
            "/v1/steps",
            format!(
                r#"{{"connection": {connection}, "action": "upsert-item", "input": {{{region}, "table-name": "t", "value": {numbers}}}}}"#
            ),
        ),
        (
            "/v1/steps",
            format!(
                r#"{{"connection": {connection}, "action": "batch-write-items", "input": {{{region}, "requests": {{"t": {numbers}}}}}}}"#
            ),
        ),
        (
            "/v1/triggers/read-stream-changes/poll",
            format!(
                r#"{{"connection": {connection}, "input": {{{region}, "table-name": "t", "event-names": {numbers}}}, "state": null}}"#
            ),
        ),
        (
            "/v1/flows",
            format!(
                r#"{{"connection": {connection}, "steps": [{{"action": "upsert-item", "input": {{{region}, "table-name": "t", "value": {numbers}}}}}]}}"#
            ),
        ),
        (
            "/mcp",
            format!(
                r#"{{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {{"name": "scan-items", "arguments": {{{region}, "table-name": "t", "filter": {half}}}}}}}"#
            ),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("connection.json");
    std::fs::write(&file, &connection).unwrap();
    let (mut figures, mut growths) = (Vec::new(), Vec::new());
    let max_body: u64 = 4_300_000;
    for (path, body) in &bodies {
        let server = Server::start(&[
            "--concurrency",
            "1",
            "--max-body-bytes",
            &max_body.to_string(),
            "--mcp-connection",
            file.to_str().unwrap(),
        ]);
        let base = peak_memory(&server);
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_mins(2)))
            .build()
            .new_agent();
        let status = agent
            .post(&format!("{}{path}", server.url))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .send(body.as_bytes())
            .expect("an answer")
            .status()
            .as_u16();
        assert!(![413, 500].contains(&status), "{path}: {status}");
        let grown = peak_memory(&server).saturating_sub(base);
        figures.push(format!(
            "{path}: a {} KiB body, peak +{} MiB ({:.0}×)",
            body.len() >> 10,
            grown >> 20,
            grown as f64 / body.len() as f64
        ));
        growths.push((path, grown));
    }
    eprintln!("{figures:#?}");
    let guest = connector_host::Limits::default().memory_bytes as u64;
    for (path, grown) in growths {
        assert!(
            grown < BODY_FACTOR * max_body + guest,
            "{path}: +{} MiB at --max-body-bytes {max_body}",
            grown >> 20
        );
    }
}

/// The value of `key` on the line after `after` in `text`, within the next few lines.
fn yaml_value_after(text: &str, after: &str, key: &str) -> u64 {
    let start = text
        .find(after)
        .unwrap_or_else(|| panic!("{after} in the manifest"));
    text[start..]
        .lines()
        .take(6)
        .find_map(|line| line.trim().strip_prefix(key))
        .and_then(|v| {
            v.trim()
                .trim_end_matches('}')
                .trim_end_matches("Gi")
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("{key} after {after}"))
}

#[test]
fn the_shipped_deployment_fits_the_documented_memory_bound_and_probe_timeouts() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/connector-host.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    let flag = |name: &str| -> u64 {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(&format!("- --{name}=")))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or_else(|| panic!("--{name} in the manifest"))
    };
    let (concurrency, body) = (flag("concurrency"), flag("max-body-bytes"));
    let guest = connector_host::Limits::default().memory_bytes as u64;
    let kept = connector_host::Reuse::default().max_kept_memory_bytes as u64;
    let needed = concurrency * (BODY_FACTOR * body + guest) + kept + (100 << 20);
    let limit = yaml_value_after(&text, "limits:", "limits: {memory:") << 30;
    assert!(
        needed <= limit,
        "{} MiB needed, {} MiB allowed",
        needed >> 20,
        limit >> 20
    );
    let header = connector_host::serve::ServeOptions::DEFAULT_HEADER_TIMEOUT.as_secs();
    for probe in ["livenessProbe:", "readinessProbe:"] {
        let timeout = yaml_value_after(&text, probe, "timeoutSeconds:");
        assert!(
            timeout > header,
            "{probe} waits {timeout} s, the header timeout is {header} s"
        );
    }
}
