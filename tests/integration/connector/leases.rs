//! Replicas of one trigger sharing a lease table (`watch --lease-table`) on moto's stream:
//! three replicas killed with `SIGKILL` and restarted twenty times while a writer writes
//! lose no change; a replica paused past its lease (`SIGSTOP`) cannot write its
//! checkpoint over the new holder's and delivers nothing more; a second replica under the
//! same worker id stops with an error naming `--worker-id`.

use crate::connector::streams::{lines_of, put, streamed_table};
use crate::harness::*;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The lease table every test here shares (rows per trigger never meet).
const LEASES: &str = "trigger-leases";

/// The records each replica delivered, by replica.
type Delivered = Arc<Mutex<Vec<(String, Value)>>>;

/// A `watch` replica `worker` of `step` on the lease table, its records into `delivered`;
/// its standard error in a file of `logs`.
fn replica(step: &Value, worker: &str, delivered: &Delivered, logs: &std::path::Path) -> Child {
    let mut child = watch(step, worker, logs).spawn().expect("watch starts");
    let lines = lines_of(child.stdout.take().unwrap());
    let (delivered, worker) = (delivered.clone(), worker.to_string());
    std::thread::spawn(move || {
        for line in lines {
            let record: Value = serde_json::from_str(&line).expect("a JSON record");
            delivered.lock().unwrap().push((worker.clone(), record));
        }
    });
    child
}

/// The command of a `watch` replica `worker` of `step` on the lease table (2 s leases, 1 s
/// interval), its standard error in a file of `logs`, its standard output piped.
fn watch(step: &Value, worker: &str, logs: &std::path::Path) -> Command {
    let file = logs.join(format!("{worker}.step.json"));
    std::fs::write(&file, step.to_string()).unwrap();
    let stderr = std::fs::File::create(logs.join(format!("{worker}.log"))).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_connector-host"));
    command
        .arg("watch")
        .arg(&file)
        .args([
            "--lease-table",
            LEASES,
            "--worker-id",
            worker,
            "--lease-seconds",
            "2",
        ])
        .args(["--interval", "1", "--allow-endpoint", "127.0.0.1"])
        .arg("--component")
        .arg(component())
        .arg("--manifest")
        .arg(test_support::manifest())
        .env("CONNECTOR_HOST_CACHE_DIR", cache_dir())
        .stdout(Stdio::piped())
        .stderr(stderr);
    command
}

/// Every change the stream holds, read by one poller from its oldest record.
fn every_change(step: &Value) -> HashSet<String> {
    let (mut ids, mut state) = (HashSet::new(), None);
    loop {
        let polled = host().poll(step.clone(), state.take()).unwrap();
        ids.extend(
            polled
                .records
                .iter()
                .map(|r| r["EventId"].as_str().unwrap().to_string()),
        );
        if !polled.more {
            return ids;
        }
        state = Some(polled.state);
    }
}

