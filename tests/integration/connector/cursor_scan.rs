//! `poll-new-items` without an index (the scan form): passes of a parallel scan by a cursor
//! attribute many items share, with writes landing at the boundary and above it during
//! the polls and a runner that dies mid-pass and polls again from its saved cursor: every
//! item's last write is delivered (none lost), on moto and on dynalite; and the form's
//! inputs are checked before anything is sent.

use crate::harness::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Write items `(id, updatedAt)` to `table` at `endpoint`, 25 a request.
fn stamp(endpoint: &str, region: &str, table: &str, items: &[(u64, u64)]) {
    let puts: Vec<Value> = items
        .iter()
        .map(|(id, at)| json!({"put": {"id": id, "updatedAt": at}}))
        .collect();
    step_at(
        endpoint,
        "batch-write-items",
        json!({"region": region, "requests": {table: puts}}),
    )
    .unwrap_or_else(|e| panic!("write: {e:?}"));
}

/// Poll the scan form at `endpoint` until a whole pass after the last write returns
/// nothing, writing `during` (a list per round) meanwhile and repeating one poll as a
/// runner that died before saving its cursor would: the last `updatedAt` delivered per id.
fn poll_through(
    endpoint: &str,
    region: &str,
    table: &str,
    during: &[Vec<(u64, u64)>],
) -> BTreeMap<u64, u64> {
    let input = json!({"region": region, "table-name": table, "cursor-attribute": "updatedAt",
                       "max-items": 40, "segments": 3});
    let (mut delivered, mut cursor): (BTreeMap<u64, u64>, Option<Value>) = (BTreeMap::new(), None);
    let mut quiet_passes = 0;
    for round in 0..400 {
        let mut step = input.clone();
        if let Some(cursor) = &cursor {
            step["cursor"] = cursor.clone();
        }
        let mut out = step_at(endpoint, "poll-new-items", step.clone())
            .unwrap_or_else(|e| panic!("poll: {e:?}"));
        if round == 5 {
            // The runner died before saving this poll's cursor: poll again from the last.
            out = step_at(endpoint, "poll-new-items", step).unwrap();
        }
        let items = out["Items"].as_array().unwrap();
        for item in items {
            let (id, at) = (
                item["id"].as_u64().unwrap(),
                item["updatedAt"].as_u64().unwrap(),
            );
            let kept = delivered.entry(id).or_insert(at);
            *kept = (*kept).max(at);
        }
        if let Some(writes) = during.get(round) {
            stamp(endpoint, region, table, writes);
        }
        cursor = Some(out["Cursor"].clone());
        let pass_ended = out["More"] == false;
        if pass_ended && round >= during.len() {
            quiet_passes += usize::from(items.is_empty());
            if quiet_passes == 1 {
                return delivered;
            }
        }
    }
    panic!("the polls never came to a quiet pass");
}

/// The scenario on `endpoint`: 300 items on six shared values, then, during the polls and
/// as a growing attribute is written (never below what exists), each round a new item at
/// the boundary (the highest value so far), one above it, and an old item rewritten above
/// it.
fn loses_nothing(endpoint: &str, region: &str, table: &str) {
    let first: Vec<(u64, u64)> = (0..300).map(|id| (id, id / 50)).collect();
    stamp(endpoint, region, table, &first);
    let during: Vec<Vec<(u64, u64)>> = (0..12)
        .map(|round| {
            let new = 1000 + round * 3;
            vec![
                (new, 5 + round),
                (new + 1, 6 + round),
                (round * 7, 6 + round),
            ]
        })
        .collect();
    let delivered = poll_through(endpoint, region, table, &during);
    let mut expected: BTreeMap<u64, u64> = first.into_iter().collect();
    for writes in &during {
        expected.extend(writes.iter().copied());
    }
    let lost: Vec<(&u64, &u64)> = expected
        .iter()
        .filter(|(id, at)| delivered.get(id) != Some(at))
        .collect();
    assert!(lost.is_empty(), "last writes never delivered: {lost:?}");
}

#[test]
fn the_scan_form_delivers_every_last_write_across_ties_boundary_writes_and_a_repeated_poll_on_moto()
{
    let (region, table) = ("us-gov-east-1", "cursor-scan");
    create_table(region, table, false);
    loses_nothing(moto(), region, table);
}

#[test]
fn the_scan_form_delivers_every_last_write_on_dynalite() {
    let (region, table) = ("us-east-1", "cursor-scan-dynalite");
    create_active_table(test_support::dynalite(), region, table, false);
    loses_nothing(test_support::dynalite(), region, table);
}

#[test]
fn scan_form_inputs_are_checked_before_anything_is_sent() {
    let base = json!({"region": "us-gov-east-1", "table-name": "cursor-scan-bad"});
    let with = |changes: Value| merged(&base, changes);
    for (input, field) in [
        (base.clone(), "index-name"),
        (
            with(json!({"cursor-attribute": "updatedAt", "index-name": "by-updated"})),
            "cursor-attribute",
        ),
        (
            with(json!({"cursor-attribute": "updatedAt", "partition-value": "all"})),
            "partition-value",
        ),
        (
            with(json!({"cursor-attribute": "updatedAt", "segments": 17})),
            "segments",
        ),
        (
            with(json!({"cursor-attribute": "updatedAt", "start-after": [1]})),
            "start-after",
        ),
    ] {
        let error = fails("poll-new-items", input.clone());
        assert_eq!(error.kind, "invalid-input", "{input}: {error:?}");
        assert_eq!(error.field.as_deref(), Some(field), "{input}: {error:?}");
    }
}
