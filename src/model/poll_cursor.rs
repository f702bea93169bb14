//! The cursor of `poll-new-items`: the highest cursor attribute value returned (`mark`) and
//! digests of the items returned at exactly that value (`seen`), so the next poll asks for
//! values `>= mark` and skips those items: every item once, ties included, without holding
//! a key that could go stale. With a skew window (`cursor-skew-seconds`), the poll asks for
//! values from a time before `mark` ([`crate::model::skew`]) and the cursor also keeps the
//! digests of the items returned inside that window (`behind`, by value), so an item that
//! shows up late below the mark is returned, once. Opaque to users: base64url of a small JSON document, checked
//! field by field when it comes back; it names its table, index and attribute, and a cursor
//! of another is refused.
//!
//! The scan form (no index) keeps a [`Pass`] under way (the highest value it returned so
//! far, the digests of what it returned at that value and at `next`, and each scan
//! segment's position) and `next`, the highest value of the last pass done, with the
//! digests returned at it: when a pass is done, `mark` moves to `next` (`seen`: every item
//! returned at it) and `next` to the pass's highest.

use crate::error::{Error, Result};
use crate::model::stream_cursor::SegmentAt;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// The input a cursor arrives in, for errors.
const FIELD: &str = "cursor";

/// Where a poller is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollCursor {
    /// Table, index and cursor attribute: what the cursor belongs to.
    pub scope: [String; 3],
    /// The attribute's type, `S` or `N`.
    pub kind: String,
    /// The highest value returned (or `start-after`), as its `DynamoDB` text.
    pub mark: Option<String>,
    /// Whether values equal to `mark` are excluded (`start-after`, before any item).
    pub strict: bool,
    /// Digests of the items returned at `mark`.
    pub seen: BTreeSet<u64>,
    /// Digests of the items returned below `mark` inside the skew window, by value.
    pub behind: BTreeMap<String, BTreeSet<u64>>,
    /// The scan form's pass under way, if one is.
    pub pass: Option<Pass>,
    /// The scan form: the highest value the last pass done returned (the mark of the pass
    /// after the next).
    pub next: Option<String>,
    /// The scan form: digests of the items the last pass done returned at `next`.
    pub next_seen: BTreeSet<u64>,
}

/// A pass of the scan form under way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pass {
    /// The highest value returned in the pass so far.
    pub max: Option<String>,
    /// Digests of the items the pass returned at `max`.
    pub max_seen: BTreeSet<u64>,
    /// Digests of the items the pass returned at the cursor's `next`.
    pub next_seen: BTreeSet<u64>,
    /// Each scan segment's position.
    pub segments: Vec<SegmentAt>,
}

impl PollCursor {
    /// A first poll's cursor for `scope`: after `mark` (exclusive; before everything when
    /// `None`), its values of `kind` (`S`, `N`, or empty when the first value read says).
    pub fn first(scope: [String; 3], kind: &str, mark: Option<String>) -> PollCursor {
        PollCursor {
            scope,
            kind: kind.to_string(),
            mark,
            strict: true,
            seen: BTreeSet::new(),
            behind: BTreeMap::new(),
            pass: None,
            next: None,
            next_seen: BTreeSet::new(),
        }
    }

    /// The opaque text handed to the user.
    pub fn encode(&self) -> String {
        let mut doc = json!({"v": 1, "scope": self.scope, "type": self.kind, "mark": self.mark,
                         "strict": self.strict, "seen": digests(&self.seen)});
        if let Some(pass) = &self.pass {
            let segments: Vec<Value> = pass.segments.iter().map(SegmentAt::to_json).collect();
            doc["pass"] = json!({"max": pass.max, "max-seen": digests(&pass.max_seen),
                "next-seen": digests(&pass.next_seen), "segments": segments});
        }
        if !self.behind.is_empty() {
            let behind: serde_json::Map<String, Value> = self
                .behind
                .iter()
                .map(|(value, seen)| (value.clone(), Value::from(digests(seen))))
                .collect();
            doc["behind"] = Value::Object(behind);
        }
        if let Some(next) = &self.next {
            doc["next"] = Value::from(next.as_str());
            doc["next-seen"] = Value::from(digests(&self.next_seen));
        }
        URL_SAFE_NO_PAD.encode(doc.to_string())
    }

