//! The renderer and every refusal of the plain inputs (each names its path).

use super::condition::Condition;
use super::key_condition::{check_key_condition, refuse_keys};
use super::path::{Path, Segment};
use super::update::Update;
use crate::model::expressions::Expressions;
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{json, Value};

fn condition(value: &Value) -> (String, Expressions) {
    let parsed = Condition::parse("condition", value).unwrap();
    let mut expr = Expressions::default();
    let text = expr
        .generate("ConditionExpression", "condition", |b| parsed.render(b))
        .unwrap();
    (text, expr)
}

fn update(value: &Value) -> (String, Expressions) {
    let parsed = Update::parse("update", value).unwrap();
    let mut expr = Expressions::default();
    let text = expr
        .generate("UpdateExpression", "update", |b| parsed.render(b))
        .unwrap();
    (text, expr)
}

fn refused_condition(value: &Value) -> String {
    let err = Condition::parse("condition", value).unwrap_err();
    err.field.unwrap_or_default()
}

fn refused_update(value: &Value) -> String {
    let err = Update::parse("update", value).unwrap_err();
    err.field.unwrap_or_default()
}

fn name(expr: &Expressions, placeholder: &str) -> String {
    expr.names.as_ref().unwrap()[placeholder].clone()
}

fn value(expr: &Expressions, placeholder: &str) -> AttributeValue {
    expr.values.as_ref().unwrap()[placeholder].clone()
}

