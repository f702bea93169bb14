//! The catalog's view of sampled items: attribute paths and their types ([`columns`]),
//! column profiles ([`profile`]), personal-data detectors ([`detect`]) and classification ([`classify`]) and OpenMetadata's
//! shapes of them ([`openmetadata`]). Pure: the
//! catalog actions read the sample (`actions::catalog`) and hand its items here.

use crate::catalog::classify::Matches;
use crate::error::{Error, Result};
use std::collections::HashSet;

pub mod classify;
pub mod columns;
pub mod detect;
pub mod openmetadata;
pub mod profile;

/// Which sampled values a catalog output may show: none unless the input asks
/// (`show-values`), and even then none from a column where any value looked like personal
/// data, nor any text that looked like personal data in any column of the sample.
#[derive(Debug)]
pub struct Shown<'a> {
    enabled: bool,
    flagged: HashSet<&'a str>,
}

impl<'a> Shown<'a> {
    /// The gate of a sample whose columns matched `columns`.
    pub fn new(enabled: bool, columns: impl IntoIterator<Item = &'a Matches>) -> Shown<'a> {
        let flagged = columns
            .into_iter()
            .flat_map(|m| m.flagged().iter().map(String::as_str))
            .collect();
        Shown { enabled, flagged }
    }

    /// Whether a value of `column` whose text (a string's or a number's) is `text` may be
    /// shown.
    pub fn allows(&self, column: &Matches, text: Option<&str>) -> bool {
        self.enabled && !column.any() && text.is_none_or(|t| !self.flagged.contains(t.trim()))
    }
}

/// Default and largest `sample-size` of the catalog actions (1,000 as `OpenMetadata` samples).
pub const DEFAULT_SAMPLE: u32 = 1_000;
/// The largest `sample-size`.
pub const MAX_SAMPLE: u32 = 100_000;

/// Parallel segments a sample is read in when none are given.
pub const DEFAULT_SEGMENTS: u32 = 1;

/// `sample-size` and `segments` of a catalog action, checked.
pub fn sample_sizes(size: Option<u32>, segments: Option<u32>) -> Result<(usize, i32)> {
    let size = size.unwrap_or(DEFAULT_SAMPLE);
    if !(1..=MAX_SAMPLE).contains(&size) {
        return Err(Error::invalid(
            "sample-size",
            format!("must be from 1 to {MAX_SAMPLE}"),
        ));
    }
    let segments = segments.unwrap_or(DEFAULT_SEGMENTS);
    if !(1..=16).contains(&segments) {
        return Err(Error::invalid("segments", "must be from 1 to 16"));
    }
    // Both are in range here: up to 100,000 and 16.
    Ok((size as usize, segments.cast_signed()))
}
