//! `create-table`: create a table from attribute definitions and a key schema, with global
//! and local secondary indexes, a stream, server-side encryption, tags, a table class,
//! deletion protection and on-demand maximum throughput as given; and with `wait` wait
//! until it is ACTIVE ([`crate::aws::wait`]). What the service would refuse of the
//! indexes is refused before sending ([`indexes`]). Capacity units given with
//! `pay-per-request` are not sent (the reference's form always sends its default of 5).

pub(crate) mod indexes;

pub(crate) use crate::wit::CreateTableInput as Input;

use crate::aws::delivery;
use crate::aws::wait::{self, Until};
use crate::error::Result;
use crate::wit::{BillingMode, Connection};
use crate::{aws::client, model::input, model::shape, model::table};
use aws_sdk_dynamodb::types::{BillingMode as SdkBillingMode, ProvisionedThroughput};
use serde_json::{json, Value};

/// The billing mode of a new table (`provisioned` when absent) and, for `PROVISIONED`
/// only, the capacity to send.
pub(crate) fn billing(
    mode: Option<BillingMode>,
    read: Option<u64>,
    write: Option<u64>,
) -> Result<(SdkBillingMode, Option<ProvisionedThroughput>)> {
    if mode == Some(BillingMode::PayPerRequest) {
        return Ok((SdkBillingMode::PayPerRequest, None));
    }
    let throughput = table::throughput(read, write)?;
    Ok((SdkBillingMode::Provisioned, Some(throughput)))
}

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let name = input::required("table-name", &input.table_name)?;
    let definitions =
        table::attribute_definitions("attribute-definitions", &input.attribute_definitions)?;
    let keys = table::key_schema("key-schema", &input.key_schema)?;
    let (billing, throughput) = billing(
        input.billing_mode,
        input.read_capacity_units,
        input.write_capacity_units,
    )?;
    let per_request = billing == SdkBillingMode::PayPerRequest;
    let given = (
        input.global_secondary_indexes.as_deref(),
        input.local_secondary_indexes.as_deref(),
    );
    let (global, local) = indexes::checked(given, &definitions, &keys, per_request)?;
    let stream = input
        .stream_view_type
        .map(|view| super::stream("stream-view-type", Some(view)))
        .transpose()?;
    let sse = super::sse(
        input.sse_type,
        input.kms_key_id.as_deref(),
        ("sse-type", "kms-key-id"),
    )?;
    let tags = input::opt_json("tags", input.tags.as_deref())?
        .map(|t| super::tags("tags", &t))
        .transpose()?;
    let class = input.table_class.map(super::update_table::table_class);
    let units = (input.max_read_request_units, input.max_write_request_units);
    let on_demand = super::on_demand_throughput(units, per_request)?;
    let client = client::dynamodb(connection, &input.region).await?;
    let out = client::at_most_once(&client)
        .create_table()
        .table_name(name)
        .set_attribute_definitions(Some(definitions))
        .set_key_schema(Some(keys))
        .billing_mode(billing)
        .set_provisioned_throughput(throughput)
        .set_stream_specification(stream)
        .set_global_secondary_indexes(global)
        .set_local_secondary_indexes(local)
        .set_sse_specification(sse)
        .set_tags(tags)
        .set_table_class(class)
        .set_deletion_protection_enabled(input.deletion_protection)
        .set_on_demand_throughput(on_demand)
        .send()
        .await
        .map_err(delivery::write)?;
    if input.wait == Some(true) {
        let active = Until::Active { indexes: true };
        let reached = wait::until(&client, name, active, wait::timeout(None)?).await?;
        return Ok(wait::output(name, reached.as_ref(), "TableDescription"));
    }
    Ok(json!({ "TableDescription": out.table_description().map(shape::table) }))
}