#[test]
fn paths_parse_names_indexes_and_quoted_names() {
    let path = Path::parse("p", r#"a.b[0]."first.name"[12].c-d"#).unwrap();
    let name = |n: &str| Segment::Name(n.into());
    assert_eq!(
        path.0,
        [
            name("a"),
            name("b"),
            Segment::Index(0),
            name("first.name"),
            Segment::Index(12),
            name("c-d"),
        ]
    );
    let quoted = Path::parse("p", r#""say \"hi\" \\ ok""#).unwrap();
    assert_eq!(quoted.0, [name(r#"say "hi" \ ok"#)]);
    assert_eq!(Path::parse("p", "café.größe").unwrap().0.len(), 2);
    assert_eq!(path.to_string(), r#"a.b[0]."first.name"[12].c-d"#);
}

#[test]
fn malformed_paths_are_refused_naming_the_field() {
    for bad in [
        "",
        "a.",
        ".a",
        "a..b",
        "a[",
        "a[]",
        "a[x]",
        "a[01]",
        "a]",
        "a\"b",
        "\"open",
        "a[1]b",
        "a[99999999999]",
    ] {
        let err = Path::parse("condition.attr", bad).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("condition.attr"), "{bad:?}");
    }
    let deep = vec!["a"; 33].join(".");
    assert!(Path::parse("p", &deep).is_err());
    assert!(Path::parse("p", &vec!["a"; 32].join(".")).is_ok());
}

#[test]
fn every_name_and_value_becomes_a_placeholder() {
    let (text, expr) = condition(&json!({"and": [
        {"attr": "status", "eq": "open"},
        {"attr": "order.total", "gte": serde_json::from_str::<Value>("100.50").unwrap()},
        {"attr": "\"first.name\"", "begins-with": "A"},
        {"not": {"attr": "status", "in": ["x", "y"]}},
    ]}));
    assert_eq!(
        text,
        "(#n0 = :v0) AND (#n1.#n2 >= :v1) AND (begins_with(#n3, :v2)) AND (NOT (#n0 IN (:v3, :v4)))"
    );
    assert_eq!(name(&expr, "#n0"), "status");
    assert_eq!(name(&expr, "#n3"), "first.name");
    assert_eq!(value(&expr, ":v1"), AttributeValue::N("100.50".into()));
    assert_eq!(expr.names.as_ref().unwrap().len(), 4);
}

#[test]
fn every_operator_renders() {
    let cases = [
        (json!({"attr": "a", "ne": 1}), "#n0 <> :v0"),
        (json!({"attr": "a", "lt": 1}), "#n0 < :v0"),
        (json!({"attr": "a", "lte": 1}), "#n0 <= :v0"),
        (json!({"attr": "a", "gt": 1}), "#n0 > :v0"),
        (
            json!({"attr": "a", "between": [1, 2]}),
            "#n0 BETWEEN :v0 AND :v1",
        ),
        (json!({"attr": "a", "contains": "x"}), "contains(#n0, :v0)"),
        (
            json!({"attr": "a", "exists": true}),
            "attribute_exists(#n0)",
        ),
        (
            json!({"attr": "a", "exists": false}),
            "attribute_not_exists(#n0)",
        ),
        (
            json!({"attr": "a", "not-exists": true}),
            "attribute_not_exists(#n0)",
        ),
        (
            json!({"attr": "a", "type": "SS"}),
            "attribute_type(#n0, :v0)",
        ),
        (json!({"attr": "a", "size": {"gt": 3}}), "size(#n0) > :v0"),
        (
            json!({"attr": "a", "size": {"between": [1, 2]}}),
            "size(#n0) BETWEEN :v0 AND :v1",
        ),
        (json!({"attr": "a", "eq": {"attr": "b[2]"}}), "#n0 = #n1[2]"),
        (json!({"or": [{"attr": "a", "eq": 1}]}), "#n0 = :v0"),
        (
            json!({"or": [{"attr": "a", "eq": 1}, {"attr": "b", "eq": 2}]}),
            "(#n0 = :v0) OR (#n1 = :v1)",
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(condition(&input).0, expected, "{input}");
    }
}

#[test]
fn values_keep_their_digits_and_take_types_from_as() {
    let exact = r#"{"attr": "n", "eq": 12345678901234567890.123456789}"#;
    let (_, expr) = condition(&serde_json::from_str(exact).unwrap());
    assert_eq!(
        value(&expr, ":v0"),
        AttributeValue::N("12345678901234567890.123456789".into())
    );
    let (_, expr) = condition(&json!({"attr": "tags", "eq": ["b", "a"], "as": "SS"}));
    assert_eq!(
        value(&expr, ":v0"),
        AttributeValue::Ss(vec!["b".into(), "a".into()])
    );
    let (_, expr) = condition(&json!({"attr": "m", "eq": {"attr": "x"}, "as": "M"}));
    assert!(matches!(value(&expr, ":v0"), AttributeValue::M(_)));
    let (_, expr) = condition(&json!({"attr": "id", "in": ["1", "2"], "as": "N"}));
    assert_eq!(value(&expr, ":v1"), AttributeValue::N("2".into()));
    let (_, expr) = condition(&json!({"attr": "a", "type": "BOOL"}));
    assert_eq!(value(&expr, ":v0"), AttributeValue::S("BOOL".into()));
}

#[test]
fn malformed_conditions_are_refused_naming_their_path() {
    let cases = [
        (json!([]), "condition"),
        (json!({"and": []}), "condition.and"),
        (json!({"and": {}}), "condition.and"),
        (
            json!({"and": [{"attr": "a", "eq": 1}, 3]}),
            "condition.and[1]",
        ),
        (json!({"or": [{"attr": "a"}]}), "condition.or[0]"),
        (
            json!({"not": {"attr": "a", "equals": 1}}),
            "condition.not.equals",
        ),
        (json!({"attr": "a", "eq": 1, "lt": 2}), "condition.lt"),
        (json!({"attr": 3, "eq": 1}), "condition.attr"),
        (json!({"attr": "a..b", "eq": 1}), "condition.attr"),
        (json!({"attr": "a", "between": [1]}), "condition.between"),
        (json!({"attr": "a", "in": []}), "condition.in"),
        (json!({"attr": "a", "in": vec![1; 101]}), "condition.in"),
        (json!({"attr": "a", "exists": "yes"}), "condition.exists"),
        (json!({"attr": "a", "type": "STRING"}), "condition.type"),
        (json!({"attr": "a", "size": 3}), "condition.size"),
        (
            json!({"attr": "a", "size": {"contains": 3}}),
            "condition.size.contains",
        ),
        (
            json!({"attr": "a", "exists": true, "as": "S"}),
            "condition.as",
        ),
        (json!({"attr": "a", "eq": "x", "as": "N"}), "condition.eq"),
        (
            json!({"attr": "a", "eq": {"attr": "b..c"}}),
            "condition.eq.attr",
        ),
        (
            json!({"attr": "a", "eq": {"attr": "b", "as": "S"}}),
            "condition.eq",
        ),
        (
            json!({"and": [{"attr": "a", "eq": 1}], "or": []}),
            "condition",
        ),
    ];
    for (input, field) in cases {
        assert_eq!(refused_condition(&input), field, "{input}");
    }
}

#[test]
fn updates_render_every_clause() {
    let (text, expr) = update(&json!({
        "set": {"status": "shipped", "copy": {"attr": "status"}},
        "remove": ["draft", "items[2]"],
        "add": {"tags": ["a", "b"], "visits": 1},
        "delete": {"flags": [7]},
        "append": {"log": ["x"]},
        "prepend": {"recent": [1]},
        "if-not-exists": {"created": "2026-12-01"},
        "increment": {"stock.count": -2}
    }));
    let expected = [
        "SET #n0 = :v0, #n1 = #n0, #n7 = list_append(if_not_exists(#n7, :v4), :v5),",
        "#n8 = list_append(:v7, if_not_exists(#n8, :v6)), #n9 = if_not_exists(#n9, :v8),",
        "#n10.#n11 = if_not_exists(#n10.#n11, :v9) + :v10",
        "REMOVE #n2, #n3[2] ADD #n4 :v1, #n5 :v2 DELETE #n6 :v3",
    ];
    assert_eq!(text, expected.join(" "));
    assert_eq!(
        value(&expr, ":v1"),
        AttributeValue::Ss(vec!["a".into(), "b".into()])
    );
    assert_eq!(value(&expr, ":v3"), AttributeValue::Ns(vec!["7".into()]));
    assert_eq!(value(&expr, ":v4"), AttributeValue::L(Vec::new()));
    assert_eq!(name(&expr, "#n11"), "count");
}

#[test]
fn update_values_take_types_by_path() {
    let (text, expr) = update(&json!({
        "set": {"ids": ["1", "2"], "blob": "AAE="},
        "types": {"ids": "NS", "blob": "B"}
    }));
    assert_eq!(text, "SET #n0 = :v0, #n1 = :v1");
    assert_eq!(
        value(&expr, ":v0"),
        AttributeValue::Ns(vec!["1".into(), "2".into()])
    );
    assert!(matches!(value(&expr, ":v1"), AttributeValue::B(_)));
}

#[test]
fn malformed_updates_are_refused_naming_their_path() {
    let cases = [
        (json!([]), "update"),
        (json!({}), "update"),
        (json!({"put": {"a": 1}}), "update.put"),
        (json!({"set": []}), "update.set"),
        (json!({"set": {"a..b": 1}}), "update.set.a..b"),
        (json!({"remove": "a"}), "update.remove"),
        (json!({"remove": ["a", 3]}), "update.remove[1]"),
        (json!({"add": {"a": "x"}}), "update.add.a"),
        (json!({"add": {"a": []}}), "update.add.a"),
        (json!({"add": {"a": ["x", 1]}}), "update.add.a"),
        (json!({"delete": {"a": 1}}), "update.delete.a"),
        (json!({"delete": {"a": ["x", "x"]}}), "update.delete.a[1]"),
        (json!({"append": {"a": 1}}), "update.append.a"),
        (
            json!({"increment": {"a": "1"}, "types": {"a": "S"}}),
            "update.increment.a",
        ),
        (json!({"increment": {"a": "one"}}), "update.increment.a"),
        (
            json!({"set": {"a": 1}, "types": {"b": "N"}}),
            "update.types.b",
        ),
        (
            json!({"set": {"a": 1}, "types": {"a": "X"}}),
            "update.types.a",
        ),
        (
            json!({"set": {"a": 1}, "remove": ["a"]}),
            "update.remove[0]",
        ),
        (
            json!({"set": {"a.b": 1}, "increment": {"a": 1}}),
            "update.increment.a",
        ),
        (json!({"set": {"a": 1}, "types": []}), "update.types"),
    ];
    for (input, field) in cases {
        assert_eq!(refused_update(&input), field, "{input}");
    }
    assert!(Update::parse("u", &json!({"set": {"a[0]": 1, "a[1]": 2}})).is_ok());
}

#[test]
fn key_conditions_are_a_hash_equality_and_one_range_comparison() {
    let check = |value: Value| {
        let parsed = Condition::parse("key-condition", &value).unwrap();
        let names = check_key_condition(&parsed).map_err(|e| e.field.unwrap_or_default());
        names.map(|n| n.join(","))
    };
    let hash = json!({"attr": "pk", "eq": 1});
    assert_eq!(check(hash.clone()), Ok("pk".into()));
    for range in [
        json!({"attr": "sk", "eq": 1}),
        json!({"attr": "sk", "lt": 1}),
        json!({"attr": "sk", "gte": 1}),
        json!({"attr": "sk", "between": [1, 2]}),
        json!({"attr": "sk", "begins-with": "a"}),
    ] {
        let both = json!({"and": [range.clone(), hash.clone()]});
        assert_eq!(check(both), Ok("sk,pk".into()), "{range}");
    }
    let refused = [
        (json!({"or": [hash.clone()]}), "key-condition"),
        (json!({"not": hash.clone()}), "key-condition"),
        (json!({"attr": "pk", "ne": 1}), "key-condition"),
        (json!({"attr": "pk", "eq": {"attr": "x"}}), "key-condition"),
        (json!({"attr": "pk.x", "eq": 1}), "key-condition"),
        (
            json!({"and": [hash.clone(), {"attr": "sk", "ne": 1}]}),
            "key-condition.and[1]",
        ),
        (
            json!({"and": [hash.clone(), {"attr": "sk", "in": [1]}]}),
            "key-condition.and[1]",
        ),
        (
            json!({"and": [hash.clone(), {"attr": "sk", "size": {"gt": 1}}]}),
            "key-condition.and[1]",
        ),
        (
            json!({"and": [hash.clone(), {"attr": "sk", "lt": {"attr": "pk"}}]}),
            "key-condition.and[1]",
        ),
        (
            json!({"and": [hash.clone(), {"attr": "sk[0]", "lt": 1}]}),
            "key-condition.and[1]",
        ),
        (
            json!({"and": [hash.clone(), {"or": [hash.clone()]}]}),
            "key-condition.and[1]",
        ),
        (
            json!({"and": [hash.clone(), hash.clone(), hash.clone()]}),
            "key-condition",
        ),
    ];
    for (input, field) in refused {
        assert_eq!(check(input.clone()), Err(field.to_string()), "{input}");
    }
}

#[test]
fn a_query_filter_may_not_read_key_attributes() {
    let filter = json!({"and": [{"attr": "total", "gt": 1}, {"attr": "x", "eq": {"attr": "sk"}}]});
    let parsed = Condition::parse("filter", &filter).unwrap();
    let err = refuse_keys(&parsed, &["pk", "sk"]).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("filter.and[1]"));
    assert!(refuse_keys(&parsed, &["pk"]).is_ok());
}

#[test]
fn generated_placeholders_avoid_the_callers_and_reuse_names() {
    let mut expr = Expressions {
        names: Some([("#n0".to_string(), "other".to_string())].into()),
        values: Some([(":v0".to_string(), AttributeValue::N("1".into()))].into()),
        generated: Vec::new(),
    };
    let parsed = Condition::parse("c", &json!({"attr": "other.x", "eq": 2})).unwrap();
    let text = expr
        .generate("ConditionExpression", "c", |b| parsed.render(b))
        .unwrap();
    assert_eq!(text, "#n0.#n1 = :v1");
    let sent = expr.sent().unwrap();
    assert_eq!(sent["ConditionExpression"], "#n0.#n1 = :v1");
    assert_eq!(sent["ExpressionAttributeValues"][":v1"], json!({"N": "2"}));
}

#[test]
fn over_long_expressions_are_refused_before_sending() {
    let leaves: Vec<Value> = (0..100)
        .map(|i| json!({"attr": format!("attribute{i}"), "in": vec![i; 10]}))
        .collect();
    let parsed = Condition::parse("filter", &json!({"or": leaves})).unwrap();
    let mut expr = Expressions::default();
    let err = expr
        .generate("FilterExpression", "filter", |b| parsed.render(b))
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("filter"));
    assert!(err.message.contains("4096"), "{}", err.message);
}

#[test]
fn a_plain_input_beside_its_expression_is_refused() {
    let plain = json!({"attr": "a", "eq": 1});
    let err = super::either("condition-expression", true, "condition", Some(&plain)).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("condition"));
    let text = Value::String(plain.to_string());
    let read = super::either("condition-expression", false, "condition", Some(&text)).unwrap();
    assert_eq!(read, Some(plain));
    assert_eq!(super::either("x", true, "y", None).unwrap(), None);
}
