//! The type-driven converter (`connector_host::convert`) that makes the host
//! connector-agnostic, table-tested against the real component's types: options, enum case
//! folding, variants, unknown record keys and integer overflow.

use connector_host::convert::{to_val, Mismatch};
use serde_json::{json, Value};
use std::sync::OnceLock;
use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, Type, Val};
use wasmtime::Engine;

/// The type of parameter `param` of the component's action `action`.
fn param(action: &str, param: &str) -> Type {
    static COMPONENT: OnceLock<(Engine, Component)> = OnceLock::new();
    let (engine, component) = COMPONENT.get_or_init(|| {
        let engine = Engine::default();
        let component = Component::from_file(&engine, test_support::component())
            .expect("the component compiles");
        (engine, component)
    });
    let ty = component.component_type();
    let Some(ComponentItem::ComponentInstance(actions)) = ty
        .get_export(engine, "dynamodb:connector/actions@0.1.0")
        .map(|e| e.ty)
    else {
        panic!("the component exports its actions");
    };
    let Some(ComponentItem::ComponentFunc(func)) = actions.get_export(engine, action).map(|e| e.ty)
    else {
        panic!("{action} is an action");
    };
    let found = func.params().find(|(name, _)| *name == param);
    found.map(|(_, ty)| ty).expect(param)
}

/// The value of field `key` of a converted record.
fn field(record: &Val, key: &str) -> Val {
    let Val::Record(fields) = record else {
        panic!("not a record: {record:?}");
    };
    let found = fields.iter().find(|(name, _)| name == key);
    found.map(|(_, v)| v.clone()).expect(key)
}

fn wait_input(input: Value) -> Result<Val, Mismatch> {
    to_val("", &input, &param("wait-for-table", "input"))
}

#[test]
fn options_are_a_missing_key_or_null() {
    let base = json!({"region": "us-east-1", "table-name": "t"});
    let absent = wait_input(base.clone()).unwrap();
    assert_eq!(field(&absent, "timeout-seconds"), Val::Option(None));
    let null = wait_input(json!({"region": "r", "table-name": "t", "timeout-seconds": null}));
    assert_eq!(field(&null.unwrap(), "timeout-seconds"), Val::Option(None));
    let given = wait_input(json!({"region": "r", "table-name": "t", "timeout-seconds": "30"}));
    let thirty = Val::Option(Some(Box::new(Val::U32(30))));
    assert_eq!(field(&given.unwrap(), "timeout-seconds"), thirty);
    let missing = to_val(
        "",
        &json!({"table-name": "t"}),
        &param("wait-for-table", "input"),
    );
    assert_eq!(missing.unwrap_err().path, "region");
}

#[test]
fn enum_cases_fold_case_and_underscores() {
    for (given, case) in [
        ("deleted", "deleted"),
        ("DELETED", "deleted"),
        (" Active ", "active"),
    ] {
        let converted = wait_input(json!({"region": "r", "table-name": "t", "until": given}));
        let expected = Val::Option(Some(Box::new(Val::Enum(case.into()))));
        assert_eq!(field(&converted.unwrap(), "until"), expected, "{given}");
    }
    let billing = to_val("billing-mode", &json!("PAY_PER_REQUEST"), &{
        let Type::Record(input) = param("create-table", "input") else {
            panic!("create-table takes a record");
        };
        let billing = input
            .fields()
            .find(|f| f.name == "billing-mode")
            .unwrap()
            .ty;
        billing
    });
    let billing = billing.unwrap();
    let expected = Val::Option(Some(Box::new(Val::Enum("pay-per-request".into()))));
    assert_eq!(billing, expected);
    let wrong = wait_input(json!({"region": "r", "table-name": "t", "until": "gone"}));
    let wrong = wrong.unwrap_err();
    assert_eq!(wrong.path, "until");
    assert!(
        wrong.message.to_lowercase().contains("active"),
        "{}",
        wrong.message
    );
}

#[test]
fn variants_take_their_case_from_type() {
    let connection = param("list-tables", "connection");
    let access_key =
        json!({"type": "access-key", "access-key-id": "AKIA", "secret-access-key": "s"});
    let Val::Variant(case, Some(record)) = to_val("connection", &access_key, &connection).unwrap()
    else {
        panic!("a variant with a payload");
    };
    assert_eq!(case, "access-key");
    assert_eq!(field(&record, "access-key-id"), Val::String("AKIA".into()));
    for (given, path) in [
        (json!({"access-key-id": "A"}), "connection.type"),
        (json!({"type": "password"}), "connection.type"),
        (json!("access-key"), "connection"),
    ] {
        let error = to_val("connection", &given, &connection).unwrap_err();
        assert_eq!(error.path, path, "{given}");
    }
}

#[test]
fn unknown_record_keys_are_refused_by_name() {
    let error = wait_input(json!({"region": "r", "table-name": "t", "timeout": 5})).unwrap_err();
    assert_eq!(error.path, "timeout");
    let connection = param("list-tables", "connection");
    let extra =
        json!({"type": "access-key", "access-key-id": "A", "secret-access-key": "s", "token": "x"});
    let error = to_val("connection", &extra, &connection).unwrap_err();
    assert_eq!(error.path, "connection.token");
}

#[test]
fn integers_out_of_range_are_refused() {
    for bad in [json!(4_294_967_296u64), json!(-1), json!(1.5), json!("ten")] {
        let error = wait_input(json!({"region": "r", "table-name": "t", "timeout-seconds": bad}));
        assert_eq!(error.unwrap_err().path, "timeout-seconds", "{bad}");
    }
    let max =
        wait_input(json!({"region": "r", "table-name": "t", "timeout-seconds": 4_294_967_295u64}));
    let max_u32 = Val::Option(Some(Box::new(Val::U32(u32::MAX))));
    assert_eq!(field(&max.unwrap(), "timeout-seconds"), max_u32);
}
