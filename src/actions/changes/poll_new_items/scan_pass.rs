//! The scan form of `poll-new-items` (no index on the cursor attribute): passes of a
//! strongly consistent parallel scan, as Airbyte's incremental syncs read a table. A pass
//! returns the items whose cursor attribute is at or above the cursor's mark (above
//! `start-after` on the first passes), in no order, each once; it is kept in the cursor
//! segment by segment, so a killed runner resumes it where its saved cursor left it.
//!
//! The mark moves only when a pass is done, and then to the highest value of the pass
//! *before* (`next`), not of this one: a write made during a pass has a value above every
//! value that existed when the pass began (the attribute grows), so above the last pass's
//! highest, but the pass may have passed its item already, and a value this pass saw may
//! be higher. So nothing written during a pass is lost, and an item changed in one pass may
//! come again in the next (at least once; the item's key and cursor value are the dedupe
//! key).

use crate::error::{Error, Result};
use crate::model::keys::KeySchema;
use crate::model::poll_cursor::{compare, digest, Pass, PollCursor};
use crate::model::stream_cursor::SegmentAt;
use crate::model::values::item_to_json_typed;
use crate::model::Item;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use serde_json::Value;
use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

/// Most time one poll spends scanning (then `More` is true).
const READ_TIME: Duration = Duration::from_secs(10);

/// The table scanned, its key schema and the cursor attribute.
pub(super) struct Scan<'a> {
    pub(super) client: &'a Client,
    pub(super) table: &'a str,
    pub(super) keys: &'a KeySchema,
    pub(super) attribute: &'a str,
}

/// One poll of the pass under way (a new one when none is): at most `max` items not
/// returned before, and whether the pass goes on (`More`).
pub(super) async fn poll(
    scan: &Scan<'_>,
    cursor: &mut PollCursor,
    segments: usize,
    max: usize,
) -> Result<(Vec<Item>, bool)> {
    let mut pass = cursor.pass.take().unwrap_or_else(|| Pass {
        max: None,
        max_seen: BTreeSet::new(),
        next_seen: BTreeSet::new(),
        segments: vec![SegmentAt::Start; segments],
    });
    let (filter, names, values) = filter(cursor, scan.attribute);
    let request = scan
        .client
        .scan()
        .table_name(scan.table)
        .consistent_read(true)
        .filter_expression(filter)
        .set_expression_attribute_names(Some(names))
        .set_expression_attribute_values(values);
    let until = Instant::now() + READ_TIME;
    let mut items = Vec::new();
    let mut segments_at = std::mem::take(&mut pass.segments);
    crate::aws::scan::resumable(&request, scan.keys, &mut segments_at, max, until, |item| {
        let Some(digest) = passed(scan, cursor, item)? else {
            return Ok(false);
        };
        let value = item_value(item, scan.attribute);
        if cursor.next.as_deref() == Some(value) {
            pass.next_seen.insert(digest);
        }
        pass.observe(&cursor.kind, value, digest);
        items.push(item.clone());
        Ok(true)
    })
    .await?;
    pass.segments = segments_at;
    let done = pass.segments.iter().all(|s| *s == SegmentAt::Done);
    if done {
        finish(cursor, pass);
    } else {
        cursor.pass = Some(pass);
    }
    Ok((items, !done))
}

/// The cursor once a pass is done: the mark at the last pass's highest value (`next`;
/// inclusive from then on, skipping every item returned at it), and `next` at this pass's
/// (unchanged when it returned nothing above it).
fn finish(cursor: &mut PollCursor, pass: Pass) {
    let Pass {
        max,
        max_seen,
        next_seen,
        ..
    } = pass;
    if let Some(next) = cursor.next.take() {
        let mut seen = std::mem::take(&mut cursor.next_seen);
        seen.extend(next_seen);
        if cursor.mark.as_deref() == Some(next.as_str()) && !cursor.strict {
            seen.extend(std::mem::take(&mut cursor.seen));
        }
        cursor.mark = Some(next);
        cursor.strict = false;
        cursor.seen = seen;
    }
    if let Some(max) = max {
        cursor.next = Some(max);
        cursor.next_seen = max_seen;
    } else {
        cursor.next.clone_from(&cursor.mark);
        cursor.next_seen.clone_from(&cursor.seen);
    }
}

