//! Scanning: one segment's pages as [`crate::paging`] fetches them (what `scan-items` runs,
//! once or per segment), and a bounded sample of a table read in parallel segments (what
//! the catalog actions read).

use crate::error::{Error, Result};
use crate::item;
use crate::paging::{self, Want};
use crate::shape::Obj;
use aws_sdk_dynamodb::operation::scan::builders::ScanFluentBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, TableDescription};
use futures_util::future::try_join_all;
use std::collections::HashMap;

/// A key or an item as the SDK holds it.
pub type Item = HashMap<String, AttributeValue>;

/// Fetch one segment (or the whole scan) as `want` says: its items, how many the service
/// read, and its cursor.
pub async fn segment(
    request: ScanFluentBuilder,
    want: Want,
    start: Option<Item>,
) -> Result<(Vec<Item>, i64, Option<Item>)> {
    let fetched = paging::fetch(
        want,
        start,
        |start| request.clone().set_exclusive_start_key(start).send(),
        |page| page.last_evaluated_key.clone(),
        |page| page.items().len(),
    )
    .await?;
    let (items, scanned) = item::gather(fetched.pages, |p| (p.items, p.scanned_count));
    Ok((items, scanned, fetched.next))
}

/// Default and largest `sample-size` of the catalog actions (1,000 as OpenMetadata samples).
pub const DEFAULT_SAMPLE: u32 = 1_000;
pub const MAX_SAMPLE: u32 = 100_000;

/// `sample-size` and `segments` of a catalog action, checked.
pub fn sample_sizes(size: Option<u32>, segments: Option<u32>) -> Result<(usize, i32)> {
    let size = size.unwrap_or(DEFAULT_SAMPLE);
    if !(1..=MAX_SAMPLE).contains(&size) {
        return Err(Error::invalid(
            "sample-size",
            format!("must be from 1 to {MAX_SAMPLE}"),
        ));
    }
    let segments = segments.unwrap_or(1);
    if !(1..=16).contains(&segments) {
        return Err(Error::invalid("segments", "must be from 1 to 16"));
    }
    Ok((size as usize, segments as i32))
}

/// A sample of a table: up to `size` items, and whether they are the whole table.
pub struct Sample {
    pub items: Vec<Item>,
    pub whole_table: bool,
}

/// Read up to `size` items with `request` in `segments` parallel segments, each up to its
/// share; the sample is the whole table when every segment ran out within its share.
pub async fn sample(request: ScanFluentBuilder, size: usize, segments: i32) -> Result<Sample> {
    let share = size.div_ceil(segments as usize);
    let want = Want {
        all: true,
        max: Some(share),
    };
    // Pages of at most the share: a sample never reads (and parses) a page it cuts away.
    let page = i32::try_from(share).unwrap_or(i32::MAX);
    let parts = (0..segments).map(|s| {
        let request = match segments {
            1 => request.clone().limit(page),
            n => request.clone().limit(page).segment(s).total_segments(n),
        };
        segment(request, want, None)
    });
    let (mut items, mut whole_table) = (Vec::new(), true);
    for (mut part, _, next) in try_join_all(parts).await? {
        whole_table &= next.is_none() && part.len() <= share;
        part.truncate(share);
        items.extend(part);
    }
    if items.len() > size {
        items.truncate(size);
        whole_table = false;
    }
    Ok(Sample { items, whole_table })
}

/// The sampling inputs of a catalog action (`infer-schema`, `profile-table`,
/// `classify-columns`).
pub struct SampleInputs<'a> {
    pub region: &'a str,
    pub table_name: &'a str,
    pub sample_size: Option<u32>,
    pub segments: Option<u32>,
}

/// An input record of a catalog action.
pub trait Sampled {
    /// Its sampling inputs.
    fn sample_inputs(&self) -> SampleInputs<'_>;
}

macro_rules! sampled {
    ($($input:ty),*) => {$(
        impl Sampled for $input {
            fn sample_inputs(&self) -> SampleInputs<'_> {
                SampleInputs {
                    region: &self.region,
                    table_name: &self.table_name,
                    sample_size: self.sample_size,
                    segments: self.segments,
                }
            }
        }
    )*};
}
sampled!(crate::wit::SampleInput, crate::wit::ClassifyColumnsInput);

/// A table's description and a sample of its items, as the input asks: what the catalog
/// actions start from.
pub async fn table_sample(
    connection: &crate::wit::Connection,
    input: &impl Sampled,
) -> Result<(TableDescription, Sample)> {
    let inputs = input.sample_inputs();
    let table = crate::input::required("table-name", inputs.table_name)?;
    let (size, segments) = sample_sizes(inputs.sample_size, inputs.segments)?;
    let client = crate::client::dynamodb(connection, inputs.region).await?;
    let described = client.describe_table().table_name(table).send().await?;
    let description = described
        .table
        .unwrap_or_else(|| TableDescription::builder().build());
    let sample = sample(client.scan().table_name(table), size, segments).await?;
    Ok((description, sample))
}

impl Sample {
    /// `{"TableName", "ItemCount", "SampledItems", "WholeTable"}` (ItemCount as the table's
    /// description has it: DynamoDB refreshes it about every six hours).
    pub fn header(&self, table: &TableDescription) -> Obj {
        Obj::new()
            .opt("TableName", table.table_name())
            .opt("ItemCount", table.item_count())
            .set("SampledItems", self.items.len())
            .set("WholeTable", self.whole_table)
    }
}
