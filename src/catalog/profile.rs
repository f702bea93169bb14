//! The data profile of one column, gathered over sampled values: counts by type, nulls,
//! distinct values (exact over the sample), numbers (mean and standard deviation in `f64`
//! unless a value of the column looks like personal data; min and max exact to every
//! digit, where [`Shown`] allows), string and binary lengths, booleans, and the sizes of
//! sets, lists and maps.

use crate::catalog::classify::Matches;
use crate::catalog::columns::{share, Column, Gather};
use crate::catalog::Shown;
use crate::model::shape::Obj;
use crate::model::{number, values};
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};

/// Min, max, count and mean of lengths or sizes.
#[derive(Debug, Default)]
struct Lengths {
    count: u64,
    min: u64,
    max: u64,
    total: u64,
}

impl Lengths {
    fn add(&mut self, length: usize) {
        let length = length as u64;
        if self.count == 0 || length < self.min {
            self.min = length;
        }
        self.max = self.max.max(length);
        self.count += 1;
        self.total += length;
    }

    fn output(&self, what: &str) -> Option<Value> {
        (self.count > 0).then(|| {
            Obj::new()
                .set("Count", self.count)
                .set(&format!("Min{what}"), self.min)
                .set(&format!("Max{what}"), self.max)
                .set(&format!("Mean{what}"), mean(self.total as f64, self.count))
                .build()
        })
    }
}

fn mean(total: f64, count: u64) -> f64 {
    (total / count as f64 * 1e6).round() / 1e6
}

/// Numbers: exact min and max (their stored text), mean and variance by Welford's method.
#[derive(Debug, Default)]
struct Numbers {
    count: u64,
    min: Option<String>,
    max: Option<String>,
    mean: f64,
    m2: f64,
}

