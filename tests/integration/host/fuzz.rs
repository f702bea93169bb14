//! Generated malformed step documents (seeded, reproducible): every one ends in an output or
//! a documented error kind, never a crash, and a step refused as `invalid-input` sent no
//! write. `FUZZ_STEPS` sets how many (300 here; `scripts/fuzz.sh` runs thousands) and
//! `FUZZ_SEED` the seed (printed on failure).

use crate::harness::*;
use serde_json::{json, Value};
use test_support::Proxy;

/// The kinds docs/errors.md documents for a step's failure (not `trap` or `host`: a
/// malformed document must never crash the component or the host).
const KINDS: [&str; 12] = [
    "invalid-input",
    "conditional-check-failed",
    "resource-not-found",
    "resource-in-use",
    "validation",
    "throttled",
    "access-denied",
    "network",
    "timeout",
    "service",
    "outcome-unknown",
    "limit",
];

/// Operations that change data.
const WRITES: [&str; 7] = [
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "TransactWriteItems",
    "CreateTable",
    "DeleteTable",
    "ExecuteStatement",
];

/// Valid steps of every action against table `fuzz` (numeric hash key `id`).
fn seeds(region: &str) -> Vec<Value> {
    let key = json!([{"AttributeName": "id", "KeyType": "HASH", "AttributeType": "N"}]);
    [
        ("list-tables", json!({"region": region, "fetch-all": true})),
        ("describe-table", json!({"region": region, "table-name": "fuzz"})),
        ("get-item", json!({"region": region, "table-name": "fuzz", "hash-key-value": 1, "key-schema": key})),
        ("upsert-item", json!({"region": region, "table-name": "fuzz", "value": {"id": 2, "v": "x", "s": ["a"]},
            "value-types": {"id": "N", "v": "S", "s": "SS"}})),
        ("update-item", json!({"region": region, "table-name": "fuzz", "hash-key-value": 3, "key-schema": key,
            "update-expression": "SET v = :v", "expression-attribute-values": {":v": 1},
            "expression-attribute-value-types": {":v": "N"}})),
        ("delete-item", json!({"region": region, "table-name": "fuzz", "hash-key-value": 4, "key-schema": key})),
        ("query-items", json!({"region": region, "table-name": "fuzz", "key-condition-expression": "id = :id",
            "expression-attribute-values": {":id": 1}, "expression-attribute-value-types": {":id": "N"}})),
        ("raw-request", json!({"region": region, "statement": "SELECT * FROM fuzz WHERE id = ?", "parameters": [1]})),
        ("update-item", json!({"region": region, "table-name": "fuzz", "hash-key-value": 5, "key-schema": key,
            "update": {"set": {"a.b[0]": 1}, "increment": {"n": 2}, "remove": ["x"]},
            "condition": {"or": [{"attr": "v", "not-exists": true}, {"attr": "v", "size": {"lt": 9}}]}})),
        ("query-items", json!({"region": region, "table-name": "fuzz", "key-condition": {"attr": "id", "eq": 1},
            "filter": {"not": {"attr": "\"a.b\"", "in": ["x", 2]}}})),
        ("scan-items", json!({"region": region, "table-name": "fuzz",
            "filter": {"and": [{"attr": "v", "between": [1, 5]}, {"attr": "s", "contains": "a"}]}})),
        ("read-stream-changes", json!({"region": region, "table-name": "fuzz", "max-records": 5,
            "event-names": ["INSERT"], "start-at": "LATEST"})),
        ("poll-new-items", json!({"region": region, "table-name": "fuzz", "index-name": "by-v",
            "partition-value": "a", "start-after": 1, "max-items": 3})),
    ]
    .into_iter()
    .map(|(action, input)| json!({"action": action, "input": input}))
    .collect()
}

/// Values that do not belong where they land.
fn junk(rng: &mut Rng) -> Value {
    let texts = [
        "",
        " ",
        "\u{0}",
        "\u{7f}\n",
        "[",
        "{\"a\":",
        "NaN",
        "1e400",
        "-0",
        "99999999999999999999999999999999999999999",
        "http://169.254.169.254",
        "HTTP://[::1]:99999",
        "user:pw@host",
        "😀",
        "SS",
        "null",
    ];
    match rng.below(9) {
        0 => Value::Null,
        1 => json!(rng.next().is_multiple_of(3)),
        2 => json!(rng.next().cast_signed()),
        3 => json!(-1.5e300),
        4 => json!([junk_leaf(rng), junk_leaf(rng)]),
        5 => json!({"k": junk_leaf(rng), ":v": junk_leaf(rng)}),
        6 => json!("x".repeat(rng.below(5000))),
        _ => json!(rng.pick(&texts)),
    }
}

fn junk_leaf(rng: &mut Rng) -> Value {
    match rng.below(4) {
        0 => Value::Null,
        1 => json!(rng.next() & u64::from(u32::MAX)),
        2 => json!("\u{1}"),
        _ => json!({}),
    }
}

/// One mutation of a valid step: a field dropped, replaced by junk, or added; the action
/// renamed; the connection broken; the whole input replaced.
fn mutate(rng: &mut Rng, mut step: Value, endpoint: &str) -> Value {
    step["connection"] = connection(endpoint);
    for _ in 0..=rng.below(3) {
        let choice = rng.below(7);
        if let (true, Some(input)) = (choice <= 3, step["input"].as_object_mut()) {
            mutate_input(rng, input, choice);
            continue;
        }
        match choice {
            4 => step["action"] = json!(rng.pick(&["", "get_item", "GET-ITEM", "nope"])),
            5 => {
                let fields = ["access-key-id", "secret-access-key", "endpoint-url", "type"];
                let field = *rng.pick(&fields);
                step["connection"][field] = junk(rng);
            }
            _ => step["input"] = junk(rng),
        }
    }
    step
}

