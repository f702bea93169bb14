//! `catalog-sweep`: what OpenMetadata's metadata, profiler and auto-classification
//! workflows produce for DynamoDB, in one pass over the region: a few tables per step
//! (`ListTables` from the cursor), each sampled once and returned as its
//! `CreateTableRequest` (columns, constraints, the table's tags), its
//! `CreateTableProfileRequest` and its columns' suggested PII tags. A table that fails (it
//! was deleted meanwhile, the credentials may not read it) is reported in `Failed` with its
//! error and the sweep goes on; `Cursor` resumes after the last table listed.

pub(crate) use crate::wit::CatalogSweepInput as Input;

use crate::aws::client;
use crate::aws::scan;
use crate::catalog::classify::DEFAULT_MIN_CONFIDENCE;
use crate::catalog::columns::Columns;
use crate::catalog::openmetadata::{self as om, Tree};
use crate::catalog::profile::{self, Profile};
use crate::catalog::{sample_sizes, Shown};
use crate::error::{Error, Result};
use crate::model::{input, shape::Obj};
use crate::wit::Connection;
use aws_sdk_dynamodb::operation::scan::builders::ScanInputBuilder;
use aws_sdk_dynamodb::types::TableDescription;
use serde_json::Value;

/// Tables per step when the input names no number, and the most it may name.
const DEFAULT_TABLES: u32 = 5;
const MAX_TABLES: u32 = 20;

/// What every table of the sweep is read with.
struct Settings<'a> {
    region: &'a str,
    size: usize,
    segments: i32,
    schema: &'a str,
    classification: &'a str,
    least: f64,
}

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let tables @ 1..=MAX_TABLES = input.max_tables.unwrap_or(DEFAULT_TABLES) else {
        return Err(Error::invalid(
            "max-tables",
            format!("must be from 1 to {MAX_TABLES}"),
        ));
    };
    let confidence @ 1..=100 = input.min_confidence.unwrap_or(DEFAULT_MIN_CONFIDENCE) else {
        return Err(Error::invalid(
            "min-confidence",
            "must be from 1 to 100 (percent)",
        ));
    };
    let (size, segments) = sample_sizes(input.sample_size, input.segments)?;
    let settings = Settings {
        region: &input.region,
        size,
        segments,
        schema: super::database_schema(input.database_schema.as_deref()),
        classification: super::tag_classification(input.tag_classification.as_deref()),
        least: f64::from(confidence) / 100.0,
    };
    let client = client::dynamodb(connection, &input.region).await?;
    let listed = client
        .list_tables()
        .set_exclusive_start_table_name(input::text(&input.cursor))
        .limit(tables.cast_signed())
        .send()
        .await?;
    let secrets = client::secrets(connection);
    let (mut done, mut failed) = (Vec::new(), Vec::new());
    for name in listed.table_names() {
        match table(connection, &settings, name).await {
            Ok(shapes) => done.push(shapes),
            Err(e) => failed.push(
                Obj::new()
                    .set("TableName", name.as_str())
                    .set("Error", e.shown(&secrets))
                    .build(),
            ),
        }
    }
    let next = listed.last_evaluated_table_name();
    Ok(Obj::new()
        .set("Tables", done)
        .set("Failed", failed)
        .opt("Cursor", next)
        .set("More", next.is_some())
        .build())
}

/// One table in OpenMetadata's shapes, from one sample.
async fn table(connection: &Connection, settings: &Settings<'_>, name: &str) -> Result<Value> {
    let client = client::dynamodb(connection, settings.region).await?;
    let described = client.describe_table().table_name(name).send().await?;
    let description = described
        .table
        .unwrap_or_else(|| TableDescription::builder().build());
    let sample = scan::sample(
        scan::Request::new(&client, ScanInputBuilder::default().table_name(name)),
        settings.size,
        settings.segments,
    )
    .await?;
    let tags = super::table_tags(connection, settings.region, &description).await?;
    let columns = Columns::<Profile>::of(&sample.items);
    let sampled = columns.items;
    let rows = || columns.columns.iter();
    let paths = rows().map(|(path, c)| (path.as_str(), c.items, c.gathered.types()));
    let tree = Tree::of(paths, sampled).with_keys(&description);
    let request = om::table_request(
        name,
        settings.schema,
        &description,
        &tree,
        &tags,
        settings.classification,
    );
    let shown = Shown::new(false, rows().map(|(_, c)| &c.gathered.matches));
    let timestamp = om::now_millis();
    let profiles: Vec<Value> = rows()
        .filter(|(path, _)| om::top_level(path))
        .map(|(path, c)| profile::openmetadata(path, c, sampled, &shown, timestamp))
        .collect();
    let profile = om::profile_request(
        &description,
        sampled,
        sample.whole_table,
        &profiles,
        timestamp,
    );
    let matches = rows().map(|(path, c)| (path.as_str(), &c.gathered.matches));
    Ok(super::openmetadata_header(&sample, settings.schema, name)
        .set("Table", request)
        .set("Profile", profile)
        .set("ColumnTags", om::column_tags(matches, settings.least))
        .build())
}
