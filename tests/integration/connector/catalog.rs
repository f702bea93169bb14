//! The catalog actions (`infer-schema`, `profile-table`, `classify-columns`) on a seeded
//! table of mixed, nested, sparse data with fake personal data, on moto and dynalite; every
//! count asserted is computed here from the generated items, not read from the connector.

use crate::harness::*;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

pub(crate) const ITEMS: u64 = 240;
const NAMES: [&str; 6] = ["Rose", "Ada", "Grace", "Alan", "Edsger", "Barbara"];

/// Card numbers the card networks publish for testing (valid Luhn check digits).
const TEST_CARDS: [&str; 6] = [
    "4111111111111111",
    "4012888888881881",
    "5555555555554444",
    "5105105105105100",
    "378282246310005",
    "6011111111111117",
];

fn card(i: u64) -> String {
    TEST_CARDS[(i / 3) as usize % TEST_CARDS.len()].to_string()
}

/// The seeded items, each with its value types (for the typed puts).
pub(crate) fn items() -> Vec<(Value, Value)> {
    let mut rng = Rng(0x5eed_cafe);
    (0..ITEMS)
        .map(|i| {
            let mut item = Map::new();
            let mut types = Map::new();
            let mut put = |k: &str, v: Value, t: &str| {
                item.insert(k.into(), v);
                types.insert(k.into(), json!(t));
            };
            put("id", json!(i), "N");
            let email = if i % 10 == 9 {
                "n/a".to_string()
            } else {
                format!("user{i}@example.com")
            };
            put("email", json!(email), "S");
            put("firstName", json!(*rng.pick(&NAMES)), "S");
            put("active", json!(i % 2 == 0), "BOOL");
            if i % 2 == 0 {
                put("phone", json!(format!("+1 212-555-{:04}", i)), "S");
                let zip = if i % 10 == 0 {
                    json!({"city": "Oslo", "zip": "0150"})
                } else {
                    json!({"city": "Bergen", "zip": 5003})
                };
                put("address", zip, "M");
            }
            if i % 3 == 0 {
                put("card", json!(card(i)), "S");
            }
            if i % 3 == 1 {
                let lines: Vec<Value> = (0..=rng.below(3))
                    .map(|n| json!({"sku": format!("SKU-{n}"), "qty": n + 1}))
                    .collect();
                put("lines", json!(lines), "L");
            }
            if i % 4 == 0 {
                put(
                    "dob",
                    json!(format!(
                        "19{:02}-{:02}-{:02}",
                        50 + i % 40,
                        1 + i % 12,
                        1 + i % 28
                    )),
                    "S",
                );
            }
            if i % 5 == 0 {
                put(
                    "ip",
                    json!(format!("10.0.{}.{}", i % 256, (i * 7) % 256)),
                    "S",
                );
            }
            if i % 6 == 0 {
                let tags: Vec<String> = (0..=i % 3).map(|n| format!("t{n}")).collect();
                put("tags", json!(tags), "SS");
            }
            if i % 7 == 0 {
                put(
                    "big",
                    json!(format!("{}{:020}", 123_456_789_012_345_678u64, i)),
                    "N",
                );
            }
            if i % 8 == 0 {
                put("blob", json!("AAEC"), "B");
            }
            if i % 9 == 0 {
                put("note", Value::Null, "NULL");
            }
            (Value::Object(item), Value::Object(types))
        })
        .collect()
}

