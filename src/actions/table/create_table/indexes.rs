//! The secondary indexes of `create-table`, checked as the service checks them: every key
//! attribute defined and every definition used by a key; a global index's capacity given
//! exactly on a provisioned table; a local index only on a table with a range key, with
//! the table's hash key and a range key of its own.

use crate::error::{Error, Result};
use crate::model::{input, table};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, GlobalSecondaryIndex, KeySchemaElement, KeyType, LocalSecondaryIndex,
};
use std::collections::BTreeSet;

/// Most global secondary indexes of a table (the service's default quota).
const MAX_GLOBAL: usize = 20;
/// Most local secondary indexes of a table.
const MAX_LOCAL: usize = 5;
const GLOBAL: &str = "global-secondary-indexes";
const LOCAL: &str = "local-secondary-indexes";

/// A table's global and local secondary indexes, as `CreateTable` takes them.
type Indexes = (
    Option<Vec<GlobalSecondaryIndex>>,
    Option<Vec<LocalSecondaryIndex>>,
);

/// The checked indexes given (the `global-secondary-indexes` and `local-secondary-indexes`
/// inputs) for a table of `keys` and `definitions`.
pub(crate) fn checked(
    (global, local): (Option<&str>, Option<&str>),
    definitions: &[AttributeDefinition],
    keys: &[KeySchemaElement],
    per_request: bool,
) -> Result<Indexes> {
    let defined: BTreeSet<&str> = definitions
        .iter()
        .map(AttributeDefinition::attribute_name)
        .collect();
    let mut used: BTreeSet<&str> = keys.iter().map(KeySchemaElement::attribute_name).collect();
    let global = match input::opt_json(GLOBAL, global)? {
        Some(value) => table::indexes(GLOBAL, &value, true, MAX_GLOBAL)?,
        None => Vec::new(),
    };
    let local = match input::opt_json(LOCAL, local)? {
        Some(value) => table::indexes(LOCAL, &value, false, MAX_LOCAL)?,
        None => Vec::new(),
    };
    for (i, index) in global.iter().enumerate() {
        let at = format!("{GLOBAL}[{i}]");
        keys_defined(&at, &index.keys, &defined)?;
        match (per_request, index.throughput.is_some()) {
            (true, true) => {
                return Err(Error::invalid(
                    format!("{at}.ProvisionedThroughput"),
                    "cannot be given with billing-mode pay-per-request",
                ))
            }
            (false, false) => {
                return Err(Error::invalid(
                    format!("{at}.ProvisionedThroughput"),
                    "is required on a provisioned table",
                ))
            }
            _ => {}
        }
    }
    for (i, index) in local.iter().enumerate() {
        let at = format!("{LOCAL}[{i}]");
        keys_defined(&at, &index.keys, &defined)?;
        local_keys(&at, &index.keys, keys)?;
    }
    let names = global.iter().chain(&local).map(|i| i.name.as_str());
    let mut seen = BTreeSet::new();
    if let Some(twice) = names.clone().find(|n| !seen.insert(*n)) {
        return Err(Error::invalid(
            GLOBAL,
            format!("two indexes are named {twice:?}"),
        ));
    }
    used.extend(
        global
            .iter()
            .chain(&local)
            .flat_map(|i| i.keys.iter().map(KeySchemaElement::attribute_name)),
    );
    if let Some(unused) = defined.difference(&used).next() {
        return Err(Error::invalid(
            "attribute-definitions",
            format!("defines {unused:?}, which no key of the table or of an index uses"),
        ));
    }
    let global = table::built_indexes(GLOBAL, global, table::Index::global)?;
    let local = table::built_indexes(LOCAL, local, table::Index::local)?;
    Ok((
        (!global.is_empty()).then_some(global),
        (!local.is_empty()).then_some(local),
    ))
}

/// Every key attribute of an index is in the attribute definitions.
fn keys_defined(at: &str, keys: &[KeySchemaElement], defined: &BTreeSet<&str>) -> Result<()> {
    match keys.iter().find(|k| !defined.contains(k.attribute_name())) {
        Some(k) => Err(Error::invalid(
            format!("{at}.KeySchema"),
            format!("{:?} is not in attribute-definitions", k.attribute_name()),
        )),
        None => Ok(()),
    }
}

/// A local index on a table with a range key: the table's hash key and a range key.
fn local_keys(at: &str, index: &[KeySchemaElement], table: &[KeySchemaElement]) -> Result<()> {
    let of = |keys: &[KeySchemaElement], kind: KeyType| {
        keys.iter()
            .find(|k| *k.key_type() == kind)
            .map(|k| k.attribute_name().to_string())
    };
    if of(table, KeyType::Range).is_none() {
        return Err(Error::invalid(LOCAL, "needs a table with a range key"));
    }
    if of(index, KeyType::Hash) != of(table, KeyType::Hash) {
        return Err(Error::invalid(
            format!("{at}.KeySchema"),
            "must have the table's hash key",
        ));
    }
    if of(index, KeyType::Range).is_none() {
        return Err(Error::invalid(
            format!("{at}.KeySchema"),
            "needs a range key",
        ));
    }
    Ok(())
}
