//! The connector's contract as the tests check it: every answer a step gives — an action's
//! output or an error object — validated against its JSON Schema under `schemas/` by a
//! validator from the registries, so an output that drifts from its schema fails the test
//! that received it. Each document is self-contained: nothing is fetched to resolve it.

use jsonschema::Validator;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

fn read(path: &str) -> Value {
    let file = crate::workspace().join(path);
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The compiled validator of `schemas/PATH`, or `None` when there is no such document.
pub fn validator(path: &str) -> Option<&'static Validator> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<&'static Validator>>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Mutex::default).lock().expect("cache");
    *cache.entry(path.to_string()).or_insert_with(|| {
        let full = format!("schemas/{path}");
        crate::workspace().join(&full).exists().then(|| {
            let compiled = jsonschema::options()
                .build(&read(&full))
                .unwrap_or_else(|e| panic!("{full} does not compile: {e}"));
            &*Box::leak(Box::new(compiled))
        })
    })
}

/// What is wrong with `value` against `schemas/PATH` (empty when it is valid).
pub fn problems(path: &str, value: &Value) -> Vec<String> {
    let validator = validator(path).unwrap_or_else(|| panic!("no schema schemas/{path}"));
    validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Panic unless `answer` — the output of a step of `action`, or `{"error": {...}}` — is
/// valid against its schema: `schemas/error.json` for an error, the action's output schema
/// otherwise. An action without a schema (another component's, or a name the host
/// refused) can only have answered with an error.
pub fn check_answer(action: Option<&str>, answer: &Value) {
    let path = if answer.get("error").is_some() {
        "error.json".to_string()
    } else {
        let action = action.unwrap_or_else(|| panic!("an output without an action: {answer}"));
        format!("actions/{action}.output.json")
    };
    let problems = problems(&path, answer);
    assert!(problems.is_empty(), "{path}: {problems:#?}\nin {answer}");
}