impl Numbers {
    fn add(&mut self, text: &str) {
        if self
            .min
            .as_deref()
            .is_none_or(|m| number::compare(text, m) == Ordering::Less)
        {
            self.min = Some(text.to_string());
        }
        if self
            .max
            .as_deref()
            .is_none_or(|m| number::compare(text, m) == Ordering::Greater)
        {
            self.max = Some(text.to_string());
        }
        let x: f64 = text.parse().unwrap_or(f64::NAN);
        self.count += 1;
        let delta = x - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// Whether the numbers differ (the mean of one value, or of equal ones, is that value:
    /// a column of one phone number stored as a number would print it as its mean).
    fn varied(&self) -> bool {
        matches!((&self.min, &self.max), (Some(min), Some(max)) if number::compare(min, max) != Ordering::Equal)
    }

    /// The numbers' profile; their min and max only when `extremes` allows each, their
    /// mean and standard deviation only when `statistics` (the mean of one value, or of
    /// equal ones, is that value).
    fn output(&self, extremes: impl Fn(&str) -> bool, statistics: bool) -> Option<Value> {
        let (min, max) = (self.min.as_deref()?, self.max.as_deref()?);
        let stddev = (self.m2 / self.count as f64).sqrt();
        let shown = extremes(min) && extremes(max);
        Some(
            Obj::new()
                .set("Count", self.count)
                .opt("Min", shown.then(|| number::to_json(min)))
                .opt("Max", shown.then(|| number::to_json(max)))
                .opt("Mean", statistics.then(|| finite(self.mean)))
                .opt("StdDev", statistics.then(|| finite(stddev)))
                .build(),
        )
    }
}

/// A finite `f64` as a JSON number; infinities and NaN (beyond `f64`'s range) as null.
fn finite(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// Everything gathered about one column.
#[derive(Debug, Default)]
pub struct Profile {
    types: BTreeMap<&'static str, u64>,
    nulls: u64,
    distinct: HashSet<String>,
    numbers: Numbers,
    strings: Lengths,
    binaries: Lengths,
    sizes: Lengths,
    trues: u64,
    falses: u64,
    /// What looked like personal data, which keeps the extremes from being shown.
    pub matches: Matches,
}

impl Profile {
    /// The values' type codes and how many of each.
    pub fn types(&self) -> &BTreeMap<&'static str, u64> {
        &self.types
    }
}

impl Gather for Profile {
    fn add(&mut self, path: &str, value: &AttributeValue) {
        self.matches.add(path, value);
        *self
            .types
            .entry(values::TypeCode::of(value).as_str())
            .or_default() += 1;
        self.distinct.insert(distinct_key(value));
        match value {
            AttributeValue::N(n) => self.numbers.add(n),
            AttributeValue::S(s) => self.strings.add(s.chars().count()),
            AttributeValue::B(b) => self.binaries.add(b.as_ref().len()),
            AttributeValue::Bool(true) => self.trues += 1,
            AttributeValue::Bool(false) => self.falses += 1,
            AttributeValue::Null(_) => self.nulls += 1,
            AttributeValue::Ss(s) | AttributeValue::Ns(s) => self.sizes.add(s.len()),
            AttributeValue::Bs(s) => self.sizes.add(s.len()),
            AttributeValue::L(l) => self.sizes.add(l.len()),
            AttributeValue::M(m) => self.sizes.add(m.len()),
            _ => {}
        }
    }
}

/// One text per distinct value: numbers by their canonical form (`1` = `1.0`), sets in
/// sorted order, everything else by its typed JSON.
fn distinct_key(value: &AttributeValue) -> String {
    match value {
        AttributeValue::N(n) => format!("N{:?}", number::canonical(n)),
        AttributeValue::Ns(set) => {
            let mut numbers: Vec<_> = set.iter().map(|n| number::canonical(n)).collect();
            numbers.sort();
            format!("NS{numbers:?}")
        }
        AttributeValue::Ss(set) => {
            let mut strings = set.clone();
            strings.sort();
            format!("SS{strings:?}")
        }
        other => values::to_json_typed(other).to_string(),
    }
}

/// The profile of the column at `path`, of a sample of `sampled` items; values only where
/// `shown` allows.
pub fn output(path: &str, column: &Column<Profile>, sampled: u64, shown: &Shown) -> Value {
    let p = &column.gathered;
    let booleans = (p.trues + p.falses > 0).then(|| {
        Obj::new()
            .set("True", p.trues)
            .set("False", p.falses)
            .build()
    });
    Obj::new()
        .set("Path", path)
        .set("Items", column.items)
        .set("Values", column.values)
        .set("Missing", share(sampled - column.items, sampled))
        .set("Nulls", p.nulls)
        .set("Distinct", p.distinct.len())
        .set("Types", serde_json::to_value(&p.types).unwrap_or_default())
        .opt(
            "Number",
            p.numbers.output(
                |n| shown.allows(&p.matches, Some(n)),
                !p.matches.any() && p.numbers.varied(),
            ),
        )
        .opt("String", p.strings.output("Length"))
        .opt("Binary", p.binaries.output("Length"))
        .opt("Boolean", booleans)
        .opt("Size", p.sizes.output("Size"))
        .build()
}

/// The profile of the top-level column `name` as OpenMetadata's `ColumnProfile` taken at
/// `timestamp` (ms): an item without the attribute counts as a null, as OpenMetadata's
/// `DataFrame` makes it; number extremes only where `shown` allows, statistics only where
/// nothing looked like personal data; string lengths.
pub fn openmetadata(
    name: &str,
    column: &Column<Profile>,
    sampled: u64,
    shown: &Shown,
    timestamp: u64,
) -> Value {
    let p = &column.gathered;
    let nulls = p.nulls + (sampled - column.items);
    let present = column.values - p.nulls;
    let distinct = p.distinct.len() as u64 - u64::from(p.nulls > 0);
    let numbers = &p.numbers;
    let statistics = numbers.count > 0 && !p.matches.any() && numbers.varied();
    let extremes = numbers
        .min
        .as_deref()
        .zip(numbers.max.as_deref())
        .filter(|(min, max)| {
            shown.allows(&p.matches, Some(min)) && shown.allows(&p.matches, Some(max))
        });
    let stddev = (numbers.m2 / numbers.count.max(1) as f64).sqrt();
    let lengths = (p.strings.count > 0).then_some(&p.strings);
    Obj::new()
        .set("name", name)
        .set("timestamp", timestamp)
        .set("valuesCount", present)
        .set("nullCount", nulls)
        .set("nullProportion", share(nulls, sampled))
        .set("distinctCount", distinct)
        .set("distinctProportion", share(distinct, present))
        .opt("min", extremes.map(|(min, _)| number::to_json(min)))
        .opt("max", extremes.map(|(_, max)| number::to_json(max)))
        .opt("mean", statistics.then(|| finite(numbers.mean)))
        .opt(
            "sum",
            statistics.then(|| finite(numbers.mean * numbers.count as f64)),
        )
        .opt("stddev", statistics.then(|| finite(stddev)))
        .opt("minLength", lengths.map(|l| l.min))
        .opt("maxLength", lengths.map(|l| l.max))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::columns::Columns;

    #[test]
    fn numbers_keep_every_digit_of_min_and_max() {
        let big = "99999999999999999999999999999999999999";
        let items: Vec<_> = [
            "1.5",
            big,
            "-12345678901234567890123456789012345678",
            "1.50",
        ]
        .iter()
        .map(|n| {
            std::collections::HashMap::from([("n".to_string(), AttributeValue::N(n.to_string()))])
        })
        .collect();
        let columns = Columns::<Profile>::of(&items);
        let shown = Shown::new(true, columns.columns.values().map(|c| &c.gathered.matches));
        let out = output("n", &columns.columns["n"], 4, &shown);
        assert_eq!(out["Number"]["Max"].to_string(), big);
        assert_eq!(
            out["Number"]["Min"].to_string(),
            "-12345678901234567890123456789012345678"
        );
        assert_eq!(out["Distinct"], 3, "1.5 and 1.50 are one value");
        assert_eq!(out["Missing"], 0.0);
    }

    #[test]
    fn a_column_of_one_repeated_number_has_no_mean_that_would_print_it() {
        let profile = |numbers: &[&str]| {
            let items: Vec<_> = numbers
                .iter()
                .map(|n| {
                    std::collections::HashMap::from([(
                        "contact".to_string(),
                        AttributeValue::N((*n).to_string()),
                    )])
                })
                .collect();
            let columns = Columns::<Profile>::of(&items);
            let shown = Shown::new(false, columns.columns.values().map(|c| &c.gathered.matches));
            let column = &columns.columns["contact"];
            let sampled = items.len() as u64;
            (
                output("contact", column, sampled, &shown),
                openmetadata("contact", column, sampled, &shown, 0),
            )
        };
        let (ours, theirs) = profile(&["4155550123", "4155550123.0"]);
        let text = format!("{ours}{theirs}");
        assert!(!text.contains("4155550123"), "{text}");
        let (ours, theirs) = profile(&["3", "5"]);
        assert_eq!(ours["Number"]["Mean"], 4.0);
        assert_eq!(theirs["mean"], 4.0);
    }
}