    /// Read the text of [`PollCursor::encode`] for `scope`; anything else is
    /// `invalid-input` naming `cursor`.
    pub fn decode(text: &str, scope: &[String; 3]) -> Result<PollCursor> {
        let bad =
            |why: &str| Error::invalid(FIELD, format!("is not a cursor of poll-new-items ({why})"));
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim())
            .map_err(|_| bad("not base64url"))?;
        let doc: Value = serde_json::from_slice(&bytes).map_err(|_| bad("not JSON"))?;
        if doc["v"] != 1 {
            return Err(bad("unknown version"));
        }
        if doc["scope"] != json!(scope) {
            return Err(Error::invalid(
                FIELD,
                "belongs to another table, index or cursor attribute",
            ));
        }
        let kind = match doc["type"].as_str() {
            Some(k @ ("S" | "N" | "")) => k.to_string(),
            _ => return Err(bad("no type")),
        };
        let mark = match &doc["mark"] {
            Value::Null => None,
            Value::String(m) => Some(m.clone()),
            _ => return Err(bad("mark is not a value")),
        };
        let strict = doc["strict"].as_bool().ok_or_else(|| bad("no strict"))?;
        let seen = read_digests(&doc["seen"]).ok_or_else(|| bad("seen is not digests"))?;
        let pass = match &doc["pass"] {
            Value::Null => None,
            pass => {
                let segments = pass["segments"]
                    .as_array()
                    .filter(|s| (1..=crate::model::stream_cursor::MAX_SEGMENTS).contains(&s.len()))
                    .ok_or_else(|| bad("a pass without its segments"))?
                    .iter()
                    .map(SegmentAt::from_json)
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| bad("a segment's position is not a key"))?;
                let max = match &pass["max"] {
                    Value::Null => None,
                    Value::String(m) => Some(m.clone()),
                    _ => return Err(bad("the pass's highest value is not a value")),
                };
                let seen_at = |member: &str| {
                    read_digests(&pass[member]).ok_or_else(|| bad("a pass's seen is not digests"))
                };
                Some(Pass {
                    max,
                    max_seen: seen_at("max-seen")?,
                    next_seen: seen_at("next-seen")?,
                    segments,
                })
            }
        };
        let (next, next_seen) = match &doc["next"] {
            Value::Null => (None, BTreeSet::new()),
            Value::String(n) => (
                Some(n.clone()),
                read_digests(&doc["next-seen"]).ok_or_else(|| bad("next-seen is not digests"))?,
            ),
            _ => return Err(bad("next is not a value")),
        };
        let behind = match &doc["behind"] {
            Value::Null => BTreeMap::new(),
            Value::Object(listed) => listed
                .iter()
                .map(|(value, seen)| Some((value.clone(), read_digests(seen)?)))
                .collect::<Option<_>>()
                .ok_or_else(|| bad("behind is not digests by value"))?,
            _ => return Err(bad("behind is not digests by value")),
        };
        Ok(PollCursor {
            scope: scope.clone(),
            kind,
            mark,
            strict,
            seen,
            behind,
            pass,
            next,
            next_seen,
        })
    }

    /// Whether an item at `value` with `digest` was returned before.
    pub fn returned(&self, value: &str, digest: u64) -> bool {
        (self.mark.as_deref() == Some(value) && self.seen.contains(&digest))
            || self
                .behind
                .get(value)
                .is_some_and(|seen| seen.contains(&digest))
    }

    /// How many item digests the cursor holds (at the mark and behind it).
    pub fn held(&self) -> usize {
        self.seen.len() + self.behind.values().map(BTreeSet::len).sum::<usize>()
    }

    /// Values of this cursor's type in order ([`compare`]).
    pub fn compare(&self, a: &str, b: &str) -> Ordering {
        compare(&self.kind, a, b)
    }

    /// Keep an item at `value` with `digest`, returned now: past the mark, it moves the mark
    /// (the items at the old mark kept `behind` while `window`, a skew window, is on); at
    /// the mark, it joins `seen`; below it (an item that showed up late), it joins `behind`.
    pub fn advance(&mut self, value: &str, digest: u64, window: bool) {
        let order = match (&self.mark, self.strict) {
            (Some(mark), false) => self.compare(value, mark),
            _ => Ordering::Greater,
        };
        match order {
            Ordering::Greater => {
                let passed = std::mem::take(&mut self.seen);
                if let (Some(mark), false, true) = (self.mark.take(), self.strict, window) {
                    self.behind.entry(mark).or_default().extend(passed);
                }
                self.mark = Some(value.to_string());
                self.strict = false;
                self.seen.insert(digest);
            }
            Ordering::Equal => {
                self.seen.insert(digest);
            }
            Ordering::Less => {
                self.behind
                    .entry(value.to_string())
                    .or_default()
                    .insert(digest);
            }
        }
    }

    /// Forget the items kept behind below `low`, the window's lower end now (all of them
    /// when there is no window).
    pub fn forget_below(&mut self, low: Option<&str>) {
        let kind = self.kind.clone();
        match low {
            None => self.behind.clear(),
            Some(low) => self
                .behind
                .retain(|value, _| compare(&kind, value, low) != Ordering::Less),
        }
    }
}

