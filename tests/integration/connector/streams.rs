//! Change capture on moto's DynamoDB Streams: every change read once across many small
//! polls, resumption in a new process, `latest` against `trim-horizon`, the event filter,
//! the pickers, bad inputs, the service's poll route, and a `watch` process killed with
//! SIGKILL mid-delivery that loses nothing.

use crate::harness::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A table `name` with a numeric hash key `id` and a stream of both images.
pub(crate) fn streamed_table(region: &str, name: &str) -> Value {
    ok(
        "create-table",
        json!({"region": region, "table-name": name,
               "attribute-definitions": [{"AttributeName": "id", "AttributeType": "N"}],
               "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}],
               "billing-mode": "PAY_PER_REQUEST", "stream-view-type": "NEW_AND_OLD_IMAGES"}),
    )
}

pub(crate) fn put(region: &str, table: &str, id: u64, version: u64) {
    ok(
        "upsert-item",
        json!({"region": region, "table-name": table, "value": {"id": id, "v": version},
               "value-types": {"id": "N", "v": "N"}}),
    );
}

fn delete(region: &str, table: &str, id: u64) {
    ok(
        "delete-item",
        json!({"region": region, "table-name": table, "hash-key-value": id.to_string()}),
    );
}

/// Poll `read-stream-changes` with `input` (plus the cursor) until `More` is false;
/// every record, the last cursor and the number of polls.
fn drain(input: &Value, cursor: Option<String>) -> (Vec<Value>, String, usize) {
    let (mut records, mut cursor, mut polls) = (Vec::new(), cursor, 0);
    loop {
        let mut input = input.clone();
        if let Some(c) = &cursor {
            input["cursor"] = json!(c);
        }
        let out = ok("read-stream-changes", input.clone());
        polls += 1;
        let page = out["Records"].as_array().unwrap();
        let max = input["max-records"].as_u64().unwrap_or(100);
        assert!(
            page.len() as u64 <= max,
            "{} records over max {max}",
            page.len()
        );
        assert_eq!(out["Gaps"], json!([]), "moto's one shard has no gaps");
        records.extend(page.iter().cloned());
        cursor = Some(out["Cursor"].as_str().unwrap().to_string());
        if out["More"] == false {
            return (records, cursor.unwrap(), polls);
        }
        assert!(polls < 500, "the reader never caught up");
    }
}

/// (event name, id, version) of each record, in order.
fn changes(records: &[Value]) -> Vec<(String, u64, Option<u64>)> {
    records
        .iter()
        .map(|r| {
            let image = if r["EventName"] == "REMOVE" {
                &r["OldImage"]
            } else {
                &r["NewImage"]
            };
            (
                r["EventName"].as_str().unwrap().to_string(),
                r["Keys"]["id"].as_u64().unwrap(),
                image["v"].as_u64(),
            )
        })
        .collect()
}

