//! `transact-write-items`: up to 100 puts, updates, deletes and condition checks across
//! tables, applied all or none (`TransactWriteItems`). Every action is checked and typed
//! before the request (keys by their table's key schema, read once per table), and two
//! actions on one item are refused. Delivery and errors: [`crate::aws::transaction`].

pub(crate) use crate::wit::TransactWriteItemsInput as Input;

use crate::actions::item::write::{self, Conditions, Op, CONDITION_MEMBERS};
use crate::aws::describe;
use crate::aws::transaction::{self, MAX_ACTIONS};
use crate::error::{Error, Result};
use crate::model::input::Params;
use crate::model::keys::{self, KeySchema};
use crate::model::shape::Obj;
use crate::model::Access;
use crate::model::Item;
use crate::wit::Connection;
use crate::{actions::item, aws::capacity, aws::client, model::values};
use aws_sdk_dynamodb::types::TransactWriteItem;
use serde_json::Value;

/// The members that say what an action does; an action has exactly one.
const OPERATIONS: [&str; 4] = ["put", "update", "delete", "condition-check"];

/// One action as given: where it stood, its table, what it does and its conditions.
struct Action {
    at: String,
    table: String,
    what: What,
    conditions: Conditions,
}

/// What an action does, its key still untyped (a put's item is typed already).
enum What {
    Put(Item),
    Update(Value, String),
    Delete(Value),
    Check(Value),
}

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let members: Vec<&str> = [&OPERATIONS[..], &CONDITION_MEMBERS, &OTHER_MEMBERS].concat();
    let entries = Params::entries("actions", &input.actions, MAX_ACTIONS, &members)?;
    let actions = entries.iter().map(action).collect::<Result<Vec<_>>>()?;
    let token = input.client_request_token.as_deref();
    let token = transaction::token("client-request-token", token)?;
    let asked = capacity::asked(input.return_consumed_capacity);
    let client = client::dynamodb(connection, &input.region).await?;
    let tables = actions.iter().map(|a| a.table.as_str());
    let schemas = describe::key_schemas(&client, tables).await?;
    let typed = actions
        .into_iter()
        .map(|a| {
            let schema = &schemas[&a.table];
            typed(a, schema)
        })
        .collect::<Result<Vec<_>>>()?;
    let entries = typed
        .iter()
        .map(|(table, at, key, ..)| (table.as_str(), at.as_str(), key));
    keys::no_duplicate_keys(entries, "one transaction")?;
    let count = typed.len();
    let sent: Vec<Option<Value>> = typed.iter().map(|t| t.4.clone()).collect();
    let items: Vec<TransactWriteItem> = typed.into_iter().map(|t| t.3).collect();
    let metrics = capacity::asked_metrics(input.return_item_collection_metrics);
    let out = client
        .transact_write_items()
        .set_transact_items(Some(items))
        .set_client_request_token(token)
        .set_return_consumed_capacity(asked.clone())
        .set_return_item_collection_metrics(metrics)
        .send()
        .await
        .map_err(|e| transaction::error(e, "client-request-token", Access::Write))?;
    let generated = sent.iter().any(Option::is_some);
    let sent =
        generated.then(|| Value::Array(sent.into_iter().map(Option::unwrap_or_default).collect()));
    Ok(Obj::new()
        .set("Actions", count)
        .opt("Expressions", sent)
        .opt(
            "ConsumedCapacity",
            capacity::each(asked.as_ref(), out.consumed_capacity()),
        )
        .opt(
            "ItemCollectionMetrics",
            capacity::collections(out.item_collection_metrics.as_ref()),
        )
        .build())
}

/// The members besides the operation and its conditions.
const OTHER_MEMBERS: [&str; 4] = ["table-name", "types", "update-expression", "changes"];

/// Check one entry of `actions`.
fn action(entry: &Params) -> Result<Action> {
    let table = entry.required("table-name")?;
    let given: Vec<&str> = OPERATIONS
        .into_iter()
        .filter(|op| entry.value(op).is_some())
        .collect();
    let [operation] = given[..] else {
        return Err(Error::invalid(
            entry.field(),
            "must have exactly one of put, update, delete, condition-check",
        ));
    };
    only_with(entry, "types", operation, "put")?;
    only_with(entry, "update-expression", operation, "update")?;
    only_with(entry, "changes", operation, "update")?;
    let mut conditions = Conditions::of_entry(entry)?;
    let value = entry.value(operation).cloned().unwrap_or_default();
    let what = match operation {
        "put" => What::Put(item::put(entry.field(), &value, entry.value("types"))?),
        "update" => {
            let written = entry.string("update-expression")?;
            let expression = conditions.update(
                (&entry.at("update-expression"), written.as_deref()),
                (&entry.at("changes"), entry.value("changes")),
            )?;
            What::Update(value, expression)
        }
        "delete" => What::Delete(value),
        _ if conditions.condition.is_none() => {
            return Err(Error::invalid(
                entry.at("condition-expression"),
                "is required for a condition-check (or give condition)",
            ))
        }
        _ => What::Check(value),
    };
    Ok(Action {
        at: entry.field().to_string(),
        table,
        what,
        conditions,
    })
}

/// `invalid-input` when `member` is given with an operation other than `owner`.
fn only_with(entry: &Params, member: &str, operation: &str, owner: &str) -> Result<()> {
    if entry.value(member).is_some() && operation != owner {
        return Err(Error::invalid(
            entry.at(member),
            format!("belongs to a {owner}, not a {operation}"),
        ));
    }
    Ok(())
}

/// An action ready to send: its table, where it stood, the key it addresses, the
/// transaction item and the expressions generated for it.
type Typed = (String, String, Item, TransactWriteItem, Option<Value>);

/// The action with its key typed by `schema`, as [`Typed`].
fn typed(action: Action, schema: &KeySchema) -> Result<Typed> {
    let at = |member: &str| format!("{}.{member}", action.at);
    let (op, key) = match action.what {
        What::Put(item) => {
            let key = schema.key_of(&at("put"), &item)?;
            (Op::Put(values::within_item_size(&at("put"), item)?), key)
        }
        What::Update(key, expression) => {
            let key = schema.exact_key(&at("update"), &key)?;
            (Op::Update(key.clone(), expression), key)
        }
        What::Delete(key) => {
            let key = schema.exact_key(&at("delete"), &key)?;
            (Op::Delete(key.clone()), key)
        }
        What::Check(key) => {
            let key = schema.exact_key(&at("condition-check"), &key)?;
            (Op::Check(key.clone()), key)
        }
    };
    let item = write::transact_item(&action.table, op, &action.conditions)
        .map_err(|e| Error::invalid(&action.at, e))?;
    let sent = action.conditions.sent();
    Ok((action.table, action.at, key, item, sent))
}
