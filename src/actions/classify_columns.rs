//! `classify-columns`: sample a table and tag the columns whose values look like personal
//! data ([`crate::classify`]); the output holds counts and reasons, never a value.

pub use crate::wit::ClassifyColumnsInput as Input;

use crate::classify::Matches;
use crate::columns::Columns;
use crate::error::{Error, Result};
use crate::scan;
use crate::shape::Obj;
use crate::wit::Connection;
use serde_json::Value;

/// The least share of matching values, in percent, when none is given (OpenMetadata's).
pub const DEFAULT_MIN_CONFIDENCE: u32 = 80;

pub async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let confidence = match input.min_confidence.unwrap_or(DEFAULT_MIN_CONFIDENCE) {
        c @ 1..=100 => c,
        _ => {
            return Err(Error::invalid(
                "min-confidence",
                "must be from 1 to 100 (percent)",
            ))
        }
    };
    let (description, sample) = scan::table_sample(connection, &input).await?;
    let columns = Columns::<Matches>::of(&sample.items);
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