#[test]
fn inserts_modifies_and_removes_are_each_read_once_across_small_polls() {
    let (region, table) = ("eu-north-1", "orders-stream");
    let created = streamed_table(region, table);
    assert_eq!(
        created["TableDescription"]["StreamSpecification"]["StreamViewType"],
        "NEW_AND_OLD_IMAGES"
    );
    let described = ok(
        "describe-table",
        json!({"region": region, "table-name": table}),
    );
    let arn = described["Table"]["LatestStreamArn"]
        .as_str()
        .expect("a stream ARN")
        .to_string();
    let mut expected = Vec::new();
    for id in 0..30 {
        put(region, table, id, 1);
        expected.push(("INSERT".to_string(), id, Some(1)));
    }
    for id in 0..10 {
        put(region, table, id, 2);
        expected.push(("MODIFY".to_string(), id, Some(2)));
    }
    for id in 20..25 {
        delete(region, table, id);
        expected.push(("REMOVE".to_string(), id, Some(1)));
    }
    let input = json!({"region": region, "table-name": table, "max-records": 7});
    let (records, cursor, polls) = drain(&input, None);
    assert_eq!(changes(&records), expected, "every change once, in order");
    assert!(polls >= 45 / 7, "{polls} polls");
    let sequences: Vec<u128> = records
        .iter()
        .map(|r| r["SequenceNumber"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(
        sequences.windows(2).all(|w| w[0] < w[1]),
        "ascending sequence numbers"
    );
    let ids: HashSet<&str> = records
        .iter()
        .map(|r| r["EventId"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), records.len(), "unique event ids");
    assert!(records
        .iter()
        .all(|r| r["ShardId"].is_string() && r["ApproximateCreationDateTime"].is_number()));

    put(region, table, 100, 1);
    delete(region, table, 0);
    let by_arn = json!({"region": region, "stream-arn": arn, "max-records": 7});
    let (later, _, _) = drain(&by_arn, Some(cursor));
    assert_eq!(
        changes(&later),
        vec![
            ("INSERT".into(), 100, Some(1)),
            ("REMOVE".into(), 0, Some(2))
        ],
        "only what was written after the cursor"
    );
}

#[test]
fn a_cursor_saved_by_one_process_resumes_in_another() {
    let (region, table) = ("eu-north-1", "restart-stream");
    streamed_table(region, table);
    for id in 0..5 {
        put(region, table, id, 1);
    }
    let step = |cursor: Option<&str>| {
        let mut input = json!({"region": region, "table-name": table, "max-records": 3});
        if let Some(c) = cursor {
            input["cursor"] = json!(c);
        }
        let document = json!({"connection": connection(moto()), "action": "read-stream-changes", "input": input});
        let (code, out, err) = cli(&["step", "-"], &document.to_string());
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<Value>(&out).unwrap()
    };
    let first = step(None);
    let second = step(first["Cursor"].as_str());
    let ids: Vec<u64> = [&first, &second]
        .iter()
        .flat_map(|o| {
            o["Records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["Keys"]["id"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(ids, vec![0, 1, 2, 3, 4], "two processes, each change once");
    assert_eq!(second["More"], false);
}

#[test]
fn latest_starts_at_the_first_poll_and_trim_horizon_at_the_oldest_record() {
    let (region, table) = ("eu-south-1", "latest-stream");
    streamed_table(region, table);
    for id in 0..4 {
        put(region, table, id, 1);
    }
    // Records carry their time in seconds: the first poll comes in a later second.
    std::thread::sleep(Duration::from_millis(1100));
    let latest = ok(
        "read-stream-changes",
        json!({"region": region, "table-name": table, "start-at": "LATEST"}),
    );
    assert_eq!(
        latest["Records"],
        json!([]),
        "nothing written before the first poll"
    );
    for id in 10..13 {
        put(region, table, id, 1);
    }
    let cursor = latest["Cursor"].as_str().unwrap().to_string();
    let (after, _, _) = drain(
        &json!({"region": region, "table-name": table}),
        Some(cursor),
    );
    let ids: Vec<u64> = changes(&after).iter().map(|c| c.1).collect();
    assert_eq!(
        ids,
        vec![10, 11, 12],
        "everything written after the first poll, none before"
    );
    let (all, _, _) = drain(&json!({"region": region, "table-name": table}), None);
    assert_eq!(all.len(), 7, "trim-horizon reads from the oldest record");
}

#[test]
fn the_event_filter_returns_only_the_named_events_and_moves_past_the_rest() {
    let (region, table) = ("eu-south-2", "filtered-stream");
    streamed_table(region, table);
    put(region, table, 1, 1);
    put(region, table, 1, 2);
    delete(region, table, 1);
    put(region, table, 2, 1);
    let input = json!({"region": region, "table-name": table, "event-names": ["remove", "MODIFY"],
                       "item-format": "DYNAMODB_JSON", "max-records": 1});
    let (records, cursor, _) = drain(&input, None);
    let names: Vec<&str> = records
        .iter()
        .map(|r| r["EventName"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["MODIFY", "REMOVE"]);
    assert_eq!(records[0]["Keys"], json!({"id": {"N": "1"}}), "typed keys");
    put(region, table, 3, 1);
    let (none, _, _) = drain(&input, Some(cursor));
    assert_eq!(
        none,
        Vec::<Value>::new(),
        "the cursor moved past the filtered inserts"
    );
}

#[test]
fn pickers_list_the_streams_and_describe_their_shards() {
    let (region, table) = ("ap-south-2", "picked-stream");
    streamed_table(region, table);
    create_table(region, "no-stream", false);
    let listed = ok("list-streams", json!({"region": region, "fetch-all": true}));
    let tables: Vec<&str> = listed["Streams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["TableName"].as_str().unwrap())
        .collect();
    assert_eq!(tables, vec![table], "only tables with a stream");
    let one = ok(
        "list-streams",
        json!({"region": region, "table-name": table}),
    );
    let arn = one["Streams"][0]["StreamArn"].as_str().unwrap();
    let described = ok(
        "describe-stream",
        json!({"region": region, "stream-arn": arn}),
    );
    let d = &described["StreamDescription"];
    assert_eq!(d["TableName"], table);
    assert_eq!(d["StreamViewType"], "NEW_AND_OLD_IMAGES");
    assert_eq!(
        d["KeySchema"],
        json!([{"AttributeName": "id", "KeyType": "HASH"}])
    );
    let shard = &d["Shards"][0];
    assert!(
        shard["ShardId"].is_string()
            && shard["SequenceNumberRange"]["StartingSequenceNumber"].is_string(),
        "{shard}"
    );
}

#[test]
fn bad_stream_inputs_are_invalid_input_naming_the_field() {
    let region = "ap-east-1";
    streamed_table(region, "bad-a");
    streamed_table(region, "bad-b");
    create_table(region, "bad-none", false);
    let cursor_of_a = ok(
        "read-stream-changes",
        json!({"region": region, "table-name": "bad-a"}),
    )["Cursor"]
        .clone();
    let arn_of_b = ok(
        "describe-table",
        json!({"region": region, "table-name": "bad-b"}),
    )["Table"]["LatestStreamArn"]
        .clone();
    for (input, field) in [
        (
            json!({"table-name": "bad-a", "cursor": "not-a-cursor"}),
            "cursor",
        ),
        (
            json!({"table-name": "bad-b", "cursor": cursor_of_a}),
            "cursor",
        ),
        (
            json!({"stream-arn": arn_of_b, "cursor": cursor_of_a}),
            "cursor",
        ),
        (json!({"table-name": "bad-none"}), "table-name"),
        (json!({}), "table-name"),
        (
            json!({"table-name": "bad-a", "stream-arn": arn_of_b}),
            "stream-arn",
        ),
        (
            json!({"table-name": "bad-a", "max-records": 0}),
            "max-records",
        ),
        (
            json!({"table-name": "bad-a", "max-records": 1001}),
            "max-records",
        ),
        (
            json!({"table-name": "bad-a", "event-names": ["UPSERT"]}),
            "event-names[0]",
        ),
        (
            json!({"table-name": "bad-a", "event-names": []}),
            "event-names",
        ),
    ] {
        let mut input = input;
        input["region"] = json!(region);
        let error = fails("read-stream-changes", input.clone());
        assert_eq!(error.kind, "invalid-input", "{input}: {error:?}");
        assert_eq!(error.field.as_deref(), Some(field), "{input}: {error:?}");
    }
}

#[test]
fn the_service_polls_a_trigger_with_the_state_in_and_out() {
    let (region, table) = ("eu-west-3", "served-stream");
    streamed_table(region, table);
    for id in 0..3 {
        put(region, table, id, 1);
    }
    let server = Server::start(&[]);
    let path = "/v1/triggers/read-stream-changes/poll";
    let body = |state: &Value| json!({"connection": connection(moto()), "input": {"region": region, "table-name": table, "max-records": 2}, "state": state});
    let (status, first) = server.post(path, None, &body(&Value::Null));
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["records"].as_array().unwrap().len(), 2);
    assert_eq!(first["more"], true);
    let (_, second) = server.post(path, None, &body(&first["state"]));
    assert_eq!(second["records"].as_array().unwrap().len(), 1);
    assert_eq!(second["records"][0]["Keys"]["id"], 2);
    let (status, refused) = server.post(
        "/v1/triggers/get-item/poll",
        None,
        &json!({"connection": connection(moto()), "input": {}}),
    );
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["error"]["field"], "action");
}

/// A `watch` of `step` saving its state at `state`, printing records on a pipe.
fn watch(step: &Value, state: &std::path::Path) -> Child {
    watch_with(step, state, &[])
}

/// [`watch`] with further arguments.
pub(crate) fn watch_with(step: &Value, state: &std::path::Path, extra: &[&str]) -> Child {
    // Beside the state, or beside its folder when that folder does not exist.
    let file = match state.parent() {
        Some(folder) if !folder.exists() => folder.with_extension("step.json"),
        _ => state.with_extension("step.json"),
    };
    std::fs::write(&file, step.to_string()).unwrap();
    Command::new(env!("CARGO_BIN_EXE_connector-host"))
        .args([
            "watch",
            file.to_str().unwrap(),
            "--state",
            state.to_str().unwrap(),
            "--interval",
            "1",
        ])
        .args([
            "--allow-endpoint",
            "127.0.0.1",
            "--component",
            component().to_str().unwrap(),
        ])
        .arg("--manifest")
        .arg(test_support::manifest())
        .args(extra)
        .env("CONNECTOR_HOST_CACHE_DIR", cache_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("watch starts")
}

/// The lines of `out` as they come, on a channel that closes at the end of the output.
pub(crate) fn lines_of(out: std::process::ChildStdout) -> std::sync::mpsc::Receiver<String> {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                return;
            }
        }
    });
    receive
}

#[test]
fn a_watch_killed_mid_delivery_and_restarted_loses_no_event() {
    let (region, table) = ("ap-southeast-4", "watched-stream");
    streamed_table(region, table);
    let total: usize = 120;
    for id in 0..total as u64 {
        put(region, table, id, 1);
    }
    let folder = tempfile::tempdir().unwrap();
    let state = folder.path().join("state.json");
    let step = json!({"connection": connection(moto()), "action": "read-stream-changes",
                      "input": {"region": region, "table-name": table, "max-records": 10}});
    let mut delivered: BTreeMap<String, usize> = BTreeMap::new();
    let mut kills = 0;
    let deadline = Instant::now() + Duration::from_mins(3);
    while delivered.len() < total {
        assert!(
            Instant::now() < deadline,
            "{} of {total} delivered",
            delivered.len()
        );
        let mut child = watch(&step, &state);
        let lines = lines_of(child.stdout.take().unwrap());
        // Kill after a number of lines that is not a whole poll: mid-delivery. What the
        // watch wrote before it died is delivered: read on to the end of its output.
        let mut read = 0;
        while let Ok(line) = lines.recv_timeout(Duration::from_mins(1)) {
            let record: Value = serde_json::from_str(&line).unwrap();
            *delivered
                .entry(record["EventId"].as_str().unwrap().to_string())
                .or_default() += 1;
            read += 1;
            if read == 15 || delivered.len() == total {
                child.kill().ok();
            }
        }
        child.kill().ok();
        child.wait().unwrap();
        kills += 1;
    }
    let repeated = delivered.values().filter(|n| **n > 1).count();
    println!(
        "watch: {total} events, {} delivered, {repeated} more than once, {kills} SIGKILLs",
        delivered.len()
    );
    assert_eq!(delivered.len(), total, "every event at least once");
    assert!(kills >= 3, "killed {kills} times");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert!(
        saved["state"].is_string(),
        "the state file holds a cursor: {saved}"
    );
}

/// A table `name` (hash key `id`) with the index `by-updated`: partition `feed`, range key
/// `updatedAt` (a number).
fn polled_table(region: &str, name: &str) {
    boto(
        region,
        &format!(
            r#"
client.create_table(TableName={name:?}, BillingMode="PAY_PER_REQUEST",
    AttributeDefinitions=[{{"AttributeName": "id", "AttributeType": "N"}},
                          {{"AttributeName": "feed", "AttributeType": "S"}},
                          {{"AttributeName": "updatedAt", "AttributeType": "N"}}],
    KeySchema=[{{"AttributeName": "id", "KeyType": "HASH"}}],
    GlobalSecondaryIndexes=[
        {{"IndexName": "by-updated", "Projection": {{"ProjectionType": "ALL"}},
          "KeySchema": [{{"AttributeName": "feed", "KeyType": "HASH"}},
                        {{"AttributeName": "updatedAt", "KeyType": "RANGE"}}]}},
        {{"IndexName": "by-feed", "Projection": {{"ProjectionType": "ALL"}},
          "KeySchema": [{{"AttributeName": "feed", "KeyType": "HASH"}}]}}])
"#
        ),
    );
}

fn stamp(region: &str, table: &str, id: u64, feed: &str, updated: u64) {
    ok(
        "upsert-item",
        json!({"region": region, "table-name": table,
               "value": {"id": id, "feed": feed, "updatedAt": updated},
               "value-types": {"id": "N", "feed": "S", "updatedAt": "N"}}),
    );
}

/// Poll `poll-new-items` from `cursor` until `More` is false: (id, updatedAt) of each item
/// and the last cursor.
fn poll_all(input: &Value, mut cursor: Option<String>) -> (Vec<(u64, u64)>, String) {
    let mut seen = Vec::new();
    for _ in 0..200 {
        let mut input = input.clone();
        if let Some(c) = &cursor {
            input["cursor"] = json!(c);
        }
        let out = ok("poll-new-items", input.clone());
        let items = out["Items"].as_array().unwrap();
        assert!(items.len() as u64 <= input["max-items"].as_u64().unwrap_or(100));
        seen.extend(
            items
                .iter()
                .map(|i| (i["id"].as_u64().unwrap(), i["updatedAt"].as_u64().unwrap())),
        );
        cursor = Some(out["Cursor"].as_str().unwrap().to_string());
        if out["More"] == false {
            return (seen, cursor.unwrap());
        }
    }
    panic!("the poll never caught up");
}

#[test]
fn polling_by_a_number_attribute_returns_each_item_once_in_numeric_order_ties_included() {
    let (region, table) = ("me-south-1", "polled");
    polled_table(region, table);
    let stamps = [9, 10, 100, 100, 100, 11, 2, 5, 1000, 99, 100, 3];
    for (id, updated) in stamps.iter().enumerate() {
        stamp(region, table, id as u64, "all", *updated);
    }
    stamp(region, table, 50, "other", 7);
    let input = json!({"region": region, "table-name": table, "index-name": "by-updated",
                       "partition-value": "all", "max-items": 2});
    let (first, cursor) = poll_all(&input, None);
    let values: Vec<u64> = first.iter().map(|(_, u)| *u).collect();
    let mut sorted = stamps.to_vec();
    sorted.sort_unstable();
    assert_eq!(
        values, sorted,
        "numbers compared as numbers (9 before 10 before 100)"
    );
    let ids: HashSet<u64> = first.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        ids.len(),
        stamps.len(),
        "each item once, the four at 100 included"
    );

    stamp(region, table, 2, "all", 2000);
    stamp(region, table, 13, "all", 1500);
    stamp(region, table, 14, "all", 1000);
    let (later, _) = poll_all(&input, Some(cursor));
    assert_eq!(
        later,
        vec![(14, 1000), (13, 1500), (2, 2000)],
        "a tie with the mark, a new item and a rewritten one, once each"
    );

    let after = json!({"region": region, "table-name": table, "index-name": "by-updated",
                       "partition-value": "all", "start-after": 100});
    let (above, _) = poll_all(&after, None);
    assert!(above.iter().all(|(_, u)| *u > 100), "{above:?}");
    assert_eq!(above.len(), 4);
}

#[test]
fn an_item_a_global_index_shows_late_below_the_mark_is_returned_once_within_the_skew() {
    let (region, table) = ("ap-southeast-6", "polled-late");
    polled_table(region, table);
    for id in 0..5 {
        stamp(region, table, id, "all", 1_765_000_000 + id);
    }
    let input = json!({"region": region, "table-name": table, "index-name": "by-updated",
                       "partition-value": "all", "max-items": 2});
    let (first, cursor) = poll_all(&input, None);
    assert_eq!(first.len(), 5);
    // Written after the poll passed 1_765_000_004, stamped earlier: one inside the default
    // 5-second window of a global index, one outside it.
    stamp(region, table, 10, "all", 1_765_000_001);
    stamp(region, table, 11, "all", 1_764_999_990);
    let (late, cursor) = poll_all(&input, Some(cursor));
    assert_eq!(
        late,
        vec![(10, 1_765_000_001)],
        "the late item inside the window, once"
    );
    let (again, cursor) = poll_all(&input, Some(cursor));
    assert!(again.is_empty(), "nothing is returned twice: {again:?}");
    let no_window = merged(&input, json!({"cursor-skew-seconds": 0}));
    stamp(region, table, 12, "all", 1_765_000_003);
    let (without, _) = poll_all(&no_window, Some(cursor));
    assert!(
        without.is_empty(),
        "without a window a late item is passed: {without:?}"
    );
}

#[test]
fn bad_poll_inputs_are_invalid_input_naming_the_field() {
    let (region, table) = ("me-central-1", "polled-bad");
    polled_table(region, table);
    let base = json!({"region": region, "table-name": table, "index-name": "by-updated", "partition-value": "all"});
    let cursor = ok("poll-new-items", base.clone())["Cursor"].clone();
    let with = |changes: Value| merged(&base, changes);
    for (input, field) in [
        (with(json!({"index-name": "missing"})), "index-name"),
        (with(json!({"index-name": "by-feed"})), "index-name"),
        (with(json!({"cursor": "garbage"})), "cursor"),
        (
            with(json!({"index-name": "by-feed", "cursor": cursor})),
            "index-name",
        ),
        (with(json!({"max-items": 0})), "max-items"),
        (
            with(json!({"cursor-skew-seconds": 4000})),
            "cursor-skew-seconds",
        ),
        (with(json!({"start-after": "not a number"})), "start-after"),
        (
            with(json!({"partition-value": {"a": 1}})),
            "partition-value",
        ),
    ] {
        let error = fails("poll-new-items", input.clone());
        assert_eq!(error.kind, "invalid-input", "{input}: {error:?}");
        assert_eq!(error.field.as_deref(), Some(field), "{input}: {error:?}");
    }
    let other_table = json!({"region": region, "table-name": "polled-bad-2", "index-name": "by-updated",
                             "partition-value": "all", "cursor": cursor});
    polled_table(region, "polled-bad-2");
    assert_eq!(
        fails("poll-new-items", other_table).field.as_deref(),
        Some("cursor")
    );
}

#[test]
fn stream_requests_go_only_to_the_streams_endpoint_the_connection_names() {
    let (region, table) = ("ap-southeast-3", "routed-stream");
    streamed_table(region, table);
    put(region, table, 1, 1);
    let proxy = test_support::Proxy::start(moto());
    let mut routed = connection(moto());
    routed["streams-endpoint-url"] = json!(proxy.url());
    let step = |connection: &Value| {
        host().run_step(
            &json!({"connection": connection, "action": "read-stream-changes",
                                "input": {"region": region, "table-name": table}}),
        )
    };
    let out = step(&routed).unwrap();
    assert_eq!(out["Records"].as_array().unwrap().len(), 1);
    let operations = proxy.operations();
    assert!(!operations.is_empty());
    assert!(
        operations
            .iter()
            .all(|o| o.starts_with("DynamoDBStreams_20120810.")),
        "only stream requests reach the streams endpoint: {operations:?}"
    );
    let mut elsewhere = connection(moto());
    elsewhere["streams-endpoint-url"] = json!("http://10.9.9.9:8000");
    let error = step(&elsewhere).unwrap_err();
    assert_eq!(error.kind, "network", "{error:?}");
    assert!(
        error
            .message
            .contains("egress policy does not permit connection.streams-endpoint-url"),
        "{error:?}"
    );
}

#[test]
fn a_watch_stops_cleanly_on_sigterm_with_its_state_saved() {
    let (region, table) = ("eu-central-2", "terminated-stream");
    streamed_table(region, table);
    put(region, table, 1, 1);
    let folder = tempfile::tempdir().unwrap();
    let state = folder.path().join("state.json");
    let step = json!({"connection": connection(moto()), "action": "read-stream-changes",
                      "input": {"region": region, "table-name": table}});
    let mut child = watch(&step, &state);
    let lines = lines_of(child.stdout.take().unwrap());
    let first = lines
        .recv_timeout(Duration::from_mins(1))
        .expect("a record");
    assert!(first.contains("INSERT"), "{first}");
    sigterm(child.id());
    let started = Instant::now();
    let status = child.wait().unwrap();
    assert!(status.success(), "exit {status:?}");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "stopped in {:?}",
        started.elapsed()
    );
    // A restarted watch resumes after the saved state: only what came later.
    put(region, table, 2, 1);
    let mut again = watch(&step, &state);
    let lines = lines_of(again.stdout.take().unwrap());
    let next: Value =
        serde_json::from_str(&lines.recv_timeout(Duration::from_mins(1)).unwrap()).unwrap();
    again.kill().ok();
    again.wait().unwrap();
    assert_eq!(next["Keys"]["id"], 2, "{next}");
}

