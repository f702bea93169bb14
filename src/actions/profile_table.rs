//! `profile-table`: the table's item count and size from its description, and a profile
//! of every column over a sample ([`crate::profile`]).

pub use crate::wit::SampleInput as Input;

use crate::columns::Columns;
use crate::error::Result;
use crate::profile::{self, Profile};
use crate::scan;
use crate::wit::Connection;
use serde_json::Value;

pub async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let (description, sample) = scan::table_sample(connection, &input).await?;
    let columns = Columns::<Profile>::of(&sample.items);
    let rows: Vec<Value> = columns
        .columns
        .iter()
        .map(|(path, column)| profile::output(path, column, columns.items))
        .collect();
    Ok(sample
        .header(&description)
        .opt("TableSizeBytes", description.table_size_bytes())
        .set("Columns", rows)
        .build())
}
