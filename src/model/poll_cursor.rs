//! The cursor of `poll-new-items`: the highest cursor attribute value returned (`mark`) and
//! digests of the items returned at exactly that value (`seen`), so the next poll asks for
//! values `>= mark` and skips those items: every item once, ties included, without holding
//! a key that could go stale. Opaque to users: base64url of a small JSON document, checked
//! field by field when it comes back; it names its table, index and attribute, and a cursor
//! of another is refused.

use crate::error::{Error, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use std::collections::BTreeSet;

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
}

impl PollCursor {
    /// The opaque text handed to the user.
    pub fn encode(&self) -> String {
        let seen: Vec<String> = self.seen.iter().map(|d| format!("{d:016x}")).collect();
        let doc = json!({"v": 1, "scope": self.scope, "type": self.kind, "mark": self.mark,
                         "strict": self.strict, "seen": seen});
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
            Some(k @ ("S" | "N")) => k.to_string(),
            _ => return Err(bad("no type")),
        };
        let mark = match &doc["mark"] {
            Value::Null => None,
            Value::String(m) => Some(m.clone()),
            _ => return Err(bad("mark is not a value")),
        };
        let strict = doc["strict"].as_bool().ok_or_else(|| bad("no strict"))?;
        let listed = doc["seen"].as_array().ok_or_else(|| bad("no seen"))?;
        let seen = listed
            .iter()
            .map(|d| d.as_str().and_then(|d| u64::from_str_radix(d, 16).ok()))
            .collect::<Option<BTreeSet<u64>>>()
            .ok_or_else(|| bad("seen holds something else than digests"))?;
        Ok(PollCursor {
            scope: scope.clone(),
            kind,
            mark,
            strict,
            seen,
        })
    }

    /// Whether an item at `value` with `digest` was returned before.
    pub fn returned(&self, value: &str, digest: u64) -> bool {
        self.mark.as_deref() == Some(value) && self.seen.contains(&digest)
    }

    /// Move the cursor past an item at `value` with `digest`, returned now (items come in
    /// ascending order of value).
    pub fn advance(&mut self, value: &str, digest: u64) {
        if self.mark.as_deref() != Some(value) || self.strict {
            self.mark = Some(value.to_string());
            self.strict = false;
            self.seen.clear();
        }
        self.seen.insert(digest);
    }
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
        }
    }

    #[test]
    fn ties_at_the_mark_are_returned_once_and_a_higher_value_moves_the_mark() {
        let mut cursor = start();
        assert!(
            !cursor.returned("10", 1),
            "start-after is exclusive: nothing seen"
        );
        cursor.advance("11", 1);
        cursor.advance("11", 2);
        let back = PollCursor::decode(&cursor.encode(), &scope()).unwrap();
        assert_eq!(back, cursor);
        assert!(back.returned("11", 1) && back.returned("11", 2));
        assert!(
            !back.returned("11", 3),
            "another item at the same value is new"
        );
        let mut later = back;
        later.advance("12", 3);
        assert_eq!(later.seen.len(), 1);
        assert!(!later.returned("11", 1));
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