/// A receiver of deliveries: answers 500 to the first `fail` requests, then 200; each
/// request on a channel (`None` for a refused one, the body for an accepted one).
fn receiver(fail: usize) -> (String, std::sync::mpsc::Receiver<Option<Value>>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
                if line == "\r\n" || line.is_empty() {
                    break;
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let status = if n < fail {
                "500 Internal Server Error"
            } else {
                "200 OK"
            };
            let body = (n >= fail).then(|| serde_json::from_slice(&body).unwrap());
            let answer =
                format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            stream.write_all(answer.as_bytes()).ok();
            send.send(body).ok();
        }
    });
    (url, receive)
}

#[test]
fn a_watch_posts_each_poll_to_the_delivery_url_and_saves_the_state_only_once_delivered() {
    let (region, table) = ("il-central-1", "posted-stream");
    streamed_table(region, table);
    for id in 0..3 {
        put(region, table, id, 1);
    }
    let (url, bodies) = receiver(2);
    let folder = tempfile::tempdir().unwrap();
    let state = folder.path().join("state.json");
    let step = json!({"connection": connection(moto()), "action": "read-stream-changes",
                      "input": {"region": region, "table-name": table}});
    let mut child = watch_with(&step, &state, &["--deliver-to", &url]);
    let wait = || {
        bodies
            .recv_timeout(Duration::from_mins(1))
            .expect("a delivery")
    };
    assert_eq!(wait(), None, "the first delivery is refused");
    assert!(
        !state.exists(),
        "no state is saved while the records are not delivered"
    );
    assert_eq!(wait(), None, "the second too");
    let body = wait().expect("the third is accepted");
    let ids: Vec<u64> = body["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Keys"]["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, vec![0, 1, 2]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !state.exists() {
        assert!(
            Instant::now() < deadline,
            "the state is saved once delivered"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().ok();
    child.wait().unwrap();
}
