//! The size of an item as `DynamoDB` counts it, and the 400 KB limit.

use crate::error::{Error, Result};
use crate::model::Item;
use aws_sdk_dynamodb::types::AttributeValue;

/// The most bytes a `DynamoDB` item may have.
pub const MAX_ITEM_BYTES: usize = 400 * 1024;

/// The size of an item as `DynamoDB` counts it: attribute names and values in UTF-8 (or raw
/// bytes), numbers at about one byte per two significant digits plus one, one byte for a
/// boolean or null, and three bytes plus one per member for lists and maps.
pub fn item_size(item: &Item) -> usize {
    item.iter()
        .map(|(name, value)| name.len() + value_size(value))
        .sum()
}

fn value_size(value: &AttributeValue) -> usize {
    let number = |n: &String| {
        let digits = n.bytes().filter(u8::is_ascii_digit).count();
        digits.div_ceil(2) + 1
    };
    match value {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => number(n),
        AttributeValue::B(b) => b.as_ref().len(),
        AttributeValue::Ss(items) => items.iter().map(String::len).sum(),
        AttributeValue::Ns(items) => items.iter().map(number).sum(),
        AttributeValue::Bs(items) => items.iter().map(|b| b.as_ref().len()).sum(),
        AttributeValue::L(items) => 3 + items.iter().map(|v| 1 + value_size(v)).sum::<usize>(),
        AttributeValue::M(members) => {
            3 + members
                .iter()
                .map(|(k, v)| 1 + k.len() + value_size(v))
                .sum::<usize>()
        }
        _ => 1,
    }
}

/// `item` when it fits `DynamoDB`'s item size; otherwise `invalid-input` naming `field`.
pub fn within_item_size(field: &str, item: Item) -> Result<Item> {
    let size = item_size(&item);
    if size > MAX_ITEM_BYTES {
        return Err(Error::invalid(
            field,
            format!("the item is about {size} bytes; DynamoDB items are at most 400 KB"),
        ));
    }
    Ok(item)
}
