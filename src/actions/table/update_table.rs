//! `update-table`: billing mode, provisioned capacity, global secondary indexes (create,
//! update capacity, delete), stream, deletion protection, table class, on-demand maximum
//! throughput and replicas in other regions (global tables version 2019.11.21: create,
//! update, delete) (`UpdateTable`). Checked
//! before sending: at least one change; `provisioned` with both capacities,
//! `pay-per-request` with none; a stream view type exactly when the stream is turned on.

pub(crate) use crate::wit::UpdateTableInput as Input;

use crate::aws::delivery;
use crate::error::{Error, Result};
use crate::model::input::Params;
use crate::wit::{BillingMode, Connection, TableClass};
use crate::{aws::client, model::input, model::shape, model::table};
use aws_sdk_dynamodb::types::{
    BillingMode as SdkBillingMode, CreateGlobalSecondaryIndexAction,
    CreateReplicationGroupMemberAction, DeleteGlobalSecondaryIndexAction,
    DeleteReplicationGroupMemberAction, GlobalSecondaryIndexUpdate, OnDemandThroughput,
    ProvisionedThroughput, ReplicationGroupUpdate, StreamSpecification,
    TableClass as SdkTableClass, UpdateGlobalSecondaryIndexAction,
    UpdateReplicationGroupMemberAction,
};
use serde_json::{json, Value};

/// Most index changes one `UpdateTable` takes (the service's limit on creations).
const MAX_INDEX_UPDATES: usize = 5;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let name = input::required("table-name", &input.table_name)?;
    let (billing, throughput) = billing(&input)?;
    let definitions = match input::text(&input.attribute_definitions) {
        Some(text) => Some(table::attribute_definitions(
            "attribute-definitions",
            &text,
        )?),
        None => None,
    };
    let indexes = match input::text(&input.global_secondary_index_updates) {
        Some(text) => Some(index_updates(&text)?),
        None => None,
    };
    let stream = stream(&input)?;
    let replicas = match input::text(&input.replica_updates) {
        Some(text) => Some(replica_updates(&text)?),
        None => None,
    };
    let class = input.table_class.map(table_class);
    let on_demand = on_demand(&input)?;
    let nothing = billing.is_none()
        && throughput.is_none()
        && indexes.is_none()
        && stream.is_none()
        && input.deletion_protection.is_none()
        && replicas.is_none()
        && class.is_none()
        && on_demand.is_none();
    if nothing {
        return Err(Error::invalid(
            "table-name",
            "no change given: set billing-mode, capacity, global-secondary-index-updates, \
             stream-enabled, deletion-protection, table-class, max-read-request-units, \
             max-write-request-units or replica-updates",
        ));
    }
    let client = client::dynamodb(connection, &input.region).await?;
    let out = client::at_most_once(&client)
        .update_table()
        .table_name(name)
        .set_billing_mode(billing)
        .set_provisioned_throughput(throughput)
        .set_attribute_definitions(definitions)
        .set_global_secondary_index_updates(indexes)
        .set_stream_specification(stream)
        .set_deletion_protection_enabled(input.deletion_protection)
        .set_replica_updates(replicas)
        .set_table_class(class)
        .set_on_demand_throughput(on_demand)
        .send()
        .await
        .map_err(delivery::write)?;
    Ok(json!({ "TableDescription": out.table_description().map(shape::table) }))
}

/// The billing mode and capacity to send.
fn billing(input: &Input) -> Result<(Option<SdkBillingMode>, Option<ProvisionedThroughput>)> {
    let (read, write) = (input.read_capacity_units, input.write_capacity_units);
    let capacity = match (read, write) {
        (None, None) => None,
        (Some(_), Some(_)) => Some(table::throughput(read, write)?),
        (None, _) => {
            return Err(Error::invalid(
                "read-capacity-units",
                "is required with write-capacity-units",
            ))
        }
        (_, None) => {
            return Err(Error::invalid(
                "write-capacity-units",
                "is required with read-capacity-units",
            ))
        }
    };
    match (input.billing_mode, capacity) {
        (Some(BillingMode::PayPerRequest), Some(_)) => Err(Error::invalid(
            "read-capacity-units",
            "is not taken by a pay-per-request table",
        )),
        (Some(BillingMode::PayPerRequest), None) => Ok((Some(SdkBillingMode::PayPerRequest), None)),
        (Some(BillingMode::Provisioned), None) => Err(Error::invalid(
            "read-capacity-units",
            "and write-capacity-units are required to switch to provisioned",
        )),
        (Some(BillingMode::Provisioned), capacity) => {
            Ok((Some(SdkBillingMode::Provisioned), capacity))
        }
        (None, capacity) => Ok((None, capacity)),
    }
}

/// The stream specification, when the stream is turned on or off.
fn stream(input: &Input) -> Result<Option<StreamSpecification>> {
    match (input.stream_enabled, input.stream_view_type) {
        (None, None) => Ok(None),
        (Some(true), None) => Err(Error::invalid(
            "stream-view-type",
            "is required to turn the stream on",
        )),
        (Some(false) | None, Some(_)) => Err(Error::invalid(
            "stream-view-type",
            "is taken only with stream-enabled: true",
        )),
        (Some(_), view) => super::stream("stream-enabled", view).map(Some),
    }
}

/// `global-secondary-index-updates`: one change per entry, in the AWS shape.
fn index_updates(text: &str) -> Result<Vec<GlobalSecondaryIndexUpdate>> {
    const FIELD: &str = "global-secondary-index-updates";
    changes(FIELD, text, MAX_INDEX_UPDATES, index_update)
}

