//! `infer-schema`: a table's key schema and indexes, and its columns inferred from a
//! sample: every attribute path with the types seen (and how often), the share of items
//! that have it, whether it is a key, and, with `show-values`, an example value. A column
//! whose values differ in type says so (`Mixed`); no type is picked for it. The example is
//! withheld as [`Shown`] says: when any sampled value of the column looks like personal
//! data ([`crate::catalog::classify`]), or the example itself does anywhere in the sample.

pub(crate) use crate::wit::InferSchemaInput as Input;

use super::Header;
use crate::aws::scan::Sample;
use crate::catalog::classify::Matches;
use crate::catalog::columns::{share, Column, Columns, Gather};
use crate::catalog::detect;
use crate::catalog::openmetadata::{self as om, Tree};
use crate::catalog::Shown;
use crate::error::Result;
use crate::model::shape::{self, Obj};
use crate::model::values;
use crate::wit::{CatalogFormat, Connection};
use aws_sdk_dynamodb::types::{AttributeValue, TableDescription};
use serde_json::Value;
use std::collections::BTreeMap;

/// Most characters of an example string; longer ones are cut.
const EXAMPLE_CHARS: usize = 64;
/// Most bytes of an example binary; a longer one is no example.
const EXAMPLE_BYTES: usize = 48;

/// What infer-schema gathers per column.
#[derive(Debug, Default)]
struct Inferred {
    types: BTreeMap<&'static str, u64>,
    /// The first scalar value small enough to be an example.
    example: Option<AttributeValue>,
    matches: Matches,
}

impl Gather for Inferred {
    fn add(&mut self, path: &str, value: &AttributeValue) {
        *self
            .types
            .entry(values::TypeCode::of(value).as_str())
            .or_default() += 1;
        self.matches.add(path, value);
        if self.example.is_none() && can_be_example(value) {
            self.example = Some(value.clone());
        }
    }
}

/// Scalars can be examples (binaries up to [`EXAMPLE_BYTES`]); maps, lists and sets cannot:
/// their members are columns of their own.
fn can_be_example(value: &AttributeValue) -> bool {
    match value {
        AttributeValue::B(b) => b.as_ref().len() <= EXAMPLE_BYTES,
        AttributeValue::S(_)
        | AttributeValue::N(_)
        | AttributeValue::Bool(_)
        | AttributeValue::Null(_) => true,
        _ => false,
    }
}

/// An example as output: strings cut at [`EXAMPLE_CHARS`].
fn example(value: &AttributeValue) -> Value {
    match value {
        AttributeValue::S(s) if s.chars().count() > EXAMPLE_CHARS => Value::String(format!(
            "{}…",
            s.chars().take(EXAMPLE_CHARS).collect::<String>()
        )),
        other => values::to_json_plain(other),
    }
}

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let (description, sample) = super::table_sample(connection, &input).await?;
    let columns = Columns::<Inferred>::of(&sample.items);
    if input.output_format == Some(CatalogFormat::Openmetadata) {
        return openmetadata(connection, &input, &description, &sample, &columns).await;
    }
    let all = columns.columns.values();
    let shown = Shown::new(
        input.show_values.unwrap_or(false),
        all.map(|c| &c.gathered.matches),
    );
    let described = shape::table(&description);
    let rows: Vec<Value> = columns
        .columns
        .iter()
        .map(|(path, column)| row(path, column, columns.items, &description, &shown))
        .collect();
    let mut out = sample.header(&description);
    for key in [
        "KeySchema",
        "AttributeDefinitions",
        "GlobalSecondaryIndexes",
        "LocalSecondaryIndexes",
    ] {
        out = out.opt(key, described.get(key).cloned());
    }
    Ok(out.set("Columns", rows).build())
}

/// The table as OpenMetadata's `CreateTableRequest`: its columns as a tree with
/// OpenMetadata's types, its key as constraints, its own tags under the classification the
/// input names.
async fn openmetadata(
    connection: &Connection,
    input: &Input,
    description: &TableDescription,
    sample: &Sample,
    columns: &Columns<Inferred>,
) -> Result<Value> {
    let rows = columns.columns.iter();
    let paths = rows.map(|(path, c)| (path.as_str(), c.items, &c.gathered.types));
    let tree = Tree::of(paths, columns.items).with_keys(description);
    let tags = super::table_tags(connection, &input.region, description).await?;
    let classification = super::tag_classification(input.tag_classification.as_deref());
    let schema = super::database_schema(input.database_schema.as_deref());
    let name = &input.table_name;
    let table = om::table_request(name, schema, description, &tree, &tags, classification);
    let header = super::openmetadata_header(sample, schema, name);
    Ok(header.set("Table", table).build())
}

fn row(
    path: &str,
    column: &Column<Inferred>,
    sampled: u64,
    table: &TableDescription,
    shown: &Shown,
) -> Value {
    let gathered = &column.gathered;
    let key = table
        .key_schema()
        .iter()
        .find(|k| k.attribute_name() == path)
        .map(|k| k.key_type().as_str());
    let example = gathered
        .example
        .as_ref()
        .filter(|value| shown.allows(&gathered.matches, detect::text(value)))
        .map(example);
    Obj::new()
        .set("Path", path)
        .set(
            "Types",
            serde_json::to_value(&gathered.types).unwrap_or_default(),
        )
        .set("Mixed", gathered.types.len() > 1)
        .set("Items", column.items)
        .set("Values", column.values)
        .set("Share", share(column.items, sampled))
        .opt("Key", key)
        .opt("Example", example)
        .build()
}
