//! Step JSON ⇄ component values, driven by the component's own types: the host knows no
//! action by heart, so a new action or input in the WIT needs no host change.
//!
//! Rules (JSON → WIT): records are JSON objects with the WIT field names (kebab-case) and
//! unknown keys are refused; `option` is a missing key or `null`; `string` takes a string
//! as is and any other JSON value as its JSON text (so objects reach `json` inputs intact,
//! numbers keep every digit); `bool` takes `true`/`false` or their strings; integers take
//! a JSON number or a string holding one; `enum` takes a case name in any case, with `_`
//! for `-` (`PAY_PER_REQUEST`); `variant` takes an object whose `type` names the case and
//! whose other keys are the case's record.

use serde_json::{Map, Value};
use wasmtime::component::{types, Type, Val};

/// Where in the step document a value sits, for error messages (`input.fetch-all`).
pub type Path<'a> = &'a str;

/// A value of the step document that does not fit the component's type.
#[derive(Debug)]
pub struct Mismatch {
    /// Where: the dotted path of the value (`fetch-all`, `connection.endpoint-url`).
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

fn mismatch(path: Path, message: impl Into<String>) -> Mismatch {
    Mismatch {
        path: path.to_string(),
        message: message.into(),
    }
}

fn join(path: Path, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn normalize(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace('_', "-")
}

/// Convert a JSON value of the step document to a component value of type `ty`.
pub fn to_val(path: Path, json: &Value, ty: &Type) -> Result<Val, Mismatch> {
    match ty {
        Type::Option(inner) => match json {
            Value::Null => Ok(Val::Option(None)),
            other => Ok(Val::Option(Some(Box::new(to_val(
                path,
                other,
                &inner.ty(),
            )?)))),
        },
        Type::String => match json {
            Value::String(s) => Ok(Val::String(s.clone())),
            Value::Null => Err(mismatch(path, "is required")),
            other => Ok(Val::String(other.to_string())),
        },
        Type::Bool => match json {
            Value::Bool(b) => Ok(Val::Bool(*b)),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Val::Bool(true)),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Val::Bool(false)),
            _ => Err(mismatch(path, "must be true or false")),
        },
        Type::U32 | Type::U64 => unsigned(path, json, ty),
        Type::Enum(e) => enum_case(path, json, e),
        Type::Record(r) => match json {
            Value::Object(obj) => record(path, obj, r),
            _ => Err(mismatch(path, "must be a JSON object")),
        },
        Type::Variant(v) => variant(path, json, v),
        other => Err(mismatch(
            path,
            format!("has a WIT type the host cannot fill: {other:?}"),
        )),
    }
}

/// A `u32` or `u64` from a JSON number or a string holding one.
fn unsigned(path: Path, json: &Value, ty: &Type) -> Result<Val, Mismatch> {
    let text = match json {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_string(),
        _ => String::new(),
    };
    let n: u64 = text
        .parse()
        .map_err(|_| mismatch(path, "must be a whole number of at least 0"))?;
    match ty {
        Type::U32 => u32::try_from(n)
            .map(Val::U32)
            .map_err(|_| mismatch(path, "is too large")),
        _ => Ok(Val::U64(n)),
    }
}

/// An enum case named in any case, with `_` for `-` (`PAY_PER_REQUEST`).
fn enum_case(path: Path, json: &Value, e: &types::Enum) -> Result<Val, Mismatch> {
    let given = json.as_str().map(normalize).unwrap_or_default();
    e.names()
        .find(|n| *n == given)
        .map(|n| Val::Enum(n.to_string()))
        .ok_or_else(|| {
            let names: Vec<String> = e
                .names()
                .map(|n| n.to_ascii_uppercase().replace('-', "_"))
                .collect();
            let given = json.as_str().unwrap_or_default();
            let hint = crate::suggest::did_you_mean(given, names.iter().map(String::as_str));
            mismatch(path, format!("must be one of {}{hint}", names.join(", ")))
        })
}

