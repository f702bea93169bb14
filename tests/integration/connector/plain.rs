//! Plain JSON conditions, filters, key conditions and updates (docs/expressions.md) through
//! the host, on moto and on dynalite: random filter and update trees (proptest, fixed seed)
//! against a reference evaluator, and the names the expression syntax trips on.
//!
//! More cases: `PLAIN_CASES=2000 cargo test -p connector-host --test integration plain::`
//! (`PLAIN_SEED=<n>` for another fixed seed).

mod reference;

use crate::harness::*;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Map, Value};
use std::sync::atomic::{AtomicU64, Ordering};

const REGION: &str = "eu-west-1";

/// moto and dynalite, by name.
fn servers() -> [(&'static str, &'static str); 2] {
    [("moto", moto()), ("dynalite", dynalite())]
}

/// A runner with the fixed seed (or `PLAIN_SEED`) and `PLAIN_CASES` cases (default `cases`).
fn runner(cases: u32) -> TestRunner {
    let cases = std::env::var("PLAIN_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    let seed: u64 = std::env::var("PLAIN_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(21);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 64,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

/// Create table `name` (hash key `id`, N; range key `sk`, S when `range`) on `server`.
fn table(server: &str, name: &str, range: bool) {
    create_active_table(server, REGION, name, range);
}

fn on(server: &str, action: &str, input: Value) -> Value {
    step_at(server, action, input.clone())
        .unwrap_or_else(|e| panic!("{action} {input} on {server}: {e:?}"))
}

// ---- the items a filter is tried on ----

/// Item `i` of the filter table, with its value types: every kind of attribute, some
/// missing, names that are reserved words or hold a dot or a dash.
fn filter_item(i: u64) -> (Value, Value) {
    let pick = |list: &[&str], k: u64| list[usize::try_from(k).unwrap() % list.len()].to_string();
    let mut value = Map::new();
    let mut types = Map::new();
    let mut put = |name: &str, v: Value, t: &str| {
        value.insert(name.into(), v);
        types.insert(name.into(), t.into());
    };
    put("id", json!(i), "N");
    put(
        "status",
        json!(pick(&["open", "closed", "new", "Open"], i)),
        "S",
    );
    put(
        "name",
        json!(pick(&["ann", "bob", "anna", "an", "bo"], i * 3)),
        "S",
    );
    put("count", json!(i64::try_from(i * 7 % 9).unwrap() - 3), "N");
    if !i.is_multiple_of(3) {
        put(
            "order-total",
            serde_json::from_str(&format!("{}.5", i % 5)).unwrap(),
            "N",
        );
    }
    if i % 4 != 1 {
        put(
            "a.b",
            json!(pick(&["x", "open", "anna", "2026-03"], i)),
            "S",
        );
    }
    if i % 5 != 2 {
        put(
            "date",
            json!(format!("2026-0{}-1{}", i % 9 + 1, i % 3)),
            "S",
        );
    }
    // Every item has info, list and tags: moto fails a filter that measures the size of a
    // missing attribute (the service and dynalite evaluate it false).
    let mut info = json!({"b": pick(&["a", "an", "bob"], i)});
    if i.is_multiple_of(2) {
        info["a"] = json!(i % 4);
    }
    put("info", info, "M");
    let list: Vec<u64> = [i % 4, i % 5]
        .into_iter()
        .take(usize::try_from(i % 3).unwrap())
        .collect();
    put("list", json!(list), "L");
    let tags: Vec<&str> = ["x", "y", "z"]
        .into_iter()
        .take(usize::try_from(i % 3).unwrap() + 1)
        .collect();
    put("tags", json!(tags), "SS");
    match i % 3 {
        // Only true: dynalite finds no type in a false BOOL (attribute_type(flag, :BOOL) is false).
        0 => put("flag", json!(true), "BOOL"),
        1 => put("flag", Value::Null, "NULL"),
        _ => {}
    }
    (Value::Object(value), Value::Object(types))
}

// ---- the filter generator ----

const COMPARISONS: [&str; 6] = ["eq", "ne", "lt", "lte", "gt", "gte"];
const S_PATHS: [&str; 5] = ["status", "name", "\"a.b\"", "date", "info.b"];
const N_PATHS: [&str; 5] = ["count", "order-total", "info.a", "list[0]", "list[1]"];
const ALL_PATHS: [&str; 8] = [
    "status", "info", "list", "tags", "flag", "ghost", "info.a", "\"a.b\"",
];
const S_VALUES: [&str; 12] = [
    "open",
    "closed",
    "new",
    "Open",
    "a",
    "an",
    "ann",
    "anna",
    "bob",
    "x",
    "2026-03",
    "2026-05-1",
];
const TYPES: [&str; 9] = ["S", "N", "B", "SS", "NS", "L", "M", "BOOL", "NULL"];

fn leaf(path: &str, operator: &str, argument: Value) -> Value {
    let mut m = Map::new();
    m.insert("attr".into(), json!(path));
    m.insert(operator.into(), argument);
    Value::Object(m)
}

fn s_value() -> impl Strategy<Value = Value> + Clone {
    select(&S_VALUES[..]).prop_map(Value::from)
}

fn n_value() -> impl Strategy<Value = Value> + Clone {
    (-4i64..10, any::<bool>()).prop_map(|(n, half)| {
        let text = if half {
            format!("{n}.5")
        } else {
            n.to_string()
        };
        serde_json::from_str(&text).unwrap()
    })
}

fn number(v: &Value) -> f64 {
    v.to_string().parse().unwrap()
}

/// `[low, high]` in order (the service refuses a reversed `between`).
fn ordered(a: Value, b: Value) -> Value {
    let swap = match (&a, &b) {
        (Value::String(x), Value::String(y)) => x > y,
        _ => number(&a) > number(&b),
    };
    if swap {
        json!([b, a])
    } else {
        json!([a, b])
    }
}

/// A value, or another attribute of the same type that every item has (never the subject).
fn operand(
    path: &'static str,
    value: BoxedStrategy<Value>,
    always: &'static str,
) -> BoxedStrategy<Value> {
    if path == always {
        return value;
    }
    prop_oneof![3 => value, 1 => Just(json!({"attr": always}))].boxed()
}

fn string_leaf() -> BoxedStrategy<Value> {
    let path = select(&S_PATHS[..]);
    prop_oneof![
        (path.clone(), select(&COMPARISONS[..])).prop_flat_map(|(p, op)| {
            let other = if p == "status" { "name" } else { "status" };
            operand(p, s_value().boxed(), other).prop_map(move |v| leaf(p, op, v))
        }),
        (path.clone(), s_value(), s_value()).prop_map(|(p, a, b)| leaf(
            p,
            "between",
            ordered(a, b)
        )),
        (path.clone(), prop::collection::vec(s_value(), 1..4)).prop_map(|(p, v)| leaf(
            p,
            "in",
            json!(v)
        )),
        (path.clone(), select(&["a", "an", "o", "2026-0", "x"][..])).prop_map(|(p, v)| leaf(
            p,
            "begins-with",
            json!(v)
        )),
        (path.clone(), select(&["n", "o", "2", "-0", "bo"][..])).prop_map(|(p, v)| leaf(
            p,
            "contains",
            json!(v)
        )),
        (
            select(&["status", "name", "info.b"][..]),
            select(&COMPARISONS[..]),
            0i64..6
        )
            .prop_map(|(p, op, n)| size_leaf(p, op, n)),
    ]
    .boxed()
}

fn number_leaf() -> BoxedStrategy<Value> {
    let path = select(&N_PATHS[..]);
    prop_oneof![
        (path.clone(), select(&COMPARISONS[..])).prop_flat_map(|(p, op)| operand(
            p,
            n_value().boxed(),
            "count"
        )
        .prop_map(move |v| leaf(p, op, v))),
        (path.clone(), n_value(), n_value()).prop_map(|(p, a, b)| leaf(
            p,
            "between",
            ordered(a, b)
        )),
        (path, prop::collection::vec(n_value(), 1..4)).prop_map(|(p, v)| leaf(p, "in", json!(v))),
    ]
    .boxed()
}

/// `{"attr": path, "size": {op: n}}`.
fn size_leaf(path: &str, operator: &str, n: i64) -> Value {
    let mut inner = Map::new();
    inner.insert(operator.into(), json!(n));
    leaf(path, "size", Value::Object(inner))
}

fn other_leaf() -> BoxedStrategy<Value> {
    let size = |p: &'static str| {
        (select(&COMPARISONS[..]), 0i64..4).prop_map(move |(op, n)| size_leaf(p, op, n))
    };
    prop_oneof![
        s_value().prop_map(|v| leaf("tags", "contains", v)),
        (0i64..5).prop_map(|n| leaf("list", "contains", json!(n))),
        size("tags"),
        size("list"),
        size("info"),
        (select(&ALL_PATHS[..]), any::<bool>()).prop_map(|(p, b)| leaf(p, "exists", json!(b))),
        (select(&ALL_PATHS[..]), any::<bool>()).prop_map(|(p, b)| leaf(p, "not-exists", json!(b))),
        (select(&ALL_PATHS[..]), select(&TYPES[..])).prop_map(|(p, t)| leaf(p, "type", json!(t))),
        any::<bool>().prop_map(|b| leaf("flag", "eq", json!(b))),
        s_value().prop_map(|v| leaf("ghost", "ne", v)),
    ]
    .boxed()
}

fn condition() -> impl Strategy<Value = Value> {
    let leaves = prop_oneof![string_leaf(), number_leaf(), other_leaf()];
    leaves.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(|c| json!({"and": c})),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|c| json!({"or": c})),
            inner.prop_map(|c| json!({"not": c})),
        ]
    })
}

