//! Property tests of the value mapping: arbitrary nested values round-trip, 38-digit numbers
//! survive, and malformed inputs are rejected with an error, never a panic.

use dynamodb_connector::model::number::{self, compare};
use dynamodb_connector::model::values::{
    from_json_map, from_json_natural, from_json_typed, to_json_plain, TypeCode,
};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::cmp::Ordering;

/// A `DynamoDB` number as text: up to 38 significant digits, within range.
fn number_text() -> impl Strategy<Value = String> {
    (any::<bool>(), "[1-9][0-9]{0,37}", -80i32..80).prop_map(|(neg, digits, exp)| {
        let sign = if neg { "-" } else { "" };
        match exp % 3 {
            0 => format!("{sign}{digits}"),
            1 => format!("{sign}{digits}E{exp}"),
            _ => {
                let cut = (exp.unsigned_abs() as usize) % digits.len();
                format!(
                    "{sign}{}.{}",
                    &digits[..digits.len() - cut],
                    &digits[digits.len() - cut..]
                )
                .trim_end_matches('.')
                .to_string()
            }
        }
    })
}

/// Arbitrary plain JSON of the kind items hold (no sets: plain JSON cannot tell them).
fn plain_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<String>().prop_map(Value::String),
        number_text().prop_map(|n| serde_json::from_str(&n.replace('E', "e")).unwrap()),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z0-9_]{1,8}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn nested_values_round_trip(value in plain_json()) {
        let attribute = from_json_natural("value.x", &value).expect("any plain JSON maps");
        prop_assert_eq!(to_json_plain(&attribute), value);
    }

    #[test]
    fn numbers_survive_digit_for_digit(text in number_text()) {
        prop_assert_eq!(number::checked("n", &text).unwrap(), text.clone());
        let attribute = from_json_typed("value.n", &json!(text), TypeCode::N).unwrap();
        // The same digits and exponent; JSON spells the exponent `e+1` where DynamoDB
        // may have stored `E1`.
        let spelled = |s: &str| s.to_lowercase().replace("e+", "e");
        prop_assert_eq!(spelled(&to_json_plain(&attribute).to_string()), spelled(&text));
    }

    #[test]
    fn typed_numbers_from_json_numbers_keep_digits(text in number_text()) {
        let json_number: Value = serde_json::from_str(&text.replace('E', "e")).unwrap();
        let attribute = from_json_typed("value.n", &json_number, TypeCode::N).unwrap();
        prop_assert_eq!(to_json_plain(&attribute), json_number);
    }

    #[test]
    fn sets_keep_every_member(members in prop::collection::btree_set("[a-z]{0,6}", 1..20)) {
        let members: Vec<String> = members.into_iter().collect();
        let attribute = from_json_typed("value.s", &json!(members), TypeCode::Ss).unwrap();
        prop_assert_eq!(to_json_plain(&attribute), json!(members));
    }

    #[test]
    fn arbitrary_input_never_panics(value in plain_json(), code in prop::sample::select(TypeCode::ALL.to_vec()), bad in "\\PC{0,6}") {
        let _ = from_json_typed("value.x", &value, code);
        let _ = TypeCode::parse(&bad).map(|code| from_json_typed("value.x", &value, code));
        let _ = number::checked("value.x", &bad);
        let _ = from_json_map("value", &json!({"x": value}), "value-types", &json!({"x": bad}));
    }

    #[test]
    fn numbers_compare_exactly_as_their_values(a in any::<i64>(), b in any::<i64>(), scale in 0u32..40) {
        let scaled = |n: i64| format!("{n}E-{scale}");
        prop_assert_eq!(compare(&scaled(a), &scaled(b)), a.cmp(&b));
        prop_assert_eq!(compare(&a.to_string(), &format!("{a}.000")), Ordering::Equal);
    }

    #[test]
    fn number_comparison_is_antisymmetric(a in number_text(), b in number_text()) {
        prop_assert_eq!(compare(&a, &b), compare(&b, &a).reverse());
    }

    #[test]
    fn too_many_digits_are_refused(digits in "[1-9][0-9]{37,44}[1-9]") {
        let err = number::checked("value.n", &digits).unwrap_err();
        prop_assert_eq!(err.field.as_deref(), Some("value.n"));
    }
}
