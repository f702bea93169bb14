//! The cursor of `read-stream-changes`: where a reader of one stream is, per shard, as
//! sequence numbers (never as shard iterators, which expire 15 minutes after they are
//! issued), and whether a shard is finished. Opaque to users: base64url of a small JSON
//! document, checked field by field when it comes back.
//!
//! A shard absent from the cursor has not been read yet (it is read from its oldest record);
//! `After(seq)` resumes after the record `seq`; `Done` means every record of the closed
//! shard was returned. `since` (epoch seconds), set by `start-at: latest` on the first poll,
//! skips the records created before it, so that what is written between the first poll and
//! the next is never lost.
//!
//! `snapshot`, set by `start-at: snapshot`, is the table's scan still under way: one
//! position per segment (not started, after a key, done). While it lasts, polls return the
//! table's items; then the stream from `since` (a minute before the scan began).

use crate::error::{Error, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The input a cursor arrives in, for errors.
const FIELD: &str = "cursor";

/// The cursor format's version: 2 carries a check (`c`); 1, issued before it, is still
/// read (a poll answers with a version 2 cursor).
const VERSION: u64 = 2;

/// Where a reader is in one shard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// After the record with this sequence number.
    After(String),
    /// The shard is closed and every record of it was returned.
    Done,
}

impl Position {
    /// Whether this position lies after `other` in the same shard (sequence numbers grow:
    /// a longer one is larger, then by digits; `Done` is after every record).
    pub fn further_than(&self, other: &Position) -> bool {
        match (self, other) {
            (Position::Done | Position::After(_), Position::Done) => false,
            (Position::Done, Position::After(_)) => true,
            (Position::After(a), Position::After(b)) => (a.len(), a) > (b.len(), b),
        }
    }
}

/// Where one segment of a snapshot's scan is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentAt {
    /// Not read yet.
    Start,
    /// After this key (the table's key in plain JSON, typed again by the key schema).
    After(Value),
    /// Read to its end.
    Done,
}

/// Where a reader of one stream is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// The stream's ARN.
    pub stream: String,
    /// Skip records created before this time (epoch seconds): `start-at: latest`, and a
    /// minute before a snapshot began.
    pub since: Option<i64>,
    /// The shards read so far, by shard id.
    pub shards: BTreeMap<String, Position>,
    /// The table's scan under way (`start-at: snapshot`), one position per segment; `None`
    /// once it is done (or when none was asked).
    pub snapshot: Option<Vec<SegmentAt>>,
}

impl Cursor {
    /// The cursor of a first poll of `stream`.
    pub fn start(stream: &str, since: Option<i64>) -> Cursor {
        Cursor {
            stream: stream.to_string(),
            since,
            shards: BTreeMap::new(),
            snapshot: None,
        }
    }

    /// Read a `cursor` input: one cursor, or a JSON array of cursors of one stream merged
    /// into one ([`Cursor::merge`]).
    pub fn read(text: &str) -> Result<Cursor> {
        if !text.trim_start().starts_with('[') {
            return Cursor::decode(text);
        }
        let texts: Vec<String> = serde_json::from_str(text).map_err(|_| {
            Error::invalid(FIELD, "is a cursor or a JSON array of cursors (strings)")
        })?;
        let cursors = texts
            .iter()
            .map(|t| Cursor::decode(t))
            .collect::<Result<Vec<_>>>()?;
        Cursor::merge(cursors)
    }

    /// Cursors of one stream as one: each shard at the furthest position any of them holds
    /// (positions only move forward, so the merge of a shard's latest checkpoint with older
    /// ones is that checkpoint), `since` the earliest. A snapshot under way is one reader's
    /// and is not merged.
    ///
    /// Cursors of an older stream of the same table (turned off and on again) are left out:
    /// the newest stream's are merged (a stream's label is its creation time).
    pub fn merge(cursors: Vec<Cursor>) -> Result<Cursor> {
        let table = |c: &Cursor| {
            let stream = c.stream.as_str();
            stream
                .split_once("/stream/")
                .map_or(stream, |(t, _)| t)
                .to_string()
        };
        let first = cursors
            .first()
            .ok_or_else(|| Error::invalid(FIELD, "is an empty list: give at least one cursor"))?;
        let of_table = table(first);
        if let Some(i) = cursors.iter().position(|c| table(c) != of_table) {
            return Err(Error::invalid(
                format!("{FIELD}[{i}]"),
                "belongs to another table's stream than cursor[0]: merge cursors of one stream",
            ));
        }
        let newest = cursors
            .iter()
            .map(|c| c.stream.clone())
            .max()
            .unwrap_or_default();
        let mut cursors = cursors.into_iter().filter(|c| c.stream == newest);
        let mut merged = cursors
            .next()
            .unwrap_or_else(|| Cursor::start(&newest, None));
        for cursor in cursors {
            if cursor.snapshot.is_some() || merged.snapshot.is_some() {
                return Err(Error::invalid(
                    FIELD,
                    "holds a snapshot under way, which is not merged: give that cursor alone",
                ));
            }
            merged.since = match (merged.since, cursor.since) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            for (id, at) in cursor.shards {
                let kept = merged.shards.entry(id).or_insert_with(|| at.clone());
                if at.further_than(kept) {
                    *kept = at;
                }
            }
        }
        Ok(merged)
    }