/// The ids of `items` (DynamoDB JSON), sorted.
fn ids(items: &[Value]) -> Vec<u64> {
    let mut ids: Vec<u64> = items
        .iter()
        .map(|i| i["id"]["N"].as_str().unwrap().parse().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

#[test]
fn filters_keep_the_items_the_reference_evaluator_keeps_on_moto_and_dynalite() {
    let stored: Vec<(&str, Vec<Value>)> = servers()
        .into_iter()
        .map(|(name, server)| {
            table(server, "plain-filters", false);
            for i in 0..18 {
                let (value, types) = filter_item(i);
                on(server, "upsert-item", json!({"region": REGION, "table-name": "plain-filters", "value": value, "value-types": types}));
            }
            let all = on(server, "scan-items", json!({"region": REGION, "table-name": "plain-filters", "fetch-all": true, "item-format": "dynamodb-json"}));
            let items = all["Items"].as_array().unwrap().clone();
            assert_eq!(items.len(), 18, "{name}");
            (server, items)
        })
        .collect();
    let names = ["moto", "dynalite"];
    let kept_some = AtomicU64::new(0);
    runner(48)
        .run(&condition(), |filter| {
            for ((server, items), name) in stored.iter().zip(names) {
                let wanted: Vec<Value> = items
                    .iter()
                    .filter(|item| reference::holds(&filter, &json!({"M": item})))
                    .cloned()
                    .collect();
                let got = step_at(
                    server,
                    "scan-items",
                    json!({"region": REGION, "table-name": "plain-filters",
                    "fetch-all": true, "item-format": "dynamodb-json", "filter": filter}),
                )
                .map_err(|e| TestCaseError::fail(format!("{name}: {filter} failed: {e:?}")))?;
                let got = got["Items"].as_array().unwrap();
                prop_assert_eq!(
                    ids(got),
                    ids(&wanted),
                    "{} kept other items for {}",
                    name,
                    filter
                );
                if !wanted.is_empty() && wanted.len() < items.len() {
                    kept_some.fetch_add(1, Ordering::Relaxed);
                }
            }
            Ok(())
        })
        .unwrap();
    let kept_some = kept_some.into_inner();
    assert!(
        kept_some > 10,
        "the filters must split the items, not keep all or none: {kept_some}"
    );
}

// ---- updates ----

/// What a path of the base item holds, so each action fits it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Holds {
    Text,
    Number,
    Strings,
    List,
    Missing,
    MissingNested,
}

/// The paths an update may write: none inside another, so any of them go together.
const UPDATE_PATHS: [(&str, Holds); 13] = [
    ("status", Holds::Text),
    ("count", Holds::Number),
    ("name", Holds::Text),
    ("order-total", Holds::Number),
    ("\"a.b\"", Holds::Text),
    ("date", Holds::Text),
    ("info.a", Holds::Number),
    ("info.z", Holds::MissingNested),
    ("list[0]", Holds::Number),
    ("tags", Holds::Strings),
    ("log", Holds::Missing),
    ("history", Holds::List),
    ("fresh", Holds::Missing),
];

/// The base item every update starts from, with its value types.
fn base_item(id: u64) -> (Value, Value) {
    let value = json!({"id": id, "status": "open", "count": 5, "name": "ann", "order-total": 10,
        "a.b": "dotted", "date": "2026-12-01", "info": {"a": 1, "b": "b"}, "list": [1, 2],
        "tags": ["x", "y"], "history": ["h0"]});
    let types = json!({"id": "N", "status": "S", "count": "N", "name": "S", "order-total": "N",
        "a.b": "S", "date": "S", "info": "M", "list": "L", "tags": "SS", "history": "L"});
    (value, types)
}

fn strings() -> impl Strategy<Value = Value> + Clone {
    prop::collection::btree_set(select(&["x", "y", "w", "z"][..]), 1..3)
        .prop_map(|set| json!(set.into_iter().collect::<Vec<_>>()))
}

/// One action `(clause, path, plain value)` that fits what `path` holds.
fn action(path: &'static str, holds: Holds) -> BoxedStrategy<(&'static str, &'static str, Value)> {
    let value = prop_oneof![s_value(), n_value()].boxed();
    let small = (-3i64..7).prop_map(|n| json!(n));
    let list = prop::collection::vec(s_value(), 1..3).prop_map(|l| json!(l));
    let with = move |clause: &'static str, s: BoxedStrategy<Value>| {
        s.prop_map(move |v| (clause, path, v)).boxed()
    };
    let mut choices = vec![
        with("set", value.clone()),
        with("remove", Just(Value::Null).boxed()),
    ];
    match holds {
        Holds::Text => choices.push(with("if-not-exists", value)),
        Holds::Number => {
            choices.push(with("if-not-exists", value));
            choices.push(with("increment", small.clone().boxed()));
            if !path.contains(['.', '[']) {
                choices.push(with("add", small.boxed()));
            }
        }
        Holds::Strings => {
            choices.push(with("add", strings().boxed()));
            choices.push(with("delete", strings().boxed()));
        }
        Holds::List => {
            choices.push(with("append", list.clone().boxed()));
            choices.push(with("prepend", list.boxed()));
        }
        Holds::Missing | Holds::MissingNested => {
            choices.push(with("if-not-exists", value));
            choices.push(with("increment", small.clone().boxed()));
            choices.push(with("append", list.clone().boxed()));
            choices.push(with("prepend", list.boxed()));
            if holds == Holds::Missing {
                choices.push(with("add", small.boxed()));
                choices.push(with("add", strings().boxed()));
            }
        }
    }
    prop::strategy::Union::new(choices).boxed()
}

