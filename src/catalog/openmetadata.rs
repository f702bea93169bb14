//! The catalog in OpenMetadata's own shapes (its specification's `CreateTableRequest`,
//! `Column`, `TableConstraint`, `TagLabel`, `TableProfile`, `ColumnProfile` and
//! `TestConnectionResult`): the columns of a sample as a tree of OpenMetadata columns with
//! its data types (nested map members as `children`, never dotted names), the key as table
//! constraints, tags as tag labels. Pure; the catalog actions hand it what they gathered.

use crate::catalog::classify::Matches;
use crate::model::shape::Obj;
use aws_sdk_dynamodb::types::TableDescription;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The database schema a table belongs to when the step names none: OpenMetadata names a
/// DynamoDB service's only schema `SERVICE.default.default`.
pub const DEFAULT_SCHEMA: &str = "dynamodb.default.default";

/// The classification of a table's own tags when the step names none.
pub const DEFAULT_TAG_CLASSIFICATION: &str = "DynamoDBTags";

/// A display type longer than this is shortened to its outer type (`struct`).
const MAX_DISPLAY: usize = 512;

/// One attribute path of the sample: how many items have it and its type codes' counts.
#[derive(Debug, Default)]
struct Node {
    items: u64,
    types: BTreeMap<String, u64>,
    children: BTreeMap<String, Node>,
    /// The members of a list (`a[]`).
    element: Option<Box<Node>>,
}

/// The columns of a sample as OpenMetadata sees them.
#[derive(Debug, Default)]
pub struct Tree {
    root: Node,
    sampled: u64,
}

impl Tree {
    /// The tree of `columns` (attribute path, items that have it, type code counts) of a
    /// sample of `sampled` items; `a.b` is a member of `a`, `a[]` its list members.
    pub fn of<'a>(
        columns: impl IntoIterator<Item = (&'a str, u64, &'a BTreeMap<&'static str, u64>)>,
        sampled: u64,
    ) -> Tree {
        let mut root = Node::default();
        for (path, items, types) in columns {
            let node = path.split('.').fold(&mut root, |node, segment| {
                let name = segment.trim_end_matches("[]");
                let lists = (segment.len() - name.len()) / 2;
                let mut node = node.children.entry(name.to_string()).or_default();
                for _ in 0..lists {
                    node = node.element.get_or_insert_with(Box::default);
                }
                node
            });
            node.items = items;
            node.types = types.iter().map(|(k, v)| ((*k).to_string(), *v)).collect();
        }
        Tree { root, sampled }
    }

    /// Make sure every key attribute is a column, typed by its definition, even when the
    /// sample is empty.
    #[must_use]
    pub fn with_keys(mut self, table: &TableDescription) -> Tree {
        for definition in table.attribute_definitions() {
            let node = self
                .root
                .children
                .entry(definition.attribute_name().to_string())
                .or_default();
            if node.types.is_empty() {
                let code = definition.attribute_type().as_str().to_string();
                node.types.insert(code, 0);
            }
        }
        self
    }

    /// The top-level columns, in name order, with their nested children.
    pub fn columns(&self) -> Vec<Value> {
        let top = self.root.children.iter().enumerate();
        top.map(|(i, (name, node))| {
            let mut column = column(name, node, self.sampled);
            column["ordinalPosition"] = json!(i + 1);
            column
        })
        .collect()
    }
}

/// OpenMetadata's type of one DynamoDB type code, its display name, and for a set the
/// type of its members.
fn scalar(code: &str) -> (&'static str, &'static str, Option<&'static str>) {
    match code {
        "S" => ("STRING", "string", None),
        "N" => ("NUMBER", "number", None),
        "B" => ("BINARY", "binary", None),
        "BOOL" => ("BOOLEAN", "boolean", None),
        "NULL" => ("NULL", "null", None),
        "SS" => ("ARRAY", "set<string>", Some("STRING")),
        "NS" => ("ARRAY", "set<number>", Some("NUMBER")),
        "BS" => ("ARRAY", "set<binary>", Some("BINARY")),
        "M" => ("STRUCT", "struct", None),
        "L" => ("ARRAY", "array", None),
        _ => ("UNKNOWN", "unknown", None),
    }
}

/// The node's OpenMetadata type, display and array member type.
fn kind(node: &Node) -> (String, String, Option<String>) {
    let codes: Vec<&str> = node.types.keys().map(String::as_str).collect();
    match codes.as_slice() {
        [] => ("UNKNOWN".into(), "unknown".into(), None),
        ["M"] if node.children.contains_key("*") => {
            let value = node
                .children
                .get("*")
                .map_or("unknown".into(), |v| kind(v).1);
            ("MAP".into(), format!("map<string,{value}>"), None)
        }
        ["M"] => ("STRUCT".into(), struct_display(node), None),
        ["L"] => {
            let (member, display, _) = node
                .element
                .as_deref()
                .map_or(("UNKNOWN".into(), "unknown".into(), None), kind);
            ("ARRAY".into(), format!("array<{display}>"), Some(member))
        }
        [code] => {
            let (data_type, display, member) = scalar(code);
            (data_type.into(), display.into(), member.map(Into::into))
        }
        many => {
            let shown: Vec<&str> = many.iter().map(|c| scalar(c).1).collect();
            ("UNION".into(), format!("union<{}>", shown.join(",")), None)
        }
    }
}

