//! `profile-table`: the table's item count and size from its description, and a profile
//! of every column over a sample ([`crate::catalog::profile`]); number extremes only with
//! `show-values`, as [`Shown`] allows.

pub(crate) use crate::wit::SampleInput as Input;

use super::Header;
use crate::aws::scan::Sample;
use crate::catalog::columns::Columns;
use crate::catalog::openmetadata as om;
use crate::catalog::profile::{self, Profile};
use crate::catalog::Shown;
use crate::error::Result;
use crate::wit::{CatalogFormat, Connection};
use aws_sdk_dynamodb::types::TableDescription;
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let (description, sample) = super::table_sample(connection, &input).await?;
    let columns = Columns::<Profile>::of(&sample.items);
    let all = columns.columns.values();
    let shown = Shown::new(
        input.show_values.unwrap_or(false),
        all.map(|c| &c.gathered.matches),
    );
    if input.output_format == Some(CatalogFormat::Openmetadata) {
        return Ok(openmetadata(
            &input,
            &description,
            &sample,
            &columns,
            &shown,
        ));
    }
    let rows: Vec<Value> = columns
        .columns
        .iter()
        .map(|(path, column)| profile::output(path, column, columns.items, &shown))
        .collect();
    Ok(sample
        .header(&description)
        .opt("TableSizeBytes", description.table_size_bytes())
        .set("Columns", rows)
        .build())
}

/// The profile as OpenMetadata's `CreateTableProfileRequest`: the table's, and each
/// top-level column's.
fn openmetadata(
    input: &Input,
    description: &TableDescription,
    sample: &Sample,
    columns: &Columns<Profile>,
    shown: &Shown,
) -> Value {
    let timestamp = om::now_millis();
    let sampled = columns.items;
    let top = columns
        .columns
        .iter()
        .filter(|(path, _)| om::top_level(path));
    let profiles: Vec<Value> = top
        .map(|(path, column)| profile::openmetadata(path, column, sampled, shown, timestamp))
        .collect();
    let request = om::profile_request(
        description,
        sampled,
        sample.whole_table,
        &profiles,
        timestamp,
    );
    let schema = super::database_schema(input.database_schema.as_deref());
    super::openmetadata_header(sample, schema, &input.table_name)
        .set("Profile", request)
        .build()
}
