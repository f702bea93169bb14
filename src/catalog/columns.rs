//! The columns of a schemaless table, as a catalog sees them: every attribute path in the
//! sampled items (`address.city` for a map member, `lines[]` for the members of a list,
//! `lines[].sku` below them), each with what an action gathers about its values.
//!
//! Attribute names are used as they are: a name that itself holds `.` or `[]` reads like a
//! path (`DynamoDB` allows such names; catalogs rarely meet them). A map whose member names
//! are data rather than a schema (more than [`MAX_MAP_NAMES`] distinct names over the
//! sample, or any name that looks like personal data: a map keyed by e-mail address, user
//! or date) is one column `map.*` for all its members, so no key is printed and the columns
//! stay few. The top-level attributes of an item are columns of their own, but for those
//! whose names look like personal data (an e-mail address used as an attribute name): they
//! are one column `*`, so no such name is printed either.

use crate::catalog::detect::{kinds, Hint};
use crate::model::Item;
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Most distinct member names a nested map may have over a sample before they are taken
/// as data and its members reported as one column `map.*`.
pub const MAX_MAP_NAMES: usize = 64;

/// Rounds of finding data-keyed maps: a map under a data-keyed map is judged once its
/// parent's members are one column, one level per round.
const KEYED_ROUNDS: usize = 8;

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
    /// Walk every value of every item (data-keyed maps as one `map.*` column).
    pub fn of(items: &[Item]) -> Columns<G> {
        let keyed = keyed_maps(items);
        let mut columns: BTreeMap<String, Column<G>> = BTreeMap::new();
        for (index, item) in items.iter().enumerate() {
            walk(item, &keyed, &mut |path, value| {
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
            items: items.len() as u64,
            columns,
        }
    }
}

/// The paths of the nested maps whose member names are data: more than
/// [`MAX_MAP_NAMES`] distinct names over `items`, or a name that looks like personal data.
fn keyed_maps(items: &[Item]) -> HashSet<String> {
    let mut keyed = HashSet::new();
    for _ in 0..KEYED_ROUNDS {
        let mut names: HashMap<String, HashSet<String>> = HashMap::new();
        let mut found = HashSet::new();
        for item in items {
            walk(item, &keyed, &mut |path, value| {
                let AttributeValue::M(map) = value else {
                    return;
                };
                if keyed.contains(path) || found.contains(path) {
                    return;
                }
                let seen = names.entry(path.to_string()).or_default();
                for name in map.keys() {
                    if !seen.contains(name) {
                        seen.insert(name.clone());
                    }
                    if seen.len() > MAX_MAP_NAMES || personal(name) {
                        found.insert(path.to_string());
                        break;
                    }
                }
            });
        }
        if found.is_empty() {
            break;
        }
        keyed.extend(found);
    }
    keyed
}

/// Whether an attribute name looks like personal data (by the value detectors).
fn personal(name: &str) -> bool {
    kinds(Hint::None, name).next().is_some()
}

/// Call `visit(path, value)` for every value of `item`, map members and list members
/// included, in a stable order (attribute names sorted); the members of the maps in
/// `keyed` under one `*` segment.
fn walk(item: &Item, keyed: &HashSet<String>, visit: &mut impl FnMut(&str, &AttributeValue)) {
    let mut path = String::new();
    members(item, &mut path, keyed, visit);
}

fn members(
    map: &Item,
    path: &mut String,
    keyed: &HashSet<String>,
    visit: &mut impl FnMut(&str, &AttributeValue),
) {
    let top = path.is_empty();
    let collapsed = !top && keyed.contains(path.as_str());
    let mut names: Vec<&String> = map.keys().collect();
    names.sort();
    for name in names {
        let base = path.len();
        if base > 0 {
            path.push('.');
        }
        let hidden = collapsed || (top && personal(name));
        path.push_str(if hidden { "*" } else { name });
        value(&map[name], path, keyed, visit);
        path.truncate(base);
    }
}

fn value(
    value: &AttributeValue,
    path: &mut String,
    keyed: &HashSet<String>,
    visit: &mut impl FnMut(&str, &AttributeValue),
) {
    visit(path, value);
    match value {
        AttributeValue::M(map) => members(map, path, keyed, visit),
        AttributeValue::L(list) => {
            let base = path.len();
            path.push_str("[]");
            for member in list {
                self::value(member, path, keyed, visit);
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

    #[test]
    fn maps_keyed_by_data_are_one_column_under_a_star() {
        let s = |text: &str| AttributeValue::S(text.into());
        let by_user: Item = (0..=MAX_MAP_NAMES)
            .map(|n| {
                (
                    format!("user{n}"),
                    AttributeValue::M(item(&[("plan", s("pro"))])),
                )
            })
            .collect();
        let by_mail = item(&[("canary@example.net", s("weekly"))]);
        let settings = item(&[("theme", s("dark"))]);
        let items = [item(&[
            ("dave@example.com", AttributeValue::Bool(true)),
            ("users", AttributeValue::M(by_user)),
            ("mail", AttributeValue::M(by_mail)),
            ("settings", AttributeValue::M(settings)),
        ])];
        let columns = Columns::<Codes>::of(&items);
        let paths: Vec<&str> = columns.columns.keys().map(String::as_str).collect();
        assert_eq!(
            paths,
            [
                "*",
                "mail",
                "mail.*",
                "settings",
                "settings.theme",
                "users",
                "users.*",
                "users.*.plan"
            ]
        );
        assert_eq!(columns.columns["users.*"].values, MAX_MAP_NAMES as u64 + 1);
    }
}