fn update_actions() -> impl Strategy<Value = Vec<(&'static str, &'static str, Value)>> {
    subsequence(&UPDATE_PATHS[..], 1..6)
        .prop_flat_map(|paths| {
            paths
                .into_iter()
                .map(|(p, h)| action(p, h))
                .collect::<Vec<_>>()
        })
        .prop_shuffle()
}

/// The plain update of `actions`: `{"set": {path: value}, "remove": [path], ...}`.
fn plain_update(actions: &[(&str, &str, Value)]) -> Value {
    let mut update = Map::new();
    for (clause, path, value) in actions {
        if *clause == "remove" {
            let paths = update.entry("remove").or_insert_with(|| json!([]));
            paths.as_array_mut().unwrap().push(json!(path));
        } else {
            let entries = update.entry(*clause).or_insert_with(|| json!({}));
            entries[*path] = value.clone();
        }
    }
    Value::Object(update)
}

/// An action's value in DynamoDB JSON, as the connector types it in that clause.
fn typed_action(clause: &str, value: &Value) -> Value {
    match (clause, value) {
        ("add" | "delete", Value::Array(members)) => json!({"SS": members}),
        (_, Value::Array(members)) => {
            json!({"L": members.iter().map(|m| json!({"S": m})).collect::<Vec<_>>()})
        }
        (_, Value::String(s)) => json!({"S": s}),
        (_, Value::Number(n)) => json!({"N": n.to_string()}),
        _ => Value::Null,
    }
}