    /// The opaque text handed to the user.
    pub fn encode(&self) -> String {
        let shards: Map<String, Value> = self
            .shards
            .iter()
            .map(|(id, at)| {
                let at = match at {
                    Position::After(seq) => Value::from(seq.as_str()),
                    Position::Done => Value::Null,
                };
                (id.clone(), at)
            })
            .collect();
        let mut doc = json!({"v": VERSION, "stream": self.stream, "shards": shards});
        if let Some(since) = self.since {
            doc["since"] = Value::from(since);
        }
        if let Some(snapshot) = &self.snapshot {
            doc["snap"] = Value::from(snapshot.iter().map(segment_json).collect::<Vec<_>>());
        }
        doc["c"] = Value::from(self.check());
        URL_SAFE_NO_PAD.encode(doc.to_string())
    }

    /// The check a version 2 cursor carries: 16 hex digits of a SHA-256 of its stream,
    /// time and positions, so an edited cursor (a changed sequence number, say) or a
    /// damaged one is refused rather than read from the wrong place.
    fn check(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        hash.update(format!("{}\n{:?}\n", self.stream, self.since));
        for (id, at) in &self.shards {
            match at {
                Position::After(seq) => hash.update(format!("{id}={seq}\n")),
                Position::Done => hash.update(format!("{id}.\n")),
            }
        }
        if let Some(snapshot) = &self.snapshot {
            let positions: Vec<Value> = snapshot.iter().map(segment_json).collect();
            hash.update(format!("snap={}\n", Value::from(positions)));
        }
        hash.finalize()[..8]
            .iter()
            .fold(String::new(), |mut hex, b| {
                use std::fmt::Write as _;
                let _ = write!(hex, "{b:02x}");
                hex
            })
    }

    /// Read the text of [`Cursor::encode`]; anything else is `invalid-input` naming
    /// `cursor` (its text is not echoed).
    pub fn decode(text: &str) -> Result<Cursor> {
        let bad = |why: &str| {
            Error::invalid(
                FIELD,
                format!("is not a cursor of read-stream-changes ({why})"),
            )
        };
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim())
            .map_err(|_| bad("not base64url"))?;
        let doc: Value = serde_json::from_slice(&bytes).map_err(|_| bad("not JSON"))?;
        let version = doc["v"].as_u64();
        if version != Some(VERSION) && version != Some(1) {
            return Err(bad("unknown version"));
        }
        let stream = doc["stream"].as_str().filter(|s| !s.is_empty());
        let stream = stream.ok_or_else(|| bad("no stream"))?.to_string();
        let since = match &doc["since"] {
            Value::Null => None,
            other => Some(other.as_i64().ok_or_else(|| bad("since is not a time"))?),
        };
        let listed = doc["shards"].as_object().ok_or_else(|| bad("no shards"))?;
        let mut shards = BTreeMap::new();
        for (id, at) in listed {
            let at = match at {
                Value::Null => Position::Done,
                Value::String(seq) if is_sequence_number(seq) => Position::After(seq.clone()),
                _ => return Err(bad("a shard's position is not a sequence number")),
            };
            shards.insert(id.clone(), at);
        }
        let snapshot = match &doc["snap"] {
            Value::Null => None,
            Value::Array(segments) if (1..=MAX_SEGMENTS).contains(&segments.len()) => Some(
                segments
                    .iter()
                    .map(SegmentAt::from_json)
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| bad("a snapshot segment's position is not a key"))?,
            ),
            _ => return Err(bad("its snapshot is not a list of segments")),
        };
        let cursor = Cursor {
            stream,
            since,
            shards,
            snapshot,
        };
        if version == Some(VERSION) && doc["c"].as_str() != Some(&cursor.check()) {
            return Err(bad("its check does not match: it was changed or damaged"));
        }
        Ok(cursor)
    }
}

impl SegmentAt {
    /// The position as a cursor holds it: `"start"`, the key, or `null` when done.
    pub fn to_json(&self) -> Value {
        segment_json(self)
    }

    /// The position a cursor holds, `None` when it is none.
    pub fn from_json(value: &Value) -> Option<SegmentAt> {
        match value {
            Value::Null => Some(SegmentAt::Done),
            Value::String(s) if s == "start" => Some(SegmentAt::Start),
            Value::Object(_) => Some(SegmentAt::After(value.clone())),
            _ => None,
        }
    }
}

/// Most segments a snapshot's scan has.
pub const MAX_SEGMENTS: usize = 16;

