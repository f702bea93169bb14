//! `profile-table`: the table's item count and size from its description, and a profile
//! of every column over a sample ([`crate::catalog::profile`]); number extremes only with
//! `show-values`, as [`Shown`] allows.

pub(crate) use crate::component::wit::SampleInput as Input;

use super::Header;
use crate::catalog::columns::Columns;
use crate::catalog::profile::{self, Profile};
use crate::catalog::Shown;
use crate::component::wit::Connection;
use crate::error::Result;
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let (description, sample) = super::table_sample(connection, &input).await?;
    let columns = Columns::<Profile>::of(&sample.items);
    let all = columns.columns.values();
    let shown = Shown::new(
        input.show_values.unwrap_or(false),
        all.map(|c| &c.gathered.matches),
    );
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