#[test]
fn updates_leave_what_the_reference_evaluator_leaves_on_moto_and_dynalite() {
    for (_, server) in servers() {
        table(server, "plain-updates", false);
    }
    let next_id = AtomicU64::new(0);
    runner(40)
        .run(&update_actions(), |actions| {
            let update = plain_update(&actions);
            let id = next_id.fetch_add(1, Ordering::Relaxed);
            for (name, server) in servers() {
                let (value, types) = base_item(id);
                let at = json!({"region": REGION, "table-name": "plain-updates"});
                let mut put = at.clone();
                put["value"] = value;
                put["value-types"] = types;
                on(server, "upsert-item", put);
                let mut get = at.clone();
                get["hash-key-value"] = json!(id.to_string());
                get["item-format"] = json!("dynamodb-json");
                let base = json!({"M": on(server, "get-item", get.clone())["Item"]});
                let steps: Vec<(String, String, Value)> = actions
                    .iter()
                    .map(|(c, p, v)| ((*c).to_string(), (*p).to_string(), typed_action(c, v)))
                    .collect();
                let wanted = reference::apply(&base, &steps);
                get["update"] = update.clone();
                get["return-values"] = json!("all-new");
                let got = step_at(server, "update-item", get)
                    .map_err(|e| TestCaseError::fail(format!("{name}: {update} failed: {e:?}")))?;
                let got = json!({"M": got["Attributes"]});
                prop_assert_eq!(
                    reference::normalise(&got),
                    reference::normalise(&wanted),
                    "{} left another item for {}",
                    name,
                    update
                );
            }
            Ok(())
        })
        .unwrap();
}

