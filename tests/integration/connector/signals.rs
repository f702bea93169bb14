//! A trigger's signals as numbers to alert on: `watch --metrics-listen` serves its polls,
//! records delivered, gaps and the newest record's time as Prometheus metrics, and the
//! service's `/metrics` carries the same for its trigger polls.

use crate::connector::streams::{lines_of, put, streamed_table, watch_with};
use crate::harness::*;
use serde_json::{json, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The value of the metric sample `name{labels}` in `text` (labels as they print).
fn sample(text: &str, name: &str, labels: &str) -> Option<f64> {
    let head = format!("{name}{{{labels}}} ");
    text.lines()
        .find_map(|line| line.strip_prefix(&head))
        .and_then(|value| value.trim().parse().ok())
}

/// A loopback address no one listens on now.
fn free_address() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().to_string()
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// `GET http://address/metrics` once it answers with `want` in its text.
fn metrics_with(address: &str, want: &str) -> String {
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .new_agent();
    let started = std::time::Instant::now();
    loop {
        let text = agent
            .get(&format!("http://{address}/metrics"))
            .call()
            .ok()
            .and_then(|mut r| r.body_mut().read_to_string().ok())
            .unwrap_or_default();
        if text.contains(want) || started.elapsed() > Duration::from_mins(1) {
            return text;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_watch_serves_its_polls_records_gaps_and_lag_as_prometheus_metrics() {
    let (region, table) = ("us-gov-west-1", "signals-stream");
    streamed_table(region, table);
    let written = now();
    for id in 0..3 {
        put(region, table, id, 1);
    }
    let address = free_address();
    let folder = tempfile::tempdir().unwrap();
    let state = folder.path().join("state.json");
    let step = json!({"connection": connection(moto()), "action": "read-stream-changes",
                      "input": {"region": region, "table-name": table}});
    let mut child = watch_with(&step, &state, &["--metrics-listen", &address]);
    let lines = lines_of(child.stdout.take().unwrap());
    for _ in 0..3 {
        lines
            .recv_timeout(Duration::from_mins(1))
            .expect("a record");
    }
    let trigger = connector_host::trigger::trigger_id(&step);
    let hash = &trigger["input-sha256"].as_str().unwrap()[..12];
    let labels = format!(r#"action="read-stream-changes",trigger="read-stream-changes/{hash}""#);
    let text = metrics_with(&address, "connector_trigger_records_total{");
    child.kill().ok();
    child.wait().unwrap();
    assert_eq!(
        sample(&text, "connector_trigger_records_total", &labels),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "connector_trigger_gaps_total", &labels),
        Some(0.0)
    );
    let ok_polls = sample(
        &text,
        "connector_trigger_polls_total",
        &format!(r#"{labels},outcome="ok""#),
    );
    assert!(ok_polls.is_some_and(|n| n >= 1.0), "{text}");
    let newest = sample(
        &text,
        "connector_trigger_newest_record_timestamp_seconds",
        &labels,
    )
    .expect("the newest record's time");
    assert!(
        (written - 120.0..now() + 5.0).contains(&newest),
        "the records were written at {written}, the newest says {newest}"
    );
    let last = sample(
        &text,
        "connector_trigger_last_record_timestamp_seconds",
        &labels,
    )
    .unwrap();
    assert!((written - 5.0..now() + 5.0).contains(&last), "{last}");
    assert!(sample(&text, "connector_trigger_waiting", &labels).is_some());
}

#[test]
fn a_watch_refuses_a_metrics_address_it_cannot_have_before_polling() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let folder = tempfile::tempdir().unwrap();
    let step = json!({"connection": connection(moto()), "action": "read-stream-changes",
                      "input": {"region": "us-gov-west-1", "table-name": "no-such-stream"}});
    let file = folder.path().join("step.json");
    std::fs::write(&file, step.to_string()).unwrap();
    let state = folder.path().join("state.json");
    let (code, stdout, _) = cli(
        &[
            "watch",
            file.to_str().unwrap(),
            "--state",
            state.to_str().unwrap(),
            "--metrics-listen",
            &address,
        ],
        "",
    );
    assert_eq!(code, 1, "{stdout}");
    let error: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(error["error"]["field"], "--metrics-listen", "{stdout}");
    assert!(!state.exists(), "no state was saved");
}

#[test]
fn the_services_metrics_carry_its_trigger_polls() {
    let (region, table) = ("us-gov-west-1", "signals-served");
    streamed_table(region, table);
    put(region, table, 1, 1);
    let server = Server::start(&[]);
    let body = json!({"connection": connection(moto()),
                      "input": {"region": region, "table-name": table}});
    let (status, polled) = server.post("/v1/triggers/read-stream-changes/poll", None, &body);
    assert_eq!(status, 200, "{polled}");
    let (_, text) = server.get("/metrics");
    let labels = r#"action="read-stream-changes",trigger="""#;
    assert_eq!(
        sample(&text, "connector_trigger_records_total", labels),
        Some(1.0),
        "{text}"
    );
    assert!(sample(
        &text,
        "connector_trigger_newest_record_timestamp_seconds",
        labels
    )
    .is_some());
}

#[test]
fn clients_holding_the_metrics_listeners_connections_do_not_keep_the_metrics_from_being_read() {
    let (region, table) = ("us-gov-west-1", "signals-held");
    streamed_table(region, table);
    put(region, table, 1, 1);
    let address = free_address();
    let folder = tempfile::tempdir().unwrap();
    let step = json!({"connection": connection(moto()), "action": "read-stream-changes",
                      "input": {"region": region, "table-name": table}});
    let mut child = watch_with(
        &step,
        &folder.path().join("state.json"),
        &["--metrics-listen", &address],
    );
    let lines = lines_of(child.stdout.take().unwrap());
    lines
        .recv_timeout(Duration::from_mins(1))
        .expect("a record");
    // Forty connections that never send a request: more than the listener keeps open.
    let idle: Vec<std::net::TcpStream> = (0..40)
        .filter_map(|_| std::net::TcpStream::connect(&address).ok())
        .collect();
    let started = std::time::Instant::now();
    let text = metrics_with(&address, "connector_trigger_records_total{");
    let waited = started.elapsed();
    drop(idle);
    child.kill().ok();
    child.wait().unwrap();
    assert!(
        text.contains("connector_trigger_records_total{"),
        "no metrics while held"
    );
    assert!(
        waited < Duration::from_secs(30),
        "answered after {waited:?}"
    );
}
