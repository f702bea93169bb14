//! `get-item`: read one item by its key; `{"Item": null}` when there is none.

pub(crate) use crate::component::wit::GetItemInput as Input;

use crate::component::wit::Connection;
use crate::error::Result;
use crate::{actions::item, model::expressions, model::input};
use serde_json::{json, Value};

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    item::table(&input)?;
    let names = expressions::attribute_names(
        "expression-attribute-names",
        input.expression_attribute_names.as_deref(),
    )?;
    let out = item::target(connection, &input)
        .await?
        .get_item()
        .set_consistent_read(input.consistent_read)
        .set_projection_expression(input::text(&input.projection_expression))
        .set_expression_attribute_names(names)
        .send()
        .await?;
    Ok(json!({ "Item": item::format(input.item_format).opt_item(out.item()) }))
}