// ---- the names expressions trip on, and the refusals ----

/// A table whose key attributes are a reserved word with a dash and a reserved word:
/// `user-id` (S) and `date` (S).
fn odd_table(server: &str, name: &str) {
    step_at(
        server,
        "create-table",
        json!({"region": REGION, "table-name": name,
        "attribute-definitions": [{"AttributeName": "user-id", "AttributeType": "S"},
                                  {"AttributeName": "date", "AttributeType": "S"}],
        "key-schema": [{"AttributeName": "user-id", "KeyType": "HASH"},
                       {"AttributeName": "date", "KeyType": "RANGE"}],
        "billing-mode": "PAY_PER_REQUEST", "wait": true}),
    )
    .unwrap_or_else(|e| panic!("create {name}: {e:?}"));
}

#[test]
fn reserved_words_and_odd_names_work_in_every_plain_input_on_moto_and_dynalite() {
    for (name, server) in servers() {
        let t = "plain-odd-names";
        odd_table(server, t);
        let at = |more: Value| {
            let mut input = json!({"region": REGION, "table-name": t});
            input
                .as_object_mut()
                .unwrap()
                .extend(more.as_object().unwrap().clone());
            input
        };
        let item = json!({"user-id": "u-1", "date": "2026-12-01", "status": "new", "name": "Ann",
            "count": 1, "order.total": 10, "größe": "M", "comment": "first"});
        let types = json!({"user-id": "S", "date": "S", "status": "S", "name": "S", "count": "N",
            "order.total": "N", "größe": "S", "comment": "S"});
        let put = on(
            server,
            "upsert-item",
            at(json!({"value": item, "value-types": types,
            "condition": {"attr": "user-id", "not-exists": true}})),
        );
        assert_eq!(
            put["Expression"]["ConditionExpression"], "attribute_not_exists(#n0)",
            "{name}"
        );
        let again = step_at(
            server,
            "upsert-item",
            at(json!({"value": item, "value-types": types,
            "condition": {"attr": "user-id", "not-exists": true}})),
        )
        .unwrap_err();
        assert_eq!(again.kind, "conditional-check-failed", "{name}: {again:?}");
        let updated = on(
            server,
            "update-item",
            at(
                json!({"hash-key-value": "u-1", "range-key-value": "2026-12-01",
            "condition": {"and": [{"attr": "status", "eq": "new"}, {"attr": "\"order.total\"", "gte": 10},
                                  {"attr": "größe", "in": ["S", "M"]}]},
            "update": {"set": {"status": "shipped", "name": {"attr": "comment"}}, "increment": {"count": 2},
                       "remove": ["comment"], "append": {"date-log": ["shipped"]}}}),
            ),
        );
        let attributes = &updated["Attributes"];
        assert_eq!(attributes["status"], "shipped", "{name}");
        assert_eq!(attributes["name"], "first", "{name}");
        assert_eq!(attributes["count"], 3, "{name}");
        assert_eq!(attributes["date-log"], json!(["shipped"]), "{name}");
        assert!(attributes.get("comment").is_none(), "{name}");
        let queried = on(
            server,
            "query-items",
            at(json!({
            "key-condition": {"and": [{"attr": "user-id", "eq": "u-1"}, {"attr": "date", "begins-with": "2026-"}]},
            "filter": {"attr": "status", "eq": "shipped"}})),
        );
        assert_eq!(queried["Count"], 1, "{name}: {queried}");
        let names = queried["Expression"]["ExpressionAttributeNames"]
            .as_object()
            .unwrap();
        assert_eq!(
            names.values().collect::<Vec<_>>(),
            ["user-id", "date", "status"],
            "{name}"
        );
        let scanned = on(
            server,
            "scan-items",
            at(json!({"filter": {"or": [
            {"attr": "date", "between": ["2026-01-01", "2026-12-31"]}, {"attr": "count", "gt": 100}]}})),
        );
        assert_eq!(scanned["Count"], 1, "{name}");
        let deleted = step_at(
            server,
            "delete-item",
            at(
                json!({"hash-key-value": "u-1", "range-key-value": "2026-12-01",
            "condition": {"attr": "status", "eq": "new"}}),
            ),
        )
        .unwrap_err();
        assert_eq!(deleted.kind, "conditional-check-failed", "{name}");
        let deleted = on(
            server,
            "delete-item",
            at(
                json!({"hash-key-value": "u-1", "range-key-value": "2026-12-01",
            "condition": {"not": {"attr": "status", "eq": "new"}}}),
            ),
        );
        assert_eq!(deleted["Attributes"]["status"], "shipped", "{name}");
    }
}

