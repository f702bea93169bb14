//! The columns of a schemaless table, as a catalog sees them: every attribute path in the
//! sampled items (`address.city` for a map member, `lines[]` for the members of a list,
//! `lines[].sku` below them), each with what an action gathers about its values.
//!
//! Attribute names are used as they are: a name that itself holds `.` or `[]` reads like a
//! path (`DynamoDB` allows such names; catalogs rarely meet them).

use crate::model::Item;
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::BTreeMap;

/// What an action gathers about the values of one column.
pub trait Gather: Default {
    /// Take one value found at `path`.
    fn add(&mut self, path: &str, value: &AttributeValue);
}

/// One column: in how many items it appears, how many values it has (a list member path
/// can have several per item), and what was gathered.
#[derive(Debug, Default)]
pub struct Column<G> {
    /// Sampled items that have this column.
    pub items: u64,
    /// Values seen (list members count one each).
    pub values: u64,
    /// What the gatherer made of the values.
    pub gathered: G,
    /// The index of the last item counted in `items`.
    last_item: Option<usize>,
}

/// Every column of a sample, by path (in path order).
#[derive(Debug)]
pub struct Columns<G> {
    /// Items sampled.
    pub items: u64,
    /// Every column, by attribute path.
    pub columns: BTreeMap<String, Column<G>>,
}

impl<G: Gather> Columns<G> {
    /// Walk every value of every item.
    pub fn of<'a>(items: impl IntoIterator<Item = &'a Item>) -> Columns<G> {
        let mut columns: BTreeMap<String, Column<G>> = BTreeMap::new();
        let mut count = 0;
        for (index, item) in items.into_iter().enumerate() {
            count += 1;
            walk(item, &mut |path, value| {
                if !columns.contains_key(path) {
                    columns.insert(path.to_string(), Column::default());
                }
                let column = columns.get_mut(path).expect("inserted above");
                if column.last_item != Some(index) {
                    column.last_item = Some(index);
                    column.items += 1;
                }
                column.values += 1;
                column.gathered.add(path, value);
            });
        }
        Columns {
            items: count,
            columns,
        }
    }
}

/// Call `visit(path, value)` for every value of `item`, map members and list members
/// included, in a stable order (attribute names sorted).
pub fn walk(item: &Item, visit: &mut impl FnMut(&str, &AttributeValue)) {
    let mut path = String::new();
    members(item, &mut path, visit);
}

fn members(map: &Item, path: &mut String, visit: &mut impl FnMut(&str, &AttributeValue)) {
    let mut names: Vec<&String> = map.keys().collect();
    names.sort();
    for name in names {
        let base = path.len();
        if base > 0 {
            path.push('.');
        }
        path.push_str(name);
        value(&map[name], path, visit);
        path.truncate(base);
    }
}

fn value(value: &AttributeValue, path: &mut String, visit: &mut impl FnMut(&str, &AttributeValue)) {
    visit(path, value);
    match value {
        AttributeValue::M(map) => members(map, path, visit),
        AttributeValue::L(list) => {
            let base = path.len();
            path.push_str("[]");
            for member in list {
                self::value(member, path, visit);
            }
            path.truncate(base);
        }
        _ => {}
    }
}

/// The share `part / whole` rounded to four decimals (0 when `whole` is 0).
pub fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default, Debug)]
    struct Codes(Vec<&'static str>);

    impl Gather for Codes {
        fn add(&mut self, _: &str, value: &AttributeValue) {
            self.0
                .push(crate::model::values::TypeCode::of(value).as_str());
        }
    }

    fn item(pairs: &[(&str, AttributeValue)]) -> Item {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn nested_members_and_list_members_are_columns_counted_per_item() {
        let n = |s: &str| AttributeValue::N(s.into());
        let line = |sku: &str| AttributeValue::M(item(&[("sku", AttributeValue::S(sku.into()))]));
        let items = [
            item(&[
                ("id", n("1")),
                (
                    "address",
                    AttributeValue::M(item(&[("city", AttributeValue::S("Oslo".into()))])),
                ),
                ("lines", AttributeValue::L(vec![line("a"), line("b")])),
            ]),
            item(&[("id", AttributeValue::S("two".into()))]),
        ];
        let columns = Columns::<Codes>::of(&items);
        assert_eq!(columns.items, 2);
        let paths: Vec<&str> = columns.columns.keys().map(String::as_str).collect();
        assert_eq!(
            paths,
            [
                "address",
                "address.city",
                "id",
                "lines",
                "lines[]",
                "lines[].sku"
            ]
        );
        let id = &columns.columns["id"];
        assert_eq!((id.items, id.values), (2, 2));
        assert_eq!(id.gathered.0, ["N", "S"]);
        let sku = &columns.columns["lines[].sku"];
        assert_eq!((sku.items, sku.values), (1, 2));
    }

    #[test]
    fn shares_are_rounded_to_four_decimals() {
        assert_eq!(share(1, 3).to_string(), "0.3333");
        assert_eq!(share(0, 0).to_string(), "0");
        assert_eq!(share(5, 5).to_string(), "1");
    }
}