fn struct_display(node: &Node) -> String {
    let members: Vec<String> = node
        .children
        .iter()
        .map(|(name, child)| format!("{name}:{}", kind(child).1))
        .collect();
    let display = format!("struct<{}>", members.join(","));
    if display.len() > MAX_DISPLAY {
        "struct".into()
    } else {
        display
    }
}

/// The members a column shows as `children`: a map's (not a data-keyed map's), or those
/// of a list's map members.
fn children_of(node: &Node) -> Option<&BTreeMap<String, Node>> {
    let own =
        (!node.children.is_empty() && !node.children.contains_key("*")).then_some(&node.children);
    own.or_else(|| {
        let element = node.element.as_deref()?;
        (!element.children.is_empty() && !element.children.contains_key("*"))
            .then_some(&element.children)
    })
}

/// One OpenMetadata column of `node`, with its children.
fn column(name: &str, node: &Node, sampled: u64) -> Value {
    let (data_type, display, member) = kind(node);
    let counts: Vec<String> = node.types.iter().map(|(c, n)| format!("{c} {n}")).collect();
    let description = format!(
        "In {} of {sampled} sampled items; values by DynamoDB type: {}.",
        node.items,
        counts.join(", ")
    );
    let mut shown = Obj::new()
        .set("name", name)
        .set("dataType", data_type)
        .opt("arrayDataType", member)
        .set("dataTypeDisplay", display)
        .set("description", description);
    if let Some(children) = children_of(node) {
        let nested: Vec<Value> = children
            .iter()
            .map(|(name, child)| column(name, child, sampled))
            .collect();
        shown = shown.set("children", nested);
    }
    shown.build()
}

/// The key as OpenMetadata's table constraints: `PRIMARY_KEY` over the hash and range
/// attributes, and `SORT_KEY` over the range attribute.
pub fn constraints(table: &TableDescription) -> Vec<Value> {
    let keys = table.key_schema();
    let named = |kind: &str| -> Vec<&str> {
        keys.iter()
            .filter(|k| k.key_type().as_str() == kind)
            .map(aws_sdk_dynamodb::types::KeySchemaElement::attribute_name)
            .collect()
    };
    let range = named("RANGE");
    let mut primary = named("HASH");
    primary.extend(&range);
    let mut out = Vec::new();
    if !primary.is_empty() {
        out.push(json!({"constraintType": "PRIMARY_KEY", "columns": primary}));
    }
    if !range.is_empty() {
        out.push(json!({"constraintType": "SORT_KEY", "columns": range}));
    }
    out
}

/// A name as a part of an OpenMetadata fully qualified name: in double quotes when it
/// holds the separator `.` (a `"` inside it becomes `'`, which OpenMetadata's names
/// cannot hold quoted).
pub fn fqn_part(name: &str) -> String {
    let name = name.replace('"', "'");
    if name.contains('.') {
        format!("\"{name}\"")
    } else {
        name
    }
}

/// A table's own tag as OpenMetadata's tag `CLASSIFICATION.KEY.VALUE` (`CLASSIFICATION.KEY`
/// for an empty value), set by the table's owners: confirmed.
pub fn table_tag(classification: &str, key: &str, value: &str) -> Value {
    let mut fqn = format!("{}.{}", fqn_part(classification), fqn_part(key));
    if !value.is_empty() {
        fqn = format!("{fqn}.{}", fqn_part(value));
    }
    json!({"tagFQN": fqn, "source": "Classification", "labelType": "Manual",
        "state": "Confirmed"})
}

/// A PII tag the classifier suggests: OpenMetadata's `PII.Sensitive` or
/// `PII.NonSensitive`, generated, suggested, with its reason.
pub fn pii_tag(tag: &str, reason: &str) -> Value {
    json!({"tagFQN": tag, "source": "Classification", "labelType": "Generated",
        "state": "Suggested", "reason": reason})
}

/// The `CreateTableRequest` of the table `name` in `schema`: the columns of `tree`, the
/// key as constraints, its own `tags` under `classification`.
pub fn table_request(
    name: &str,
    schema: &str,
    description: &TableDescription,
    tree: &Tree,
    tags: &[(String, String)],
    classification: &str,
) -> Value {
    let labels: Vec<Value> = tags
        .iter()
        .map(|(key, value)| table_tag(classification, key, value))
        .collect();
    Obj::new()
        .set("name", name)
        .set("tableType", "Regular")
        .set("columns", tree.columns())
        .set("tableConstraints", constraints(description))
        .set("databaseSchema", schema)
        .opt("tags", (!labels.is_empty()).then_some(labels))
        .build()
}