/// A segment's position as the cursor holds it: `"start"`, the key, or `null` when done.
fn segment_json(at: &SegmentAt) -> Value {
    match at {
        SegmentAt::Start => Value::from("start"),
        SegmentAt::After(key) => key.clone(),
        SegmentAt::Done => Value::Null,
    }
}

/// A sequence number: 1 to 40 decimal digits.
fn is_sequence_number(text: &str) -> bool {
    (1..=40).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_comes_back_as_it_was_encoded() {
        let mut cursor = Cursor::start("arn:aws:dynamodb:eu-west-1:1:table/t/stream/x", Some(17));
        cursor.shards.insert("s-1".into(), Position::Done);
        cursor.shards.insert(
            "s-2".into(),
            Position::After("1100000000017454423009".into()),
        );
        assert_eq!(Cursor::decode(&cursor.encode()), Ok(cursor.clone()));
        cursor.snapshot = Some(vec![
            SegmentAt::Done,
            SegmentAt::Start,
            SegmentAt::After(json!({"id": 12_345_678_901_234_567_890u64})),
        ]);
        assert_eq!(Cursor::decode(&cursor.encode()), Ok(cursor));
    }

    #[test]
    fn merged_cursors_hold_each_shard_at_its_furthest_position() {
        let at = |pairs: &[(&str, Option<&str>)]| {
            let mut cursor = Cursor::start("arn:s", Some(50));
            for (id, seq) in pairs {
                let position = seq.map_or(Position::Done, |s| Position::After(s.into()));
                cursor.shards.insert((*id).into(), position);
            }
            cursor
        };
        let base = at(&[("a", Some("100")), ("b", Some("900"))]);
        let a_row = at(&[("a", Some("1000")), ("b", Some("900"))]);
        let b_row = at(&[("a", Some("100")), ("b", None), ("c", Some("5"))]);
        let texts = json!([base.encode(), a_row.encode(), b_row.encode()]).to_string();
        let merged = Cursor::read(&texts).unwrap();
        assert_eq!(
            merged,
            at(&[("a", Some("1000")), ("b", None), ("c", Some("5"))])
        );
        let mut other = at(&[]);
        other.stream = "arn:t".into();
        let mixed = json!([base.encode(), other.encode()]).to_string();
        assert_eq!(
            Cursor::read(&mixed).unwrap_err().field.as_deref(),
            Some("cursor[1]")
        );
        let old = Cursor::start("arn:x:table/t/stream/2026-01-01T00:00:00.000", None);
        let mut new = Cursor::start("arn:x:table/t/stream/2026-06-01T00:00:00.000", None);
        new.shards.insert("n".into(), Position::Done);
        let replaced = json!([old.encode(), new.encode()]).to_string();
        assert_eq!(
            Cursor::read(&replaced).unwrap(),
            new,
            "the newer stream's cursors"
        );
        let mut snapshot = at(&[]);
        snapshot.snapshot = Some(vec![SegmentAt::Start]);
        let with_snapshot = json!([base.encode(), snapshot.encode()]).to_string();
        assert!(Cursor::read(&with_snapshot).is_err());
        assert!(Cursor::read("[]").is_err());
    }

    #[test]
    fn an_edited_sequence_number_is_refused_and_a_version_1_cursor_is_read() {
        let mut cursor = Cursor::start("arn:s", None);
        cursor
            .shards
            .insert("s-1".into(), Position::After("100".into()));
        let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor.encode()).unwrap()).unwrap();
        let edited = URL_SAFE_NO_PAD.encode(text.replace("\"100\"", "\"900\""));
        let error = Cursor::decode(&edited).unwrap_err();
        assert!(error.message.contains("check"), "{}", error.message);
        let old = URL_SAFE_NO_PAD.encode(r#"{"v":1,"stream":"arn:s","shards":{"s-1":"100"}}"#);
        assert_eq!(Cursor::decode(&old), Ok(cursor));
    }

    #[test]
    fn anything_else_is_refused_naming_the_cursor() {
        let encode = |doc: Value| URL_SAFE_NO_PAD.encode(doc.to_string());
        for bad in [
            "not a cursor!".to_string(),
            URL_SAFE_NO_PAD.encode("{not json"),
            encode(json!({"v": 3, "stream": "s", "shards": {}})),
            encode(json!({"v": 2, "stream": "s", "shards": {}})),
            encode(json!({"v": 2, "stream": "s", "shards": {}, "c": "0000000000000000"})),
            encode(json!({"v": 1, "shards": {}})),
            encode(json!({"v": 1, "stream": "s", "shards": {"a": "12x"}})),
            encode(json!({"v": 1, "stream": "s", "shards": {"a": 5}})),
            encode(json!({"v": 1, "stream": "s", "shards": []})),
        ] {
            let error = Cursor::decode(&bad).unwrap_err();
            assert_eq!(error.field.as_deref(), Some("cursor"), "{bad}");
        }
    }
}
