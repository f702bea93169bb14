//! Bulk steps with batches in flight together, accountable to the last request: whatever
//! ends a `batch-write-items` or `batch-get-items` early (a batch throttled on every
//! attempt, a lost answer, the time limit), the step says which requests were written (or
//! read), which came back unprocessed, were not sent or have an unknown outcome, and what
//! it says is checked against the table as boto3 reads it. Faults come from the proxy.

use crate::harness::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::Duration;
use test_support::{Fault, Proxy};

const REGION: &str = "ap-northeast-3";

/// Puts of the items `ids`, each `{"id": i}`.
fn puts(ids: impl Iterator<Item = u64>) -> Vec<Value> {
    ids.map(|i| json!({"put": {"id": i}})).collect()
}

/// The ids of `table`'s items, as boto3 scans them.
fn stored(table: &str) -> BTreeSet<u64> {
    let snippet = format!(
        r#"
pages = client.get_paginator("scan").paginate(TableName={table:?}, ConsistentRead=True)
result = [int(item["id"]["N"]) for page in pages for item in page["Items"]]
"#
    );
    let ids = boto(REGION, &snippet);
    ids.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect()
}

/// The ids a `requests` (or `keys`) document names for `table`, in order.
fn ids(document: &Value, table: &str) -> Vec<u64> {
    let list = document[table].as_array().cloned().unwrap_or_default();
    let id = |entry: &Value| {
        let key = entry.get("put").or(entry.get("delete")).unwrap_or(entry);
        key["id"].as_u64().expect("an id")
    };
    list.iter().map(id).collect()
}

/// The ids of one part of an accounting, as a set.
fn part(accounts: &Value, name: &str, table: &str) -> BTreeSet<u64> {
    ids(&accounts[name], table).into_iter().collect()
}

/// The written count and the three lists account for each of `total` requests exactly
/// once, and `Remainder` is the three together in input order.
fn check_partition(accounts: &Value, table: &str, input: &[u64]) {
    let left = ["Unprocessed", "NotSent", "Unknown"];
    let listed: usize = left.iter().map(|p| ids(&accounts[p], table).len()).sum();
    let written = usize::try_from(accounts["Written"].as_u64().unwrap()).unwrap();
    assert_eq!(
        written + listed,
        input.len(),
        "every request once: {accounts:#}"
    );
    let remainder = ids(&accounts["Remainder"], table);
    assert_eq!(remainder.len(), listed, "the remainder is the three lists");
    let mut positions = remainder
        .iter()
        .map(|id| input.iter().position(|i| i == id));
    assert!(
        positions.all(|p| p.is_some()),
        "the remainder holds only requests of the input"
    );
}

/// A fresh table through a fresh proxy in front of moto.
fn table_behind_proxy(table: &str) -> Proxy {
    create_table(REGION, table, false);
    Proxy::start(moto())
}

#[test]
fn batches_go_out_together_up_to_the_concurrency_asked() {
    for (table, concurrency, items) in [("bulk-four", Some(4), 400), ("bulk-default", None, 800)] {
        let proxy = table_behind_proxy(table);
        // Every batch waits a little at the proxy, so batches sent together overlap there.
        proxy.inject_always(
            "BatchWriteItem",
            "",
            Fault::Stall(Duration::from_millis(150)),
        );
        let mut input = json!({"region": REGION, "requests": {table: puts(0..items)}});
        if let Some(n) = concurrency {
            input["concurrency"] = json!(n);
        }
        let out = step_at(proxy.url(), "batch-write-items", input).expect("written");
        assert_eq!(out["Written"], items);
        assert_eq!(stored(table).len() as u64, items);
        let most = proxy.most_in_flight();
        let allowed = concurrency.unwrap_or(16);
        assert!(most <= allowed, "{most} in flight, {allowed} allowed");
        assert!(most > allowed / 2, "{most} in flight of {allowed} allowed");
    }
}

#[test]
fn two_writes_of_one_key_in_different_batches_land_in_input_order() {
    let table = "bulk-order";
    create_table(REGION, table, false);
    let mut requests = puts(0..100);
    requests[7] = json!({"put": {"id": 7, "v": "first"}});
    requests.push(json!({"put": {"id": 7, "v": "last"}}));
    requests.push(json!({"delete": {"id": 8}}));
    let out = ok(
        "batch-write-items",
        json!({"region": REGION, "requests": {table: requests}}),
    );
    assert_eq!(out["Written"], 102);
    let item = boto(
        REGION,
        &format!(
            r#"result = client.get_item(TableName={table:?}, Key={{"id": {{"N": "7"}}}})["Item"]"#
        ),
    );
    assert_eq!(item["v"], json!({"S": "last"}));
    assert!(!stored(table).contains(&8), "the delete came after the put");
}

