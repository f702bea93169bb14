//! `classify-columns`: sample a table and tag the columns whose values look like personal
//! data ([`crate::catalog::classify`]); the output holds counts and reasons, never a value.

pub(crate) use crate::wit::ClassifyColumnsInput as Input;

use super::Header;
use crate::aws::scan::Sample;
use crate::catalog::classify::Matches;
use crate::catalog::classify::DEFAULT_MIN_CONFIDENCE;
use crate::catalog::columns::Columns;
use crate::catalog::openmetadata as om;
use crate::error::{Error, Result};
use crate::model::shape::Obj;
use crate::wit::{CatalogFormat, Connection};
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let confidence @ 1..=100 = input.min_confidence.unwrap_or(DEFAULT_MIN_CONFIDENCE) else {
        return Err(Error::invalid(
            "min-confidence",
            "must be from 1 to 100 (percent)",
        ));
    };
    let (description, sample) = super::table_sample(connection, &input).await?;
    let columns = Columns::<Matches>::of(&sample.items);
    if input.output_format == Some(CatalogFormat::Openmetadata) {
        return Ok(openmetadata(&input, &sample, &columns, confidence));
    }
    let rows: Vec<Value> = columns
        .columns
        .iter()
        .map(|(path, column)| {
            Obj::new()
                .set("Path", path.as_str())
                .set("Values", column.values)
                .set("Tags", column.gathered.tags(f64::from(confidence) / 100.0))
                .build()
        })
        .collect();
    Ok(sample
        .header(&description)
        .set("MinConfidence", confidence)
        .set("Columns", rows)
        .build())
}

/// The tags as OpenMetadata's: each column's suggested PII `TagLabel`, at most one.
fn openmetadata(
    input: &Input,
    sample: &Sample,
    columns: &Columns<Matches>,
    confidence: u32,
) -> Value {
    let least = f64::from(confidence) / 100.0;
    let paths = columns
        .columns
        .iter()
        .map(|(p, c)| (p.as_str(), &c.gathered));
    let schema = super::database_schema(input.database_schema.as_deref());
    super::openmetadata_header(sample, schema, &input.table_name)
        .set("MinConfidence", confidence)
        .set("Columns", om::column_tags(paths, least))
        .build()
}