fn delivered_ids(delivered: &Delivered) -> Vec<String> {
    let records = delivered.lock().unwrap();
    records
        .iter()
        .map(|(_, r)| r["EventId"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn three_replicas_killed_and_restarted_twenty_times_lose_no_change() {
    let (region, table) = ("ca-west-1", "leased-stream");
    streamed_table(region, table);
    let step = json!({"connection": connection(moto()), "action": "read-stream-changes",
                      "input": {"region": region, "table-name": table, "max-records": 20}});
    let logs = tempfile::tempdir().unwrap();
    let delivered: Delivered = Arc::default();
    let mut replicas: Vec<Child> = (0..3)
        .map(|i| replica(&step, &format!("r{i}-0"), &delivered, logs.path()))
        .collect();
    let writer = std::thread::spawn(move || {
        for n in 0..300u64 {
            put(region, table, n % 120, n);
            std::thread::sleep(Duration::from_millis(40));
        }
    });
    let mut rng = Rng(0x5eed_1ea5e);
    for kill in 1..=20 {
        std::thread::sleep(Duration::from_millis(600));
        let victim = usize::try_from(rng.next() % 3).unwrap();
        replicas[victim].kill().unwrap();
        replicas[victim].wait().unwrap();
        let worker = format!("r{victim}-{kill}");
        replicas[victim] = replica(&step, &worker, &delivered, logs.path());
    }
    writer.join().unwrap();
    let expected = every_change(&step);
    assert!(expected.len() >= 300, "{}", expected.len());
    let started = Instant::now();
    let lost = loop {
        let got: HashSet<String> = delivered_ids(&delivered).into_iter().collect();
        let lost: Vec<&String> = expected.difference(&got).collect();
        if lost.is_empty() || started.elapsed() > Duration::from_mins(2) {
            break lost.len();
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    for mut r in replicas {
        r.kill().ok();
        r.wait().ok();
    }
    let all = delivered_ids(&delivered);
    let distinct: HashSet<&String> = all.iter().collect();
    eprintln!(
        "{} changes, {} deliveries, {} duplicates across 20 kills",
        expected.len(),
        all.len(),
        all.len() - distinct.len()
    );
    assert_eq!(lost, 0, "changes never delivered");
}

#[test]
fn a_replica_paused_past_its_lease_cannot_write_over_the_new_holder_and_delivers_no_more() {
    let (region, table) = ("ca-west-1", "fenced-stream");
    streamed_table(region, table);
    let step = json!({"connection": connection(moto()), "action": "read-stream-changes",
                      "input": {"region": region, "table-name": table}});
    let logs = tempfile::tempdir().unwrap();
    let delivered: Delivered = Arc::default();
    let ids_of = |worker: &str| -> Vec<u64> {
        let records = delivered.lock().unwrap();
        records
            .iter()
            .filter(|(w, _)| w == worker)
            .map(|(_, r)| r["Keys"]["id"].as_u64().unwrap())
            .collect()
    };
    let wait_for = |worker: &str, id: u64| {
        let started = Instant::now();
        while !ids_of(worker).contains(&id) {
            assert!(
                started.elapsed() < Duration::from_mins(1),
                "{worker} never delivered {id}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    put(region, table, 1, 1);
    let mut a = replica(&step, "fenced-a", &delivered, logs.path());
    wait_for("fenced-a", 1);
    let started = Instant::now();
    while shard_row(region, &step)["owner"] != "fenced-a" {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "a never took the shard"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let signal = |name: &str| {
        let sent = Command::new("kill")
            .args([name, &a.id().to_string()])
            .status();
        assert!(sent.unwrap().success(), "kill {name}");
    };
    signal("-STOP");
    let paused = Instant::now();
    put(region, table, 2, 1);
    let mut b = replica(&step, "fenced-b", &delivered, logs.path());
    wait_for("fenced-b", 2);
    eprintln!(
        "takeover: b delivered the paused holder's shard {:.1} s after the pause (lease 2 s, \
         interval 1 s, b's start included)",
        paused.elapsed().as_secs_f64()
    );
    signal("-CONT");
    let log = logs.path().join("fenced-a.log");
    let started = Instant::now();
    while !std::fs::read_to_string(&log)
        .unwrap()
        .contains("lost the lease")
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "a never saw it lost the lease"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    put(region, table, 3, 1);
    wait_for("fenced-b", 3);
    a.kill().ok();
    b.kill().ok();
    a.wait().ok();
    b.wait().ok();
    assert!(
        !ids_of("fenced-a").contains(&2),
        "a delivered after it lost the lease"
    );
    assert!(
        !ids_of("fenced-a").contains(&3),
        "a delivered after it lost the lease"
    );
    let shard = shard_row(region, &step);
    assert_eq!(
        shard["owner"], "fenced-b",
        "the new holder's checkpoint stands: {shard}"
    );
}

/// The lease row of the (one) shard of `step`'s stream, once the trigger was split into
/// shards (`null` before, and before the lease table exists).
fn shard_row(region: &str, step: &Value) -> Value {
    let scan = json!({"region": region, "table-name": LEASES, "fetch-all": true,
                      "consistent-read": true});
    let rows = match crate::harness::step("scan-items", scan) {
        Ok(rows) => rows,
        // The first replica has not made the lease table yet.
        Err(e) if e.kind == "resource-not-found" => return Value::Null,
        Err(e) => panic!("scan-items of the lease table failed: {e:?}"),
    };
    let key = format!(
        "read-stream-changes/{}",
        connector_host::trigger::trigger_id(step)["input-sha256"]
            .as_str()
            .unwrap()
    );
    let rows = rows["Items"].as_array().unwrap();
    let trigger = rows.iter().find(|r| r["lease"] == key.as_str());
    if trigger.is_none_or(|t| t["split"] != true) {
        return Value::Null;
    }
    let prefix = format!("{key}#");
    let shard = rows
        .iter()
        .find(|r| r["lease"].as_str().unwrap().starts_with(&prefix));
    shard.cloned().unwrap_or_default()
}

#[test]
fn a_second_replica_under_the_same_worker_id_stops_naming_the_flag_and_delivers_nothing() {
    let (region, table) = ("ca-west-1", "twin-stream");
    streamed_table(region, table);
    let step = json!({"connection": connection(moto()), "action": "read-stream-changes",
                      "input": {"region": region, "table-name": table}});
    let logs = tempfile::tempdir().unwrap();
    let delivered: Delivered = Arc::default();
    put(region, table, 1, 1);
    let mut first = replica(&step, "twin", &delivered, logs.path());
    let started = Instant::now();
    while shard_row(region, &step)["owner"] != "twin" {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the first never took the shard"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let second = watch(&step, "twin", logs.path())
        .spawn()
        .expect("watch starts");
    let output = second.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let error: Value = serde_json::from_str(stdout.trim()).expect("one error, no record");
    assert_eq!(error["error"]["field"], "--worker-id", "{stdout}");
    put(region, table, 2, 1);
    let started = Instant::now();
    while delivered.lock().unwrap().len() < 2 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the first stopped delivering"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    first.kill().ok();
    first.wait().ok();
}

#[test]
fn bad_lease_inputs_are_refused_naming_the_flag_before_anything_is_delivered() {
    let dir = tempfile::tempdir().unwrap();
    let step = json!({"connection": connection(moto()), "action": "read-stream-changes",
                      "input": {"region": "ca-west-1", "table-name": "no-stream-here"}});
    let file = dir.path().join("step.json");
    std::fs::write(&file, step.to_string()).unwrap();
    let file = file.to_str().unwrap();
    let (code, stdout, _) = cli(
        &[
            "watch",
            file,
            "--lease-table",
            LEASES,
            "--worker-id",
            "bad\u{7}id",
        ],
        "",
    );
    assert_eq!(code, 1, "{stdout}");
    let error: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(error["error"]["field"], "--worker-id", "{stdout}");
    create_table("ca-west-1", "not-a-lease-table", false);
    let (code, stdout, _) = cli(&["watch", file, "--lease-table", "not-a-lease-table"], "");
    assert_eq!(code, 1, "{stdout}");
    let error: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(error["error"]["field"], "--lease-table", "{stdout}");
}