#[test]
fn a_batch_throttled_on_every_attempt_comes_back_unprocessed_and_a_later_write_of_its_keys_is_held_back(
) {
    let table = "bulk-throttled";
    let proxy = table_behind_proxy(table);
    // Batch 40 of 80 holds the items 1000 to 1024: the proxy throttles it every time.
    proxy.inject_always("BatchWriteItem", r#"{"N":"1000"}"#, Fault::Throttle);
    let mut requests = puts(0..2000);
    requests.push(json!({"put": {"id": 1010, "v": "again"}}));
    let input: Vec<u64> = (0..2000).chain([1010]).collect();
    let out = step_at(
        proxy.url(),
        "batch-write-items",
        json!({"region": REGION, "requests": {table: requests}}),
    )
    .expect("a result: the other batches went through");
    check_partition(&out, table, &input);
    let throttled: BTreeSet<u64> = (1000..1025).collect();
    assert_eq!(out["Written"], 1975);
    assert_eq!(part(&out, "Unprocessed", table), throttled);
    assert_eq!(
        ids(&out["NotSent"], table),
        [1010],
        "held back behind its key's write"
    );
    assert_eq!(out["NotSent"][table][0]["put"]["v"], "again");
    assert_eq!(out["Unknown"], json!({}));
    let all: BTreeSet<u64> = (0..2000).collect();
    assert_eq!(
        stored(table),
        &all - &throttled,
        "boto3 reads exactly what was written"
    );
}

#[test]
fn a_lost_answer_ends_the_step_as_outcome_unknown_naming_its_batch_and_accounting_the_rest() {
    let table = "bulk-lost";
    let proxy = table_behind_proxy(table);
    // The batch with items 500 to 524 is applied, but its answer never comes back.
    proxy.inject_always("BatchWriteItem", r#"{"N":"500"}"#, Fault::ResetAfter);
    let input: Vec<u64> = (0..2000).collect();
    // One batch at a time: batch 20 is the one in flight when the step stops.
    let error = step_at(
        proxy.url(),
        "batch-write-items",
        json!({"region": REGION, "requests": {table: puts(0..2000)}, "concurrency": 1}),
    )
    .expect_err("the step ends early");
    assert_eq!(error.kind, "outcome-unknown", "{error:?}");
    assert!(
        !error.message.contains("token"),
        "batch-write-items has no token to repeat with: {}",
        error.message
    );
    assert_eq!(error.progress.as_deref().unwrap()["Written"], 500);
    let progress = error.progress.as_deref().expect("its progress");
    check_partition(progress, table, &input);
    let lost: BTreeSet<u64> = (500..525).collect();
    assert_eq!(part(progress, "Unknown", table), lost);
    let remainder: BTreeSet<u64> = ids(&progress["Remainder"], table).into_iter().collect();
    let written: BTreeSet<u64> = input
        .iter()
        .copied()
        .filter(|i| !remainder.contains(i))
        .collect();
    let not_sent = part(progress, "NotSent", table);
    assert_eq!(not_sent, (525..2000).collect(), "the step stopped sending");
    assert_eq!(
        stored(table),
        &written | &lost,
        "boto3 reads what was written and the batch whose answer was lost, nothing not sent"
    );
    assert!(
        error.message.contains("unknown outcome"),
        "{}",
        error.message
    );
}

#[test]
fn the_time_limit_ends_a_step_in_flight_as_timeout_with_every_request_accounted() {
    let table = "bulk-late";
    let proxy = table_behind_proxy(table);
    proxy.inject_always(
        "BatchWriteItem",
        r#"{"N":"300"}"#,
        Fault::Stall(Duration::from_secs(6)),
    );
    let input: Vec<u64> = (0..1000).collect();
    let error = step_at(
        proxy.url(),
        "batch-write-items",
        json!({"region": REGION, "requests": {table: puts(0..1000)}, "time-limit-seconds": 2}),
    )
    .expect_err("the step ends at its time limit");
    assert_eq!(error.kind, "timeout", "{error:?}");
    let progress = error.progress.as_deref().expect("its progress");
    check_partition(progress, table, &input);
    let stalled: BTreeSet<u64> = (300..325).collect();
    assert!(
        part(progress, "Unknown", table).is_superset(&stalled),
        "{progress:#}"
    );
    let remainder: BTreeSet<u64> = ids(&progress["Remainder"], table).into_iter().collect();
    let written: BTreeSet<u64> = input
        .iter()
        .copied()
        .filter(|i| !remainder.contains(i))
        .collect();
    std::thread::sleep(Duration::from_secs(6));
    let now = stored(table);
    assert!(
        now.is_superset(&written),
        "everything counted as written is there"
    );
    assert!(
        part(progress, "NotSent", table).is_disjoint(&now),
        "nothing counted as not sent is there"
    );
}

#[test]
fn the_host_lowers_the_time_limit_to_its_deadline_so_the_step_reports_before_it() {
    let table = "bulk-host-deadline";
    let proxy = table_behind_proxy(table);
    proxy.inject_always(
        "BatchWriteItem",
        r#"{"N":"30"}"#,
        Fault::Stall(Duration::from_secs(10)),
    );
    let host = new_host(|o| o.limits.timeout = Duration::from_secs(3));
    let step = json!({"connection": connection(proxy.url()), "action": "batch-write-items",
        "input": {"region": REGION, "requests": {table: puts(0..200)}}});
    let error = host.run_step(&step).expect_err("the step ends early");
    assert_eq!(error.kind, "timeout", "{error:?}");
    let progress = error
        .progress
        .as_deref()
        .expect("the component's own report, not the host's deadline");
    check_partition(progress, table, &(0..200).collect::<Vec<_>>());
    assert!(part(progress, "Unknown", table).contains(&30));
}

#[test]
fn a_batch_get_whose_answers_are_lost_ends_early_with_what_it_read_and_the_keys_left() {
    let table = "bulk-get-lost";
    let proxy = table_behind_proxy(table);
    ok(
        "batch-write-items",
        json!({"region": REGION, "requests": {table: puts(0..250)}}),
    );
    proxy.inject_always("BatchGetItem", r#"{"N":"150"}"#, Fault::ResetAfter);
    let keys: Vec<Value> = (0..250).map(|i| json!({"id": i})).collect();
    let error = step_at(
        proxy.url(),
        "batch-get-items",
        json!({"region": REGION, "keys": {table: keys}}),
    )
    .expect_err("the step ends early");
    assert_eq!(error.kind, "network", "{error:?}");
    let progress = error.progress.as_deref().expect("its progress");
    let read: BTreeSet<u64> = ids(&progress["Responses"], table).into_iter().collect();
    let unread: BTreeSet<u64> = (100..200).collect();
    let others: BTreeSet<u64> = (0..100).chain(200..250).collect();
    assert_eq!(part(progress, "UnprocessedKeys", table), unread);
    assert!(read.is_subset(&others));
    let remainder: BTreeSet<u64> = ids(&progress["Remainder"], table).into_iter().collect();
    assert_eq!(
        &read | &remainder,
        (0..250).collect(),
        "every key read or left"
    );
    assert!(read.is_disjoint(&remainder));
}

#[test]
fn a_parallel_scan_at_its_time_limit_returns_what_it_read_and_where_each_segment_resumes() {
    let table = "bulk-scan-late";
    let proxy = table_behind_proxy(table);
    ok(
        "batch-write-items",
        json!({"region": REGION, "requests": {table: puts(0..200)}}),
    );
    // Every segment's first page (10 items) comes back; every later page stalls.
    proxy.inject_always(
        "Scan",
        "ExclusiveStartKey",
        Fault::Stall(Duration::from_secs(6)),
    );
    let scan = json!({"region": REGION, "table-name": table, "segments": 4, "limit": 10,
        "time-limit-seconds": 2});
    let error = step_at(proxy.url(), "scan-items", scan).expect_err("the scan ends early");
    assert_eq!(error.kind, "timeout", "{error:?}");
    let progress = error.progress.as_deref().expect("its progress");
    let mut read = ids(progress, "Items");
    assert_eq!(read.len(), 40, "one page of each segment: {progress:#}");
    let remaining = progress["Remaining"].as_array().expect("Remaining");
    assert_eq!(remaining.len(), 4, "{progress:#}");
    for resume in remaining {
        assert!(resume["exclusive-start-key"].is_object(), "{resume}");
        let mut input = resume.clone();
        input["region"] = json!(REGION);
        input["table-name"] = json!(table);
        input["fetch-all"] = json!(true);
        read.extend(ids(&ok("scan-items", input), "Items"));
    }
    let once: BTreeSet<u64> = read.iter().copied().collect();
    assert_eq!(once.len(), read.len(), "no item twice");
    assert_eq!(once, stored(table), "the resumed segments read the rest");
}
