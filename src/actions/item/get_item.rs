//! `get-item`: read one item by its key; `{"Item": null}` when there is none.

pub(crate) use crate::wit::GetItemInput as Input;

use crate::error::Result;
use crate::model::shape::Obj;
use crate::model::Access;
use crate::wit::Connection;
use crate::{actions::item, aws::capacity, aws::lean, model::expressions, model::input};
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    item::table(&input)?;
    let asked = capacity::asked(input.return_consumed_capacity);
    let names = expressions::attribute_names(
        "expression-attribute-names",
        input.expression_attribute_names.as_deref(),
    )?;
    let (client, request) = item::target(connection, &input).await?.get_item();
    let request = request
        .set_consistent_read(input.consistent_read)
        .set_projection_expression(input::text(&input.projection_expression))
        .set_expression_attribute_names(names)
        .set_return_consumed_capacity(asked.clone());
    let out = lean::send(&client, Access::Read, request).await?;
    Ok(Obj::new()
        .set("Item", item::format(input.item_format).opt_item(out.item()))
        .opt(
            "ConsumedCapacity",
            capacity::single(asked.as_ref(), out.consumed_capacity()),
        )
        .build())
}
