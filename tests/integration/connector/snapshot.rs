//! Snapshot, then changes (`start-at: SNAPSHOT`) on moto: a table of 1,000 items written
//! to 500 times while its snapshot is read is rebuilt exactly from the records delivered
//! (equal to boto3's scan at the end), and a snapshot resumed from a saved cursor repeats
//! only the poll that was not saved.

use crate::connector::streams::streamed_table;
use crate::harness::*;
use base64::Engine as _;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Write items `ids` with version `v`, 25 a request.
fn write(region: &str, table: &str, ids: impl Iterator<Item = u64>, v: u64) {
    let puts: Vec<Value> = ids.map(|id| json!({"put": {"id": id, "v": v}})).collect();
    for chunk in puts.chunks(500) {
        ok(
            "batch-write-items",
            json!({"region": region, "requests": {table: chunk}}),
        );
    }
}

/// One poll of the trigger from `state`.
fn poll(step: &Value, state: Option<Value>) -> connector_host::trigger::Polled {
    host()
        .poll(step.clone(), state)
        .unwrap_or_else(|e| panic!("poll: {e:?}"))
}

/// The snapshot's segment positions in a cursor (its `snap` member), if it has one.
fn segments(state: &Value) -> Option<Vec<Value>> {
    let text = state.as_str()?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()?;
    let doc: Value = serde_json::from_slice(&bytes).ok()?;
    doc["snap"].as_array().cloned()
}

/// The table as boto3 scans it: id → v.
fn scanned(region: &str, table: &str) -> BTreeMap<u64, u64> {
    let items = boto(
        region,
        &format!(
            "pages = client.get_paginator('scan').paginate(TableName={table:?}, ConsistentRead=True)\n\
             result = [i for p in pages for i in p['Items']]"
        ),
    );
    let number = |v: &Value| v["N"].as_str().unwrap().parse::<u64>().unwrap();
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (number(&i["id"]), number(&i["v"])))
        .collect()
}

/// Apply `records` in order to `table`: snapshot items and inserts and modifies put their
/// image, removes delete their key.
fn apply(table: &mut BTreeMap<u64, u64>, records: &[Value]) {
    for record in records {
        let id = record["Keys"]["id"].as_u64().unwrap();
        match record["EventName"].as_str().unwrap() {
            "REMOVE" => {
                table.remove(&id);
            }
            _ => {
                table.insert(id, record["NewImage"]["v"].as_u64().unwrap());
            }
        }
    }
}

#[test]
fn a_snapshot_then_its_changes_rebuild_the_table_exactly_with_500_writes_during_the_scan() {
    let (region, table) = ("us-gov-east-1", "snapshot-rebuilt");
    streamed_table(region, table);
    write(region, table, 0..1000, 1);
    let step = json!({"connection": connection(moto()), "action": "read-stream-changes",
        "input": {"region": region, "table-name": table, "start-at": "SNAPSHOT",
                  "max-records": 100}});
    let (mut rebuilt, mut state, mut written) = (BTreeMap::new(), None, 0u64);
    let (mut snapshot_records, mut polls) = (0, 0);
    loop {
        let polled = poll(&step, state.take());
        polls += 1;
        assert!(polls < 200, "the trigger never caught up");
        snapshot_records += polled
            .records
            .iter()
            .filter(|r| r["EventName"] == "SNAPSHOT")
            .count();
        apply(&mut rebuilt, &polled.records);
        let in_snapshot = segments(&polled.state).is_some();
        // 500 writes while the snapshot is read: updates, inserts and deletes, 50 a poll.
        if in_snapshot && written < 500 {
            let base = written * 2;
            write(region, table, base..base + 20, 2 + polls);
            write(region, table, 2000 + written..2000 + written + 20, 1);
            let deletes: Vec<Value> = (base + 20..base + 30)
                .map(|id| json!({"delete": {"id": id}}))
                .collect();
            ok(
                "batch-write-items",
                json!({"region": region, "requests": {table: deletes}}),
            );
            written += 50;
        }
        let caught_up = !polled.more && polled.records.is_empty();
        state = Some(polled.state);
        if caught_up && !in_snapshot {
            break;
        }
    }
    assert_eq!(
        written, 500,
        "the snapshot lasted long enough for every write"
    );
    assert!(snapshot_records >= 1000, "{snapshot_records}");
    assert_eq!(
        rebuilt,
        scanned(region, table),
        "the rebuilt table is the table"
    );
}

#[test]
fn a_snapshot_resumed_from_a_saved_cursor_repeats_only_the_unsaved_poll() {
    let (region, table) = ("us-gov-east-1", "snapshot-resumed");
    streamed_table(region, table);
    write(region, table, 0..400, 1);
    let step = json!({"connection": connection(moto()), "action": "read-stream-changes",
        "input": {"region": region, "table-name": table, "start-at": "SNAPSHOT",
                  "max-records": 60}});
    let (mut state, mut delivered) = (None, Vec::new());
    for round in 0.. {
        let polled = poll(&step, state.clone());
        if round == 3 {
            // The runner dies after reading this poll, before saving its state: the next
            // start polls again from the saved state.
            let again = poll(&step, state.clone());
            assert_eq!(again.records, polled.records, "the same records again");
        }
        let snapshot: Vec<&Value> = polled
            .records
            .iter()
            .filter(|r| r["EventName"] == "SNAPSHOT")
            .collect();
        delivered.extend(snapshot.iter().map(|r| r["Keys"]["id"].as_u64().unwrap()));
        let more_snapshot = segments(&polled.state).is_some();
        state = Some(polled.state);
        if !more_snapshot {
            break;
        }
    }
    let mut distinct = delivered.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct, (0..400).collect::<Vec<_>>(), "every item");
    assert_eq!(
        delivered.len(),
        400,
        "following the saved cursors, no segment is read again: each item once"
    );
}
