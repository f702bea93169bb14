//! `classify-columns`: sample a table and tag the columns whose values look like personal
//! data ([`crate::catalog::classify`]); the output holds counts and reasons, never a value.

pub(crate) use crate::component::wit::ClassifyColumnsInput as Input;

use super::Header;
use crate::aws::scan::Sample;
use crate::catalog::classify::Matches;
use crate::catalog::classify::DEFAULT_MIN_CONFIDENCE;
use crate::catalog::columns::Columns;
use crate::catalog::openmetadata as om;
use crate::component::wit::{CatalogFormat, Connection};
use crate::error::{Error, Result};
use crate::model::shape::Obj;
use serde_json::{json, Value};
use std::collections::BTreeMap;

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

/// The tags as OpenMetadata's: per column (its OpenMetadata name: list members are the
/// list column's children, a data-keyed map's members the map column), the most confident
/// PII tag at or above `confidence` as a suggested `TagLabel`, at most one per column.
fn openmetadata(
    input: &Input,
    sample: &Sample,
    columns: &Columns<Matches>,
    confidence: u32,
) -> Value {
    let least = f64::from(confidence) / 100.0;
    let mut best: BTreeMap<String, Value> = BTreeMap::new();
    for (path, column) in &columns.columns {
        let name = path.replace("[]", "");
        let name = name.strip_suffix(".*").unwrap_or(&name).to_string();
        let tags = column.gathered.tags(least);
        let slot = best.entry(name).or_insert(Value::Null);
        let Some(tag) = tags.first() else { continue };
        if slot.is_null() || slot["Confidence"].as_f64() < tag["Confidence"].as_f64() {
            *slot = tag.clone();
        }
    }
    let rows: Vec<Value> = best
        .into_iter()
        .map(|(column, tag)| {
            let labels: Vec<Value> = tag.get("Tag").map_or_else(Vec::new, |name| {
                let reason = tag["Reason"].as_str().unwrap_or_default();
                vec![om::pii_tag(name.as_str().unwrap_or_default(), reason)]
            });
            json!({"Column": column, "Tags": labels})
        })
        .collect();
    let schema = super::database_schema(input.database_schema.as_deref());
    super::openmetadata_header(sample, schema, &input.table_name)
        .set("MinConfidence", confidence)
        .set("Columns", rows)
        .build()
}