/// Steps refused before any request: `(action, input, the field named)`.
fn refusals() -> Vec<(&'static str, Value, &'static str)> {
    let t = json!("plain-refused");
    let key = json!({"region": REGION, "table-name": t, "hash-key-value": "1"});
    let with = |base: &Value, more: Value| {
        let mut input = base.clone();
        input
            .as_object_mut()
            .unwrap()
            .extend(more.as_object().unwrap().clone());
        input
    };
    let condition = json!({"attr": "a", "eq": 1});
    let cases = [
        (
            "upsert-item",
            with(
                &json!({"region": REGION, "table-name": t, "value": {"id": 1}, "value-types": {"id": "N"}}),
                json!({"condition": condition, "condition-expression": "a = :a"}),
            ),
            "condition",
        ),
        (
            "delete-item",
            with(
                &key,
                json!({"condition": condition, "condition-expression": "a = :a"}),
            ),
            "condition",
        ),
        (
            "update-item",
            with(
                &key,
                json!({"update": {"set": {"a": 1}}, "update-expression": "SET a = :a"}),
            ),
            "update",
        ),
        ("update-item", key.clone(), "update-expression"),
        (
            "update-item",
            with(&key, json!({"update": {"set": {"a": 1}, "remove": ["a"]}})),
            "update.remove[0]",
        ),
        (
            "query-items",
            json!({"region": REGION, "table-name": t, "key-condition": condition,
            "key-condition-expression": "id = :id"}),
            "key-condition",
        ),
        (
            "query-items",
            json!({"region": REGION, "table-name": t}),
            "key-condition-expression",
        ),
        (
            "query-items",
            json!({"region": REGION, "table-name": t,
            "key-condition": {"or": [condition]}}),
            "key-condition",
        ),
        (
            "query-items",
            json!({"region": REGION, "table-name": t, "key-condition": condition,
            "filter": condition, "filter-expression": "b = :b"}),
            "filter",
        ),
        (
            "scan-items",
            json!({"region": REGION, "table-name": t, "filter": condition,
            "filter-expression": "b = :b"}),
            "filter",
        ),
        (
            "scan-items",
            json!({"region": REGION, "table-name": t,
            "filter": {"attr": "a..b", "eq": 1}}),
            "filter.attr",
        ),
        (
            "transact-write-items",
            json!({"region": REGION, "actions": [
            {"table-name": t, "update": {"id": 1}, "changes": {"set": {"a": 1}}, "update-expression": "SET a = :a"}]}),
            "actions[0].changes",
        ),
        (
            "transact-write-items",
            json!({"region": REGION, "actions": [
            {"table-name": t, "delete": {"id": 1}, "condition": condition, "condition-expression": "a = :a"}]}),
            "actions[0].condition",
        ),
        (
            "transact-write-items",
            json!({"region": REGION, "actions": [
            {"table-name": t, "delete": {"id": 1}, "changes": {"set": {"a": 1}}}]}),
            "actions[0].changes",
        ),
    ];
    cases.to_vec()
}

