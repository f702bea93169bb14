//! The catalog's actions: a table's inferred schema, column profiles and personal-data
//! classification, each over a bounded sample, and a sweep of every table of a region in
//! OpenMetadata's shapes.

use crate::aws::scan::{self, Sample};
use crate::catalog::sample_sizes;
use crate::error::Result;
use crate::model::shape::Obj;
use crate::wit::{ClassifyColumnsInput, Connection, InferSchemaInput, SampleInput};
use aws_sdk_dynamodb::operation::scan::builders::ScanInputBuilder;
use aws_sdk_dynamodb::types::TableDescription;

pub(crate) mod catalog_sweep;
pub(crate) mod classify_columns;
pub(crate) mod infer_schema;
pub(crate) mod profile_table;

/// The sampling inputs of a catalog action (`infer-schema`, `profile-table`,
/// `classify-columns`).
pub(crate) struct SampleInputs<'a> {
    pub(crate) region: &'a str,
    pub(crate) table_name: &'a str,
    pub(crate) sample_size: Option<u32>,
    pub(crate) segments: Option<u32>,
}

/// An input record of a catalog action.
pub(crate) trait Sampled {
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
sampled!(SampleInput, InferSchemaInput, ClassifyColumnsInput);

/// A table's description and a sample of its items, as the input asks: what the catalog
/// actions start from.
pub(crate) async fn table_sample(
    connection: &Connection,
    input: &impl Sampled,
) -> Result<(TableDescription, Sample)> {
    let inputs = input.sample_inputs();
    let table = crate::model::input::required("table-name", inputs.table_name)?;
    let (size, segments) = sample_sizes(inputs.sample_size, inputs.segments)?;
    let client = crate::aws::client::dynamodb(connection, inputs.region).await?;
    let described = client.describe_table().table_name(table).send().await?;
    let description = described
        .table
        .unwrap_or_else(|| TableDescription::builder().build());
    let request = scan::Request::new(&client, ScanInputBuilder::default().table_name(table));
    let sample = scan::sample(request, size, segments).await?;
    Ok((description, sample))
}

/// The header every catalog output starts with.
pub(crate) trait Header {
    /// `{"TableName", "ItemCount", "SampledItems", "WholeTable"}`.
    fn header(&self, table: &TableDescription) -> Obj;
}

impl Header for Sample {
    /// `{"TableName", "ItemCount", "SampledItems", "WholeTable"}` (`ItemCount` as the table's
    /// description has it: `DynamoDB` refreshes it about every six hours).
    fn header(&self, table: &TableDescription) -> Obj {
        Obj::new()
            .opt("TableName", table.table_name())
            .opt("ItemCount", table.item_count())
            .set("SampledItems", self.items.len())
            .set("WholeTable", self.whole_table)
    }
}

/// The OpenMetadata database schema the input names, or the default.
pub(crate) fn database_schema(given: Option<&str>) -> &str {
    crate::model::input::optional(given).unwrap_or(crate::catalog::openmetadata::DEFAULT_SCHEMA)
}

/// The header of a catalog output in the OpenMetadata format: the table's fully qualified
/// name in OpenMetadata (for its API's paths) and what was sampled.
pub(crate) fn openmetadata_header(sample: &Sample, schema: &str, table: &str) -> Obj {
    let fqn = format!("{schema}.{}", crate::catalog::openmetadata::fqn_part(table));
    Obj::new()
        .set("TableFQN", fqn)
        .set("SampledItems", sample.items.len())
        .set("WholeTable", sample.whole_table)
}

/// The classification of the table's own tags the input names, or the default.
pub(crate) fn tag_classification(given: Option<&str>) -> &str {
    crate::model::input::optional(given)
        .unwrap_or(crate::catalog::openmetadata::DEFAULT_TAG_CLASSIFICATION)
}

/// The table's own tags (none for a description without an ARN).
pub(crate) async fn table_tags(
    connection: &Connection,
    region: &str,
    description: &TableDescription,
) -> Result<Vec<(String, String)>> {
    let Some(arn) = description.table_arn() else {
        return Ok(Vec::new());
    };
    let client = crate::aws::client::dynamodb(connection, region).await?;
    crate::aws::tags::list(&client, arn).await
}