impl Pass {
    /// The pass returned an item at `value` (of `kind`) with `digest`.
    fn observe(&mut self, kind: &str, value: &str, digest: u64) {
        match self.max.as_deref().map(|max| compare(kind, value, max)) {
            Some(Ordering::Less) => {}
            Some(Ordering::Equal) => {
                self.max_seen.insert(digest);
            }
            _ => {
                self.max = Some(value.to_string());
                self.max_seen = BTreeSet::from([digest]);
            }
        }
    }
}

/// The text of `item`'s cursor attribute (S or N; the filter returns nothing else without
/// [`passed`] refusing it).
fn item_value<'i>(item: &'i Item, attribute: &str) -> &'i str {
    match item.get(attribute) {
        Some(AttributeValue::N(text) | AttributeValue::S(text)) => text,
        _ => "",
    }
}

/// The digest of `item` when the pass returns it: its value is above the mark, or at it
/// and not returned at it before (never at it when the mark is `start-after`); `None`
/// otherwise. An item whose cursor attribute is of another type than the cursor's values
/// is `invalid-input` naming `cursor-attribute` (never skipped in silence, never shown).
fn passed(scan: &Scan<'_>, cursor: &mut PollCursor, item: &Item) -> Result<Option<u64>> {
    let kind = match item.get(scan.attribute) {
        Some(AttributeValue::N(_)) => "N",
        Some(AttributeValue::S(_)) => "S",
        _ => "another type",
    };
    if cursor.kind.is_empty() && kind != "another type" {
        cursor.kind = kind.to_string();
    }
    if kind != cursor.kind {
        let holds = if cursor.kind == "N" {
            "numbers"
        } else {
            "strings"
        };
        return Err(Error::invalid(
            "cursor-attribute",
            format!(
                "an item's value is of {kind}, where the cursor holds {holds}: every write \
                 must set the cursor attribute in one type (N or S)"
            ),
        ));
    }
    let value = item_value(item, scan.attribute);
    let key = scan.keys.key_of("Items", item)?;
    let digest = digest(&item_to_json_typed(&key).to_string());
    let returned = match cursor.mark.as_deref() {
        None => true,
        Some(mark) => match compare(&cursor.kind, value, mark) {
            Ordering::Less => false,
            Ordering::Equal => !cursor.strict && !cursor.seen.contains(&digest),
            Ordering::Greater => true,
        },
    };
    Ok(returned.then_some(digest))
}

/// The scan's filter: items whose cursor attribute passed the mark, and (so that they are
/// refused, not skipped) those whose cursor attribute is of another type.
fn filter(
    cursor: &PollCursor,
    attribute: &str,
) -> (
    &'static str,
    HashMap<String, String>,
    Option<HashMap<String, AttributeValue>>,
) {
    let names = HashMap::from([("#c".to_string(), attribute.to_string())]);
    let (Some(mark), false) = (&cursor.mark, cursor.kind.is_empty()) else {
        return ("attribute_exists(#c)", names, None);
    };
    let mark = match cursor.kind.as_str() {
        "N" => AttributeValue::N(mark.clone()),
        _ => AttributeValue::S(mark.clone()),
    };
    let values = HashMap::from([
        (":m".to_string(), mark),
        (":k".to_string(), AttributeValue::S(cursor.kind.clone())),
    ]);
    let filter = if cursor.strict {
        "#c > :m OR (attribute_exists(#c) AND NOT attribute_type(#c, :k))"
    } else {
        "#c >= :m OR (attribute_exists(#c) AND NOT attribute_type(#c, :k))"
    };
    (filter, names, Some(values))
}

/// The scan form's first cursor: after `start-after` (exclusive; a number or a string says
/// the cursor's type), or before everything (the first value read says it).
pub(super) fn first_cursor(scope: [String; 3], start: Option<&Value>) -> Result<PollCursor> {
    let (kind, mark) = match start {
        None => (String::new(), None),
        Some(Value::Number(n)) => ("N".to_string(), Some(n.to_string())),
        Some(Value::String(s)) => ("S".to_string(), Some(s.clone())),
        Some(_) => {
            return Err(Error::invalid(
                "start-after",
                "must be a number or a string (the cursor attribute's type)",
            ))
        }
    };
    if kind == "N" {
        crate::model::number::checked("start-after", mark.as_deref().unwrap_or_default())?;
    }
    Ok(PollCursor::first(scope, &kind, mark))
}