#[test]
fn a_plain_input_beside_its_expression_is_refused_before_any_request() {
    let proxy = Proxy::start(moto());
    for (action, input, field) in refusals() {
        let request =
            json!({"connection": connection(proxy.url()), "action": action, "input": input});
        let error = host().run_step(&request).unwrap_err();
        assert_eq!(error.kind, "invalid-input", "{action} {input}: {error:?}");
        assert_eq!(
            error.field.as_deref(),
            Some(field),
            "{action} {input}: {error:?}"
        );
    }
    assert_eq!(
        proxy.operations(),
        Vec::<String>::new(),
        "no request was sent"
    );
}

#[test]
fn a_query_filter_reading_a_key_attribute_is_refused_naming_the_leaf() {
    odd_table(moto(), "plain-key-filter");
    let proxy = Proxy::start(moto());
    let input = json!({"region": REGION, "table-name": "plain-key-filter",
        "key-condition": {"and": [{"attr": "user-id", "eq": "u"}, {"attr": "date", "lt": "2027"}]},
        "filter": {"and": [{"attr": "status", "eq": "x"}, {"attr": "date", "gt": "2026"}]}});
    let request =
        json!({"connection": connection(proxy.url()), "action": "query-items", "input": input});
    let error = host().run_step(&request).unwrap_err();
    assert_eq!(error.kind, "invalid-input");
    assert_eq!(error.field.as_deref(), Some("filter.and[1]"));
    assert_eq!(
        proxy.operations(),
        Vec::<String>::new(),
        "refused before any request"
    );
}