/// Create the table on `endpoint` and write the items through the connector.
pub(crate) fn seeded(endpoint: &str, table: &str) -> Vec<(Value, Value)> {
    let items = items();
    step_at(
        endpoint,
        "create-table",
        json!({"region": "ap-southeast-7", "table-name": table, "billing-mode": "PAY_PER_REQUEST",
               "attribute-definitions": [{"AttributeName": "id", "AttributeType": "N"}],
               "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}]}),
    )
    .unwrap();
    let puts: Vec<Value> = items
        .iter()
        .map(|(item, types)| json!({"put": item, "types": types}))
        .collect();
    let out = step_at(
        endpoint,
        "batch-write-items",
        json!({"region": "ap-southeast-7", "requests": {table: puts}}),
    )
    .unwrap();
    assert_eq!(out["Written"], ITEMS);
    items
}

/// Per top-level attribute: (items that have it, type code → count).
fn expected_columns(items: &[(Value, Value)]) -> BTreeMap<String, (u64, BTreeMap<String, u64>)> {
    let mut out: BTreeMap<String, (u64, BTreeMap<String, u64>)> = BTreeMap::new();
    for (_, types) in items {
        for (name, code) in types.as_object().unwrap() {
            let entry = out.entry(name.clone()).or_default();
            entry.0 += 1;
            *entry
                .1
                .entry(code.as_str().unwrap().to_string())
                .or_default() += 1;
        }
    }
    out
}

fn column<'a>(out: &'a Value, path: &str) -> &'a Value {
    out["Columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["Path"] == path)
        .unwrap_or_else(|| panic!("no column {path} in {out}"))
}

fn infer_schema_reports_every_column_exactly(endpoint: &str, table: &str) {
    let items = seeded(endpoint, table);
    let out = step_at(
        endpoint,
        "infer-schema",
        json!({"region": "ap-southeast-7", "table-name": table, "segments": 4, "show-values": true}),
    )
    .unwrap();
    assert_eq!(out["SampledItems"], ITEMS);
    assert_eq!(out["WholeTable"], true);
    assert_eq!(
        out["KeySchema"],
        json!([{"AttributeName": "id", "KeyType": "HASH"}])
    );
    for (name, (count, types)) in expected_columns(&items) {
        let c = column(&out, &name);
        assert_eq!(c["Items"], count, "{name}");
        assert_eq!(c["Types"], json!(types), "{name}");
        let share = ((count as f64 / ITEMS as f64) * 10_000.0).round() / 10_000.0;
        assert_eq!(c["Share"], share, "{name}");
    }
    assert_eq!(column(&out, "id")["Key"], "HASH");
    let zip = column(&out, "address.zip");
    let strings = items
        .iter()
        .filter(|(i, _)| i["address"]["zip"].is_string())
        .count();
    let numbers = items
        .iter()
        .filter(|(i, _)| i["address"]["zip"].is_number())
        .count();
    assert_eq!(zip["Types"], json!({"N": numbers, "S": strings}));
    assert_eq!(zip["Mixed"], true);
    let lines: usize = items
        .iter()
        .map(|(i, _)| i["lines"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(column(&out, "lines[].sku")["Values"], lines);
    for personal in ["email", "phone", "card", "firstName", "dob", "ip"] {
        assert_eq!(column(&out, personal).get("Example"), None, "{personal}");
    }
    assert!(column(&out, "active")["Example"].is_boolean());
    assert!(column(&out, "address.city")["Example"].is_string());
    let by_default = step_at(
        endpoint,
        "infer-schema",
        json!({"region": "ap-southeast-7", "table-name": table}),
    )
    .unwrap();
    assert!(
        !by_default.to_string().contains("\"Example\""),
        "no examples unless asked"
    );
}

#[test]
fn infer_schema_reports_every_column_exactly_on_moto() {
    infer_schema_reports_every_column_exactly(moto(), "catalog-infer");
}

#[test]
fn infer_schema_reports_every_column_exactly_on_dynalite() {
    infer_schema_reports_every_column_exactly(dynalite(), "catalog-infer");
}

#[test]
fn profile_table_counts_match_the_generated_data() {
    let table = "catalog-profile";
    let items = seeded(moto(), table);
    let out = ok(
        "profile-table",
        json!({"region": "ap-southeast-7", "table-name": table, "show-values": true}),
    );
    assert_eq!(out["SampledItems"], ITEMS);
    assert_eq!(out["WholeTable"], true);
    let bigs: Vec<&str> = items
        .iter()
        .filter_map(|(i, _)| i["big"].as_str())
        .collect();
    let number = &column(&out, "big")["Number"];
    assert_eq!(number["Count"], bigs.len());
    assert_eq!(
        number["Min"].to_string(),
        *bigs
            .iter()
            .min_by_key(|b| b.parse::<u128>().unwrap())
            .unwrap()
    );
    assert_eq!(
        number["Max"].to_string(),
        *bigs
            .iter()
            .max_by_key(|b| b.parse::<u128>().unwrap())
            .unwrap()
    );
    let names: BTreeSet<&str> = items
        .iter()
        .map(|(i, _)| i["firstName"].as_str().unwrap())
        .collect();
    let first = column(&out, "firstName");
    assert_eq!(first["Distinct"], names.len());
    assert_eq!(
        first["String"]["MinLength"],
        names.iter().map(|n| n.len()).min().unwrap()
    );
    assert_eq!(
        first["String"]["MaxLength"],
        names.iter().map(|n| n.len()).max().unwrap()
    );
    let trues = items.iter().filter(|(i, _)| i["active"] == true).count();
    assert_eq!(
        column(&out, "active")["Boolean"],
        json!({"True": trues, "False": usize::try_from(ITEMS).unwrap() - trues})
    );
    let notes = items
        .iter()
        .filter(|(i, _)| i.get("note").is_some())
        .count();
    assert_eq!(column(&out, "note")["Nulls"], notes);
    let dobs = items.iter().filter(|(i, _)| i.get("dob").is_some()).count() as f64;
    let missing = ((1.0 - dobs / ITEMS as f64) * 10_000.0).round() / 10_000.0;
    assert_eq!(column(&out, "dob")["Missing"], missing);
    let sizes: Vec<usize> = items
        .iter()
        .filter_map(|(i, _)| i["tags"].as_array().map(Vec::len))
        .collect();
    let size = &column(&out, "tags")["Size"];
    assert_eq!(size["MinSize"], *sizes.iter().min().unwrap());
    assert_eq!(size["MaxSize"], *sizes.iter().max().unwrap());
    assert_eq!(size["Count"], sizes.len());
}

#[test]
fn classify_columns_tags_personal_data_with_exact_counts_and_no_values() {
    let table = "catalog-classify";
    let items = seeded(moto(), table);
    let out = ok(
        "classify-columns",
        json!({"region": "ap-southeast-7", "table-name": table}),
    );
    let count = |name: &str| items.iter().filter(|(i, _)| i.get(name).is_some()).count();
    let emails = items
        .iter()
        .filter(|(i, _)| i["email"].as_str().unwrap().contains('@'))
        .count();
    let expect = [
        (
            "email",
            "PII.Sensitive",
            "email-address",
            emails,
            count("email"),
        ),
        (
            "phone",
            "PII.Sensitive",
            "phone-number",
            count("phone"),
            count("phone"),
        ),
        (
            "card",
            "PII.Sensitive",
            "credit-card-number",
            count("card"),
            count("card"),
        ),
        (
            "firstName",
            "PII.NonSensitive",
            "person-name",
            count("firstName"),
            count("firstName"),
        ),
        (
            "dob",
            "PII.Sensitive",
            "date-of-birth",
            count("dob"),
            count("dob"),
        ),
        (
            "ip",
            "PII.NonSensitive",
            "ipv4-address",
            count("ip"),
            count("ip"),
        ),
    ];
    for (path, tag, kind, matches, values) in expect {
        let tags = &column(&out, path)["Tags"];
        assert_eq!(tags.as_array().map(Vec::len), Some(1), "{path}: {tags}");
        assert_eq!(tags[0]["Tag"], tag, "{path}");
        assert_eq!(tags[0]["Kind"], kind, "{path}");
        assert_eq!(tags[0]["Matches"], matches, "{path}");
        let confidence = ((matches as f64 / values as f64) * 10_000.0).round() / 10_000.0;
        assert_eq!(tags[0]["Confidence"], confidence, "{path}");
    }
    for clean in ["id", "active", "address.city", "lines[].sku", "tags", "big"] {
        assert_eq!(column(&out, clean)["Tags"], json!([]), "{clean}");
    }
    let text = out.to_string();
    assert!(
        !text.contains("user1@example.com") && !TEST_CARDS.iter().any(|c| text.contains(c)),
        "values leak: {text}"
    );
    let strict = ok(
        "classify-columns",
        json!({"region": "ap-southeast-7", "table-name": table, "min-confidence": 95}),
    );
    assert_eq!(
        column(&strict, "email")["Tags"],
        json!([]),
        "90% is below 95%"
    );
}

#[test]
fn a_bounded_sample_says_it_is_not_the_whole_table() {
    let table = "catalog-bounded";
    seeded(moto(), table);
    for segments in [1, 4] {
        let out = ok(
            "infer-schema",
            json!({"region": "ap-southeast-7", "table-name": table, "sample-size": 100, "segments": segments}),
        );
        assert_eq!(out["SampledItems"], 100, "{segments} segment(s)");
        assert_eq!(out["WholeTable"], false);
    }
    for (input, field) in [
        (json!({"sample-size": 0}), "sample-size"),
        (json!({"sample-size": 100_001}), "sample-size"),
        (json!({"segments": 17}), "segments"),
    ] {
        let mut input = input;
        input["region"] = json!("ap-southeast-7");
        input["table-name"] = json!(table);
        assert_eq!(fails("profile-table", input).field.as_deref(), Some(field));
    }
}

/// Personal values planted in a hostile table, each where a detector of the first version
/// missed it, as (attribute, boto3 value literal, the text that must never be printed).
const PLANTED: [(&str, &str, &str); 18] = [
    (
        "notes",
        "'please mail rose.planted@example.org about it'",
        "rose.planted@example.org",
    ),
    ("contactEmail", "'用户@例子.广告'", "用户@例子.广告"),
    (
        "ibanLower",
        "'gb82 west 1234 5698 7654 32'",
        "gb82 west 1234 5698 7654 32",
    ),
    ("payment", "'4012.8888.8888.1881'", "4012.8888.8888.1881"),
    (
        "memo",
        "'charged card 5105 1051 0510 5100 yesterday'",
        "5105 1051 0510 5100",
    ),
    ("tax", "'078 05 1120'", "078 05 1120"),
    ("contact", "'Mallory Planted'", "Mallory Planted"),
    (
        "shipping",
        "'742 Evergreen Terrace, Springfield'",
        "742 Evergreen Terrace",
    ),
    (
        "password",
        "'correct-horse-battery-staple'",
        "correct-horse-battery-staple",
    ),
    (
        "cfg",
        "'wJalrXUtnFEMI/K7MDENG/bPxRfiCYPLANTEDKEY'",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYPLANTEDKEY",
    ),
    ("contactPhone", "Decimal('4155550123')", "4155550123"),
    ("cardNo", "Decimal('4111111111111111')", "4111111111111111"),
    (
        "log",
        "'signed with AKIAPLANTEDEXAMPLE77 today'",
        "AKIAPLANTEDEXAMPLE77",
    ),
    (
        "callback",
        "'ring +44 20 7946 0123 after six'",
        "+44 20 7946 0123",
    ),
    ("address2", "'Hauptstraße 5, 10115 Berlin'", "Hauptstraße 5"),
    (
        "email",
        "'user.planted@example.com'",
        "user.planted@example.com",
    ),
    (
        "subscribers",
        "{'keyed': {'canary@example.net': 'weekly'}}",
        "canary@example.net",
    ),
    (
        "dave.planted@example.com",
        "True",
        "dave.planted@example.com",
    ),
];

#[test]
fn catalog_outputs_of_a_hostile_table_print_no_planted_personal_value() {
    let (region, table) = ("ap-southeast-6", "catalog-hostile");
    create_table(region, table, false);
    let attributes: Vec<String> = PLANTED
        .iter()
        .map(|(name, value, _)| format!("{name:?}: {value}"))
        .collect();
    boto(
        region,
        &format!(
            r#"
from decimal import Decimal
table = boto3.resource("dynamodb", region_name={region:?}, endpoint_url=client.meta.endpoint_url,
                       aws_access_key_id="AKIDBOTO", aws_secret_access_key="boto-secret").Table({table:?})
with table.batch_writer() as batch:
    for i in range(40):
        item = {{{attributes}}}
        item["id"] = Decimal(i)
        item["reach"] = Decimal('4155550199')
        item["blob"] = bytes(380 * 1024)
        item["byUser"] = {{f"user-{{i}}-{{k}}": {{"plan": "pro"}} for k in range(300)}}
        batch.put_item(Item=item)
"#,
            attributes = attributes.join(", ")
        ),
    );
    let input = json!({"region": region, "table-name": table, "show-values": true});
    let outputs = [
        ("infer-schema", ok("infer-schema", input.clone())),
        ("profile-table", ok("profile-table", input.clone())),
        (
            "classify-columns",
            ok(
                "classify-columns",
                json!({"region": region, "table-name": table}),
            ),
        ),
    ];
    for (action, out) in &outputs {
        let text = out.to_string();
        let printed: Vec<&str> = PLANTED
            .iter()
            .map(|(_, _, value)| *value)
            .filter(|value| text.contains(value))
            .collect();
        assert!(printed.is_empty(), "{action} printed {printed:?}");
        assert!(text.len() < 64 * 1024, "{action}: {} bytes", text.len());
        let paths: Vec<&str> = out["Columns"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["Path"].as_str())
            .collect();
        assert!(paths.contains(&"byUser.*.plan"), "{action}: {paths:?}");
        assert!(
            paths.contains(&"subscribers.keyed.*"),
            "{action}: {paths:?}"
        );
        assert!(paths.len() < 30, "{action}: {} columns", paths.len());
    }
    // Digits under a name that says nothing, in every item alike: without show-values no
    // statistic may print them (the mean of equal numbers is that number).
    let hidden = ok(
        "profile-table",
        json!({"region": region, "table-name": table}),
    );
    assert!(!hidden.to_string().contains("4155550199"), "{hidden}");
    let infer = &outputs[0].1;
    assert_eq!(
        column(infer, "blob").get("Example"),
        None,
        "no 380 KB example"
    );
}
