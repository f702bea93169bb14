//! Auto-classification: which columns hold personal data, judged from sampled values (and,
//! for person names and dates of birth, from the attribute's name too). Each detector is a
//! strict check (a checksum where the format has one), so a column is tagged only when
//! most of its values pass. Values are never kept or returned: only counts.

use crate::catalog::columns::{share, Gather};
use crate::catalog::detect::{hint, kinds, text, Hint, Kind};
use crate::model::shape::Obj;
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

/// The least share of matching values, in percent, when none is given (`OpenMetadata`'s).
pub const DEFAULT_MIN_CONFIDENCE: u32 = 80;

/// What a column's values matched, kind by kind: counts for outputs, and the matching
/// texts themselves, kept only so that no output ever shows one of them
/// ([`Matches::flagged`]).
#[derive(Debug, Default)]
pub struct Matches {
    hint: Option<Hint>,
    /// Values that have a text (strings and numbers).
    texts: u64,
    counts: BTreeMap<Kind, u64>,
    flagged: HashSet<String>,
}

impl Gather for Matches {
    fn add(&mut self, path: &str, value: &AttributeValue) {
        let hint = *self.hint.get_or_insert_with(|| hint(path));
        if let Some(text) = text(value) {
            self.texts += 1;
            let mut any = false;
            for kind in kinds(hint, text) {
                *self.counts.entry(kind).or_default() += 1;
                any = true;
            }
            if any {
                self.flagged.insert(text.to_string());
            }
        }
    }
}

impl Matches {
    /// Whether any value looked like personal data, whatever the share.
    pub fn any(&self) -> bool {
        !self.counts.is_empty()
    }

    /// The texts of this column that looked like personal data.
    pub fn flagged(&self) -> &HashSet<String> {
        &self.flagged
    }

    /// `[{"Tag", "Kind", "Confidence", "Matches", "Reason"}]` for each kind matched by at
    /// least `min_confidence` (0 to 1) of the column's text values, most confident first.
    pub fn tags(&self, min_confidence: f64) -> Vec<Value> {
        let mut tagged: Vec<(Kind, u64)> = self
            .counts
            .iter()
            .map(|(k, n)| (*k, *n))
            .filter(|(_, n)| *n as f64 >= min_confidence * self.texts as f64)
            .collect();
        tagged.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        tagged
            .into_iter()
            .map(|(kind, n)| {
                Obj::new()
                    .set("Tag", kind.tag())
                    .set("Kind", kind.name())
                    .set("Confidence", share(n, self.texts))
                    .set("Matches", n)
                    .set(
                        "Reason",
                        format!("{n} of {} sampled values are {}", self.texts, kind.plural()),
                    )
                    .build()
            })
            .collect()
    }
}
