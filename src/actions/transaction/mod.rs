//! Transactions: all-or-nothing writes and snapshot reads, by key or in `PartiQL`.

pub(crate) mod execute_transaction;
pub(crate) mod transact_get_items;
pub(crate) mod transact_write_items;

use crate::actions::item;
use crate::aws::capacity;
use crate::model::shape::Obj;
use crate::wit::ItemFormat;
use aws_sdk_dynamodb::types::{ConsumedCapacity, ItemResponse, ReturnConsumedCapacity};
use serde_json::Value;

/// `{"Responses", "ConsumedCapacity"}` of a snapshot read: each item (or nothing) in
/// `format`, and the capacity when `asked`.
pub(crate) fn read_output(
    format: Option<ItemFormat>,
    responses: &[ItemResponse],
    (asked, consumed): (Option<&ReturnConsumedCapacity>, &[ConsumedCapacity]),
) -> Value {
    let format = item::format(format);
    Obj::new()
        .list("Responses", responses, |r| format.opt_item(r.item()))
        .opt("ConsumedCapacity", capacity::each(asked, consumed))
        .build()
}