/// Values of type `kind` in order: numbers (`N`) as numbers, text as UTF-8 bytes (as
/// `DynamoDB` orders them).
pub fn compare(kind: &str, a: &str, b: &str) -> Ordering {
    if kind == "N" {
        crate::model::number::compare(a, b)
    } else {
        a.cmp(b)
    }
}

/// Digests as the cursor holds them: 16 hex digits each.
fn digests(set: &BTreeSet<u64>) -> Vec<String> {
    set.iter().map(|d| format!("{d:016x}")).collect()
}

/// The digests of a cursor member, `None` when it is not a list of them.
fn read_digests(listed: &Value) -> Option<BTreeSet<u64>> {
    listed
        .as_array()?
        .iter()
        .map(|d| d.as_str().and_then(|d| u64::from_str_radix(d, 16).ok()))
        .collect()
}

/// FNV-1a, 64 bits, of `text`: a stable digest of an item's key (not a secret's).
pub fn digest(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> [String; 3] {
        ["orders".into(), "by-updated".into(), "updatedAt".into()]
    }

    fn start() -> PollCursor {
        PollCursor {
            scope: scope(),
            kind: "N".into(),
            mark: Some("10".into()),
            strict: true,
            seen: BTreeSet::new(),
            behind: BTreeMap::new(),
            pass: None,
            next: None,
            next_seen: BTreeSet::new(),
        }
    }

    #[test]
    fn ties_at_the_mark_are_returned_once_and_a_higher_value_moves_the_mark() {
        let mut cursor = start();
        assert!(
            !cursor.returned("10", 1),
            "start-after is exclusive: nothing seen"
        );
        cursor.advance("11", 1, false);
        cursor.advance("11", 2, false);
        let back = PollCursor::decode(&cursor.encode(), &scope()).unwrap();
        assert_eq!(back, cursor);
        assert!(back.returned("11", 1) && back.returned("11", 2));
        assert!(
            !back.returned("11", 3),
            "another item at the same value is new"
        );
        let mut later = back;
        later.advance("12", 3, false);
        assert_eq!(later.seen.len(), 1);
        assert!(!later.returned("11", 1));
    }

    #[test]
    fn a_scan_pass_under_way_and_the_next_mark_come_back_as_they_were_encoded() {
        let scope = ["orders".to_string(), String::new(), "updatedAt".to_string()];
        let mut cursor = PollCursor {
            scope: scope.clone(),
            kind: "N".into(),
            mark: Some("17".into()),
            strict: false,
            seen: BTreeSet::from([1, 2]),
            behind: BTreeMap::new(),
            pass: Some(Pass {
                max: Some("19".into()),
                max_seen: BTreeSet::from([3]),
                next_seen: BTreeSet::from([4]),
                segments: vec![
                    SegmentAt::Done,
                    SegmentAt::Start,
                    SegmentAt::After(json!({"id": 7})),
                ],
            }),
            next: Some("18".into()),
            next_seen: BTreeSet::from([5]),
        };
        assert_eq!(
            PollCursor::decode(&cursor.encode(), &scope),
            Ok(cursor.clone())
        );
        cursor.pass = None;
        assert_eq!(PollCursor::decode(&cursor.encode(), &scope), Ok(cursor));
    }

    #[test]
    fn a_cursor_of_another_scope_or_malformed_is_refused_naming_the_cursor() {
        let text = start().encode();
        let other = ["orders".into(), "by-updated".into(), "createdAt".into()];
        for error in [
            PollCursor::decode(&text, &other).unwrap_err(),
            PollCursor::decode("%%%", &scope()).unwrap_err(),
            PollCursor::decode(&URL_SAFE_NO_PAD.encode("[]"), &scope()).unwrap_err(),
        ] {
            assert_eq!(error.field.as_deref(), Some("cursor"));
        }
    }
}