/// The `CreateTableProfileRequest` of a sample of `sampled` items (the whole table when
/// `whole`, whose row count is then exact; else the description's) with the top-level
/// columns' `profiles`, taken at `timestamp`.
pub fn profile_request(
    description: &TableDescription,
    sampled: u64,
    whole: bool,
    profiles: &[Value],
    timestamp: u64,
) -> Value {
    let rows = if whole {
        Some(sampled.cast_signed())
    } else {
        description.item_count()
    };
    let table = Obj::new()
        .set("timestamp", timestamp)
        .set("columnCount", profiles.len())
        .opt("rowCount", rows)
        .opt("sizeInByte", description.table_size_bytes())
        .set("profileSample", sampled)
        .set("profileSampleType", "ROWS")
        .build();
    json!({"tableProfile": table, "columnProfile": profiles})
}

/// Whether `path` is a top-level attribute (OpenMetadata profiles columns, not their
/// nested members).
pub fn top_level(path: &str) -> bool {
    !path.contains('.') && !path.contains("[]")
}

/// Each column's suggested PII tags, `[{"Column", "Tags"}]`: per OpenMetadata column (list
/// members are the list column's children, a data-keyed map's members the map column), the
/// most confident tag matched by at least `least` (0 to 1) of its values, at most one.
pub fn column_tags<'a>(
    columns: impl IntoIterator<Item = (&'a str, &'a Matches)>,
    least: f64,
) -> Vec<Value> {
    let mut best: BTreeMap<String, Option<Value>> = BTreeMap::new();
    for (path, matches) in columns {
        let name = path.replace("[]", "");
        let name = name.strip_suffix(".*").unwrap_or(&name).to_string();
        let slot = best.entry(name).or_default();
        let Some(tag) = matches.tags(least).into_iter().next() else {
            continue;
        };
        let stronger = slot
            .as_ref()
            .is_none_or(|held| held["Confidence"].as_f64() < tag["Confidence"].as_f64());
        if stronger {
            *slot = Some(tag);
        }
    }
    best.into_iter()
        .map(|(column, tag)| {
            let labels: Vec<Value> = tag
                .iter()
                .map(|t| {
                    let name = t["Tag"].as_str().unwrap_or_default();
                    pii_tag(name, t["Reason"].as_str().unwrap_or_default())
                })
                .collect();
            json!({"Column": column, "Tags": labels})
        })
        .collect()
}

/// Milliseconds since the Unix epoch, as OpenMetadata's timestamps are.
pub fn now_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types(pairs: &[(&'static str, u64)]) -> BTreeMap<&'static str, u64> {
        pairs.iter().copied().collect()
    }

    #[test]
    fn nested_paths_become_children_never_dotted_names() {
        let (m, s, n, l, ss, mixed) = (
            types(&[("M", 4)]),
            types(&[("S", 4)]),
            types(&[("N", 3)]),
            types(&[("L", 2)]),
            types(&[("SS", 1)]),
            types(&[("N", 1), ("S", 2)]),
        );
        let columns = [
            ("address", 4, &m),
            ("address.city", 4, &s),
            ("address.zip", 3, &mixed),
            ("lines", 2, &l),
            ("lines[]", 2, &m),
            ("lines[].qty", 2, &n),
            ("tags", 1, &ss),
        ];
        let tree = Tree::of(columns, 10);
        let out = tree.columns();
        let names: Vec<&str> = out.iter().map(|c| c["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["address", "lines", "tags"]);
        assert_eq!(out[0]["dataType"], "STRUCT");
        assert_eq!(
            out[0]["dataTypeDisplay"],
            "struct<city:string,zip:union<number,string>>"
        );
        assert_eq!(out[0]["children"][1]["dataType"], "UNION");
        assert_eq!(out[1]["dataType"], "ARRAY");
        assert_eq!(out[1]["arrayDataType"], "STRUCT");
        assert_eq!(out[1]["children"][0]["name"], "qty");
        assert_eq!(out[2]["arrayDataType"], "STRING");
        assert_eq!(out[2]["dataTypeDisplay"], "set<string>");
        assert_eq!(out[2]["ordinalPosition"], 3);
    }

    #[test]
    fn a_data_keyed_map_is_a_map_of_its_members_type() {
        let (m, n) = (types(&[("M", 1)]), types(&[("N", 5)]));
        let tree = Tree::of([("scores", 1, &m), ("scores.*", 1, &n)], 1);
        let out = tree.columns();
        assert_eq!(out[0]["dataType"], "MAP");
        assert_eq!(out[0]["dataTypeDisplay"], "map<string,number>");
        assert!(out[0].get("children").is_none());
    }

    #[test]
    fn names_with_the_separator_are_quoted_in_tag_names() {
        assert_eq!(
            table_tag("DynamoDBTags", "team", "data.platform")["tagFQN"],
            "DynamoDBTags.team.\"data.platform\""
        );
        assert_eq!(table_tag("C", "env", "")["tagFQN"], "C.env");
    }
}