/// The error of a change entry that has none or several of `Create`, `Update`, `Delete`.
fn not_one_change(entry: &Params) -> Error {
    Error::invalid(
        entry.field(),
        "must have exactly one of Create, Update, Delete",
    )
}

/// The entries of a JSON list of at most `max` `{"Create" | "Update" | "Delete": {...}}`
/// changes at `field`, each made by `each`.
fn changes<T>(
    field: &str,
    text: &str,
    max: usize,
    each: fn(&Params) -> Result<T>,
) -> Result<Vec<T>> {
    let entries = Params::entries(field, text, max, &["Create", "Update", "Delete"])?;
    entries.iter().map(each).collect()
}

fn index_update(entry: &Params) -> Result<GlobalSecondaryIndexUpdate> {
    let update = GlobalSecondaryIndexUpdate::builder();
    let built = match (
        entry.value("Create"),
        entry.value("Update"),
        entry.value("Delete"),
    ) {
        (Some(create), None, None) => update.create(create_index(&entry.at("Create"), create)?),
        (None, Some(change), None) => {
            let at = entry.at("Update");
            let change =
                Params::object(&at, Some(change), &["IndexName", "ProvisionedThroughput"])?;
            let action = UpdateGlobalSecondaryIndexAction::builder()
                .index_name(change.required("IndexName")?)
                .provisioned_throughput(table::capacity_of(&change)?.ok_or_else(|| {
                    Error::invalid(change.at("ProvisionedThroughput"), "is required")
                })?)
                .build()
                .map_err(|e| Error::invalid(&at, e))?;
            update.update(action)
        }
        (None, None, Some(delete)) => {
            let at = entry.at("Delete");
            let delete = Params::object(&at, Some(delete), &["IndexName"])?;
            let action = DeleteGlobalSecondaryIndexAction::builder()
                .index_name(delete.required("IndexName")?)
                .build()
                .map_err(|e| Error::invalid(&at, e))?;
            update.delete(action)
        }
        _ => return Err(not_one_change(entry)),
    };
    Ok(built.build())
}

fn create_index(at: &str, value: &Value) -> Result<CreateGlobalSecondaryIndexAction> {
    let index = table::index(at, value, true)?;
    CreateGlobalSecondaryIndexAction::builder()
        .index_name(index.name)
        .set_key_schema(Some(index.keys))
        .projection(index.projection)
        .set_provisioned_throughput(index.throughput)
        .build()
        .map_err(|e| Error::invalid(at, e))
}

/// The SDK's table class.
pub(crate) fn table_class(class: TableClass) -> SdkTableClass {
    match class {
        TableClass::Standard => SdkTableClass::Standard,
        TableClass::StandardInfrequentAccess => SdkTableClass::StandardInfrequentAccess,
    }
}

/// The on-demand maximum throughput: refused with a switch to `provisioned`.
fn on_demand(input: &Input) -> Result<Option<OnDemandThroughput>> {
    let provisioned = input.billing_mode == Some(BillingMode::Provisioned);
    super::on_demand_throughput(
        (input.max_read_request_units, input.max_write_request_units),
        !provisioned,
    )
}

/// Most replica changes one `UpdateTable` takes.
const MAX_REPLICA_UPDATES: usize = 10;

/// `replica-updates`: each `{"Create": {"RegionName", "KMSMasterKeyId"}}`, `{"Update":
/// {"RegionName", "TableClassOverride"}}` or `{"Delete": {"RegionName"}}`.
fn replica_updates(text: &str) -> Result<Vec<ReplicationGroupUpdate>> {
    changes("replica-updates", text, MAX_REPLICA_UPDATES, replica_update)
}

fn replica_update(entry: &Params) -> Result<ReplicationGroupUpdate> {
    let update = ReplicationGroupUpdate::builder();
    let member = |name: &str, known: &[&str]| {
        let at = entry.at(name);
        let member = Params::object(&at, entry.value(name), known)?;
        let region = member.required("RegionName")?;
        input::region(&region)?;
        Ok::<_, Error>((at, member, region))
    };
    let built = match (
        entry.value("Create"),
        entry.value("Update"),
        entry.value("Delete"),
    ) {
        (Some(_), None, None) => {
            let (at, create, region) = member("Create", &["RegionName", "KMSMasterKeyId"])?;
            let action = CreateReplicationGroupMemberAction::builder()
                .region_name(region)
                .set_kms_master_key_id(create.string("KMSMasterKeyId")?)
                .build()
                .map_err(|e| Error::invalid(&at, e))?;
            update.create(action)
        }
        (None, Some(_), None) => {
            let (at, change, region) = member("Update", &["RegionName", "TableClassOverride"])?;
            let class = change.choice(
                "TableClassOverride",
                &["STANDARD", "STANDARD_INFREQUENT_ACCESS"],
            )?;
            let action = UpdateReplicationGroupMemberAction::builder()
                .region_name(region)
                .set_table_class_override(class.as_deref().map(SdkTableClass::from))
                .build()
                .map_err(|e| Error::invalid(&at, e))?;
            update.update(action)
        }
        (None, None, Some(_)) => {
            let (at, _, region) = member("Delete", &["RegionName"])?;
            let action = DeleteReplicationGroupMemberAction::builder()
                .region_name(region)
                .build()
                .map_err(|e| Error::invalid(&at, e))?;
            update.delete(action)
        }
        _ => return Err(not_one_change(entry)),
    };
    Ok(built.build())
}