#[test]
fn transactions_take_plain_conditions_and_changes() {
    let t = "plain-transactions";
    table(moto(), t, false);
    ok(
        "upsert-item",
        json!({"region": REGION, "table-name": t,
        "value": {"id": 1, "qty": 2, "status": "open"}, "value-types": {"id": "N", "qty": "N", "status": "S"}}),
    );
    let actions = json!([
        {"table-name": t, "update": {"id": 1}, "changes": {"increment": {"qty": -1}},
         "condition": {"attr": "qty", "gte": 1}},
        {"table-name": t, "put": {"id": 2, "status": "new"}, "condition": {"attr": "id", "not-exists": true}},
        {"table-name": t, "condition-check": {"id": 3}, "condition": {"attr": "id", "not-exists": true}},
    ]);
    let done = ok(
        "transact-write-items",
        json!({"region": REGION, "actions": actions}),
    );
    assert_eq!(done["Actions"], 3);
    let sent = done["Expressions"].as_array().unwrap();
    // One placeholder per name: the condition and the update share `#n0` (qty).
    assert_eq!(
        sent[0]["UpdateExpression"],
        "SET #n0 = if_not_exists(#n0, :v1) + :v2"
    );
    assert_eq!(sent[0]["ConditionExpression"], "#n0 >= :v0");
    assert_eq!(sent[2]["ConditionExpression"], "attribute_not_exists(#n0)");
    let stock = ok(
        "get-item",
        json!({"region": REGION, "table-name": t, "hash-key-value": "1"}),
    );
    assert_eq!(stock["Item"]["qty"], 1);
    let again = fails(
        "transact-write-items",
        json!({"region": REGION, "actions": actions}),
    );
    assert_eq!(again.kind, "transaction-canceled", "{again:?}");
    let codes: Vec<&str> = again.reasons.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["None", "ConditionalCheckFailed", "None"]);
}

#[test]
fn an_idempotent_write_takes_a_plain_condition_and_update() {
    let t = "plain-idempotent";
    table(moto(), t, false);
    let input = json!({"region": REGION, "table-name": t, "hash-key-value": "7",
        "update": {"increment": {"visits": 1}}, "condition": {"attr": "visits", "not-exists": true},
        "idempotency-token": "plain-token-1"});
    let first = ok("update-item", input);
    let sent = &first["Expression"];
    assert_eq!(sent["ConditionExpression"], "attribute_not_exists(#n0)");
    assert_eq!(
        sent["UpdateExpression"],
        "SET #n0 = if_not_exists(#n0, :v0) + :v1"
    );
    let item = ok(
        "get-item",
        json!({"region": REGION, "table-name": t, "hash-key-value": "7"}),
    );
    assert_eq!(item["Item"]["visits"], 1);
}

#[test]
fn the_expression_sent_can_be_reused_by_another_client() {
    let t = "plain-reuse";
    table(moto(), t, false);
    for (id, status) in [(1, "open"), (2, "closed"), (3, "open")] {
        ok(
            "upsert-item",
            json!({"region": REGION, "table-name": t,
            "value": {"id": id, "status": status}, "value-types": {"id": "N", "status": "S"}}),
        );
    }
    let scanned = ok(
        "scan-items",
        json!({"region": REGION, "table-name": t,
        "filter": {"and": [{"attr": "status", "eq": "open"}, {"attr": "id", "gt": 1}]}}),
    );
    let sent = &scanned["Expression"];
    let boto_scan = boto(REGION, &format!(
        "sent = json.loads({:?})\nresult = client.scan(TableName={t:?}, FilterExpression=sent['FilterExpression'], \
         ExpressionAttributeNames=sent['ExpressionAttributeNames'], \
         ExpressionAttributeValues=sent['ExpressionAttributeValues'])['Items']",
        sent.to_string()
    ));
    let ids: Vec<&str> = boto_scan
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"]["N"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["3"]);
    assert_eq!(scanned["Items"], json!([{"id": 3, "status": "open"}]));
}
