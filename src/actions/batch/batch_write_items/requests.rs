//! The requests of a `batch-write-items` input, read and checked (plain JSON items typed by
//! their table's key schema), the key each addresses, and a request shown as it was given.

#[allow(clippy::wildcard_imports)]
use super::*;

/// The key identity of a write the service returned, by `schema`.
pub(super) fn key_of(write: &WriteRequest, schema: &KeySchema) -> Option<Vec<u8>> {
    match (write.put_request(), write.delete_request()) {
        (Some(put), _) => schema.key_of("UnprocessedItems", put.item()).ok(),
        (_, Some(delete)) => Some(delete.key().clone()),
        _ => None,
    }
    .map(|key| keys::identity(&key))
}

/// The `requests` input: table name → its array of requests.
pub(super) fn requested(value: Value) -> Result<BTreeMap<String, Vec<Value>>> {
    let Value::Object(tables) = value else {
        return Err(Error::invalid(
            "requests",
            "must be a JSON object of table name to requests",
        ));
    };
    tables
        .into_iter()
        .map(|(table, entries)| match entries {
            Value::Array(list) => Ok((table, list)),
            _ => Err(Error::invalid(
                format!("requests.{table}"),
                "must be an array of requests",
            )),
        })
        .collect()
}

/// One request entry as a `WriteRequest`, and the key it addresses.
pub(super) fn write_request(
    at: &str,
    entry: &Value,
    schema: &KeySchema,
) -> Result<(WriteRequest, Item)> {
    let fields: Vec<&str> = entry
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let built = match (entry.get("put"), entry.get("delete")) {
        (Some(item), None) if fields.iter().all(|f| ["put", "types"].contains(f)) => {
            let item = item::put(at, item, entry.get("types"))?;
            let key = schema.key_of(&format!("{at}.put"), &item)?;
            let item = values::within_item_size(at, item)?;
            let put = PutRequest::builder().set_item(Some(item)).build();
            put.map(|p| (WriteRequest::builder().put_request(p).build(), key))
        }
        (None, Some(key)) if fields == ["delete"] => {
            let key = schema.exact_key(&format!("{at}.delete"), key)?;
            let delete = DeleteRequest::builder().set_key(Some(key.clone())).build();
            delete.map(|d| (WriteRequest::builder().delete_request(d).build(), key))
        }
        _ => {
            return Err(Error::invalid(
                at,
                r#"must be {"put": ITEM} (with optional "types") or {"delete": KEY}"#,
            ))
        }
    };
    built.map_err(|e| Error::invalid(at, e))
}

/// The type code of every attribute of `item`, as a `types` object.
pub(super) fn types_of(item: &Item) -> Value {
    let codes = item
        .iter()
        .map(|(k, v)| (k.clone(), Value::from(values::TypeCode::of(v).as_str())));
    Value::Object(codes.collect())
}

/// An unprocessed request as the caller can send it again: `{"put", "types"}` or
/// `{"delete"}`.
pub(super) fn render(write: &WriteRequest) -> Value {
    match (write.put_request(), write.delete_request()) {
        (Some(put), _) => Obj::new()
            .set("put", values::item_to_json_plain(put.item()))
            .set("types", types_of(put.item()))
            .build(),
        (_, Some(delete)) => Obj::new()
            .set("delete", values::item_to_json_plain(delete.key()))
            .build(),
        _ => Value::Null,
    }
}