/// Drop an input, replace one by junk, or add one.
fn mutate_input(rng: &mut Rng, input: &mut serde_json::Map<String, Value>, choice: usize) {
    let keys: Vec<String> = input.keys().cloned().collect();
    match choice {
        0 if !keys.is_empty() => {
            input.remove(rng.pick(&keys));
        }
        1 | 2 if !keys.is_empty() => {
            let key = rng.pick(&keys).clone();
            input.insert(key, junk(rng));
        }
        _ => {
            let key = *rng.pick(&["extra", "key-schema", "return-values", "idempotency-token"]);
            input.insert(key.to_string(), junk(rng));
        }
    }
}

fn count(default: usize, var: &str) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default as u64)
}

#[test]
fn malformed_steps_end_in_documented_kinds_and_refused_ones_send_no_write() {
    let region = "eu-south-2";
    create_table(region, "fuzz", false);
    let proxy = Proxy::start(moto());
    let seed = count(0x5EED, "FUZZ_SEED");
    let steps = count(300, "FUZZ_STEPS");
    let mut rng = Rng(seed.max(1));
    let seeds = seeds(region);
    for n in 0..steps {
        let valid = rng.pick(&seeds).clone();
        let step = mutate(&mut rng, valid, proxy.url());
        let writes_before: usize = WRITES.iter().map(|w| proxy.count(w)).sum();
        let Err(error) = host().run_step(&step) else {
            continue;
        };
        let context = format!("seed {seed}, step {n}: {step}\n{error:?}");
        assert!(
            KINDS.contains(&error.kind.as_str()),
            "undocumented kind: {context}"
        );
        assert!(!error.message.contains(SECRET), "secret leaked: {context}");
        assert!(error.message.len() < 4096, "message too long: {context}");
        if error.kind == "invalid-input" {
            let writes_after: usize = WRITES.iter().map(|w| proxy.count(w)).sum();
            assert_eq!(
                writes_before, writes_after,
                "a refused step sent a write: {context}"
            );
        }
    }
}

#[test]
fn malformed_documents_through_the_cli_exit_0_1_or_2() {
    let mut rng = Rng(count(0xC11, "FUZZ_SEED").max(1));
    for n in 0..count(20, "FUZZ_CLI_STEPS") {
        let text = match rng.below(4) {
            0 => "{\"action\": ".to_string(),
            1 => junk(&mut rng).to_string(),
            2 => {
                let valid = rng.pick(&seeds("eu-south-2")).clone();
                mutate(&mut rng, valid, moto()).to_string()
            }
            _ => "\u{0}\u{1}".to_string(),
        };
        let (code, stdout, stderr) = cli(&["step", "-"], &text);
        assert!(
            [0, 1, 2].contains(&code),
            "step {n} exited {code}: {text}\n{stderr}"
        );
        if code == 1 {
            let printed: Value = serde_json::from_str(&stdout).expect("an error document");
            let kind = printed["error"]["kind"].as_str().unwrap_or_default();
            assert!(KINDS.contains(&kind), "step {n}: {stdout}");
        }
    }
}

/// Values no message may carry: a social security number and an e-mail address, as a
/// user's item would hold them.
const CANARY: &str = "ssn 078-05-1120 carol@example.com";

/// Inputs that are names or expressions, not values: a message may name them (the
/// service's own messages quote table names and expression text).
const NAMES: [&str; 8] = [
    "region",
    "table-name",
    "index-name",
    "statement",
    "key-condition-expression",
    "filter-expression",
    "update-expression",
    "projection-expression",
];

/// `value` with every leaf (string, number, boolean) replaced by the canary.
fn canaried(value: &Value) -> Value {
    match value {
        Value::Object(members) => members
            .iter()
            .map(|(k, v)| (k.clone(), canaried(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
        Value::Array(items) => items.iter().map(canaried).collect::<Vec<_>>().into(),
        Value::Null => Value::Null,
        _ => json!(CANARY),
    }
}

#[test]
fn canary_values_in_any_input_never_reach_an_error_message() {
    let region = "us-gov-west-1";
    create_table(region, "fuzz", false);
    let (mut tried, mut refused, mut quoted) = (0, 0, Vec::new());
    for seed in seeds(region) {
        let keys: Vec<String> = seed["input"].as_object().unwrap().keys().cloned().collect();
        for key in keys.iter().filter(|k| !NAMES.contains(&k.as_str())) {
            let given = &seed["input"][key];
            for value in [json!(CANARY), canaried(given), json!({"v": CANARY})] {
                let mut step = seed.clone();
                step["connection"] = connection(moto());
                step["input"][key] = value;
                tried += 1;
                let Err(error) = host().run_step(&step) else {
                    continue;
                };
                refused += 1;
                let message = error.message.to_lowercase();
                if message.contains("078-05-1120") || message.contains("carol@") {
                    quoted.push(format!("{} {key}: {}", step["action"], error.message));
                }
            }
        }
    }
    eprintln!(
        "{tried} steps with a canary value, {refused} refused, {} quoting it",
        quoted.len()
    );
    assert!(quoted.is_empty(), "{quoted:#?}");
    assert!(refused > tried / 2, "{refused} of {tried} refused");
}
