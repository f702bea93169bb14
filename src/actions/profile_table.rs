//! `profile-table`: the table's item count and size from its description, and a profile
//! of every column over a sample ([`crate::profile`]).

pub use crate::wit::SampleInput as Input;

use crate::columns::Columns;
use crate::error::Result;
use crate::profile::{self, Profile};
use crate::wit::Connection;
use crate::{client, input, scan};
use serde_json::Value;

pub async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let table = input::required("table-name", &input.table_name)?;
    let (size, segments) = scan::sample_sizes(input.sample_size, input.segments)?;
    let client = client::dynamodb(connection, &input.region).await?;
    let (description, sample) = scan::describe_and_sample(&client, table, size, segments).await?;
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