/// A variant from an object whose `type` names the case and whose other keys are the
/// case's record.
fn variant(path: Path, json: &Value, v: &types::Variant) -> Result<Val, Mismatch> {
    let Value::Object(obj) = json else {
        return Err(mismatch(path, "must be a JSON object with a \"type\""));
    };
    let given = obj.get("type").and_then(Value::as_str).unwrap_or("");
    let case = v.cases().find(|c| c.name == given).ok_or_else(|| {
        let names: Vec<&str> = v.cases().map(|c| c.name).collect();
        mismatch(
            &join(path, "type"),
            format!("must be one of {}", names.join(", ")),
        )
    })?;
    let mut rest = obj.clone();
    rest.remove("type");
    let payload = match case.ty {
        Some(Type::Record(r)) => Some(Box::new(record(path, &rest, &r)?)),
        Some(other) => Some(Box::new(to_val(path, &Value::Object(rest), &other)?)),
        None => None,
    };
    Ok(Val::Variant(case.name.to_string(), payload))
}

fn record(path: Path, obj: &Map<String, Value>, r: &types::Record) -> Result<Val, Mismatch> {
    if let Some(unknown) = obj
        .keys()
        .find(|k| !r.fields().any(|f| f.name == k.as_str()))
    {
        let known: Vec<&str> = r.fields().map(|f| f.name).collect();
        let hint = crate::suggest::did_you_mean(unknown, known.iter().copied());
        return Err(mismatch(
            &join(path, unknown),
            format!("is not a known input{hint} (known: {})", known.join(", ")),
        ));
    }
    let fields = r
        .fields()
        .map(|f| {
            let value = obj.get(f.name).unwrap_or(&Value::Null);
            Ok((
                f.name.to_string(),
                to_val(&join(path, f.name), value, &f.ty)?,
            ))
        })
        .collect::<Result<_, _>>()?;
    Ok(Val::Record(fields))
}

/// Convert a component value back to JSON: records become objects (absent options left
/// out), variants `{"kind": case, ...payload}`, enums their name.
pub fn from_val(val: &Val) -> Value {
    match val {
        Val::Bool(b) => Value::Bool(*b),
        Val::U32(n) => Value::from(*n),
        Val::U64(n) => Value::from(*n),
        Val::String(s) => Value::String(s.clone()),
        Val::Enum(e) => Value::String(e.clone()),
        Val::Option(o) => o.as_deref().map_or(Value::Null, from_val),
        Val::List(items) => Value::Array(items.iter().map(from_val).collect()),
        Val::Record(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), from_val(v)))
                .filter(|(_, v)| !v.is_null())
                .collect(),
        ),
        Val::Variant(case, payload) => {
            let mut obj = Map::new();
            obj.insert("kind".into(), Value::String(case.clone()));
            if let Some(Value::Object(fields)) = payload.as_deref().map(from_val) {
                obj.extend(fields);
            }
            Value::Object(obj)
        }
        other => Value::String(format!("{other:?}")),
    }
}

/// A WIT type as JSON, for checks against the manifest: `"string"`, `"bool"`, `"u64"`,
/// `{"option": T}`, `{"enum": [...]}`, `{"record": {field: T}}`, `{"variant": {case: T}}`.
pub fn describe(ty: &Type) -> Value {
    let one = |k: &str, v: Value| Value::Object(Map::from_iter([(k.to_string(), v)]));
    match ty {
        Type::Bool => "bool".into(),
        Type::U32 => "u32".into(),
        Type::U64 => "u64".into(),
        Type::String => "string".into(),
        Type::Option(o) => one("option", describe(&o.ty())),
        Type::Enum(e) => one("enum", e.names().collect::<Vec<_>>().into()),
        Type::Record(r) => one(
            "record",
            Value::Object(
                r.fields()
                    .map(|f| (f.name.to_string(), describe(&f.ty)))
                    .collect(),
            ),
        ),
        Type::Variant(v) => one(
            "variant",
            Value::Object(
                v.cases()
                    .map(|c| {
                        (
                            c.name.to_string(),
                            c.ty.as_ref().map_or(Value::Null, describe),
                        )
                    })
                    .collect(),
            ),
        ),
        other => format!("{other:?}").into(),
    }
}
