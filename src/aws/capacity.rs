//! What the service reports about what a step consumed, summed over every request the step
//! sent (the pages of a query or scan, the batches of a batch action and their retries):
//!
//! - `ConsumedCapacity` (`return-consumed-capacity`: `none`, `total`, `indexes`), summed per
//!   table, and within a table per part (the table itself, each global and each local
//!   secondary index). A sum holds only what the service reported: a unit it never gave
//!   (`ReadCapacityUnits` of a write, an index it did not name) stays absent, never zero;
//!   and a step that did not ask (`none`, or no input) shows none, even from a server that
//!   reports capacity unasked (moto does, on batches).
//! - `ItemCollectionMetrics` (`return-item-collection-metrics`: `none`, `size`), the size
//!   of each item collection a write touched (tables with local secondary indexes), every
//!   one the service returned, per table, in the order they came.

use crate::error::{Error, Result};
use crate::model::shape::Obj;
use crate::model::{input, values};
use crate::wit::{CapacityDetail, CollectionMetrics};
use aws_sdk_dynamodb::types::{
    Capacity, ConsumedCapacity, ItemCollectionMetrics, ReturnConsumedCapacity,
    ReturnItemCollectionMetrics,
};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

/// The `ReturnConsumedCapacity` a `return-consumed-capacity` input asks for.
pub fn asked(given: Option<CapacityDetail>) -> Option<ReturnConsumedCapacity> {
    given.map(|detail| match detail {
        CapacityDetail::None => ReturnConsumedCapacity::None,
        CapacityDetail::Total => ReturnConsumedCapacity::Total,
        CapacityDetail::Indexes => ReturnConsumedCapacity::Indexes,
    })
}

/// The `ReturnConsumedCapacity` of an action that also takes it among its
/// `query-parameters` (as the reference's `Query` and `PartiQL` actions do): either one,
/// refused when both are given.
pub fn asked_once(
    given: Option<CapacityDetail>,
    params: &input::Params,
) -> Result<Option<ReturnConsumedCapacity>> {
    match (asked(given), params.consumed_capacity()?) {
        (Some(_), Some(_)) => Err(Error::invalid(
            "return-consumed-capacity",
            "is also given as query-parameters.ReturnConsumedCapacity: give one of them",
        )),
        (given, param) => Ok(given.or(param)),
    }
}

/// The `ReturnItemCollectionMetrics` a `return-item-collection-metrics` input asks for.
pub fn asked_metrics(given: Option<CollectionMetrics>) -> Option<ReturnItemCollectionMetrics> {
    given.map(|metrics| match metrics {
        CollectionMetrics::None => ReturnItemCollectionMetrics::None,
        CollectionMetrics::Size => ReturnItemCollectionMetrics::Size,
    })
}

/// Capacity units of one part: in all, of reads and of writes, each when reported.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Units {
    total: Option<f64>,
    read: Option<f64>,
    write: Option<f64>,
}

/// `a + b`, absent only when both are.
fn plus(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (None, None) => None,
        _ => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
    }
}

impl Units {
    fn of(capacity: &Capacity) -> Units {
        Units {
            total: capacity.capacity_units(),
            read: capacity.read_capacity_units(),
            write: capacity.write_capacity_units(),
        }
    }

    fn add(&mut self, other: Units) {
        self.total = plus(self.total, other.total);
        self.read = plus(self.read, other.read);
        self.write = plus(self.write, other.write);
    }

    /// `CapacityUnits`, `ReadCapacityUnits` and `WriteCapacityUnits` into `obj`.
    fn render(self, obj: Obj) -> Obj {
        obj.opt("CapacityUnits", self.total)
            .opt("ReadCapacityUnits", self.read)
            .opt("WriteCapacityUnits", self.write)
    }
}

/// One table's sum: the whole, the table itself and each index.
#[derive(Debug, Default)]
struct TableSum {
    whole: Units,
    table: Option<Units>,
    global: BTreeMap<String, Units>,
    local: BTreeMap<String, Units>,
}

/// Add each index's units of `reported` into `into`.
fn add_indexes(into: &mut BTreeMap<String, Units>, reported: Option<&HashMap<String, Capacity>>) {
    for (name, capacity) in reported.into_iter().flatten() {
        into.entry(name.clone())
            .or_default()
            .add(Units::of(capacity));
    }
}

/// `{index name: units}`, absent when empty.
fn render_indexes(indexes: &BTreeMap<String, Units>) -> Option<Value> {
    if indexes.is_empty() {
        return None;
    }
    let rendered = indexes
        .iter()
        .map(|(name, units)| (name.clone(), units.render(Obj::new()).build()));
    Some(Value::Object(rendered.collect::<Map<_, _>>()))
}

impl TableSum {
    fn render(&self, name: &str) -> Value {
        let obj = Obj::new().opt("TableName", (!name.is_empty()).then_some(name));
        self.whole
            .render(obj)
            .opt("Table", self.table.map(|t| t.render(Obj::new()).build()))
            .opt("GlobalSecondaryIndexes", render_indexes(&self.global))
            .opt("LocalSecondaryIndexes", render_indexes(&self.local))
            .build()
    }
}

/// `ConsumedCapacity` summed per table across the answers of a step. The default tally
/// keeps nothing ([`Tally::asked`] makes one that keeps what a request asked for).
#[derive(Debug, Default)]
pub struct Tally {
    wanted: bool,
    tables: BTreeMap<String, TableSum>,
}

impl Tally {
    /// A tally for requests that ask `asked`: it keeps what the answers report when that
    /// is `TOTAL` or `INDEXES`, and nothing otherwise.
    pub fn asked(asked: Option<&ReturnConsumedCapacity>) -> Tally {
        Tally {
            wanted: asked.is_some_and(|a| *a != ReturnConsumedCapacity::None),
            tables: BTreeMap::new(),
        }
    }

    /// Add what one answer reported (nothing when it reported nothing, or when the step
    /// did not ask).
    pub fn add(&mut self, consumed: Option<&ConsumedCapacity>) {
        let Some(consumed) = consumed.filter(|_| self.wanted) else {
            return;
        };
        let name = consumed.table_name().unwrap_or_default().to_string();
        let sum = self.tables.entry(name).or_default();
        sum.whole.add(Units {
            total: consumed.capacity_units(),
            read: consumed.read_capacity_units(),
            write: consumed.write_capacity_units(),
        });
        if let Some(table) = consumed.table() {
            sum.table.get_or_insert_default().add(Units::of(table));
        }
        add_indexes(&mut sum.global, consumed.global_secondary_indexes());
        add_indexes(&mut sum.local, consumed.local_secondary_indexes());
    }

    /// Add another tally's sums (another segment's, say); what it kept is kept.
    pub fn absorb(&mut self, other: Tally) {
        self.wanted |= other.wanted;
        for (name, theirs) in other.tables {
            let ours = self.tables.entry(name).or_default();
            ours.whole.add(theirs.whole);
            if let Some(table) = theirs.table {
                ours.table.get_or_insert_default().add(table);
            }
            for (into, from) in [
                (&mut ours.global, theirs.global),
                (&mut ours.local, theirs.local),
            ] {
                for (index, units) in from {
                    into.entry(index).or_default().add(units);
                }
            }
        }
    }

    /// Add what one answer reported for each table (a batch or a transaction).
    pub fn add_each(&mut self, consumed: &[ConsumedCapacity]) {
        for one in consumed {
            self.add(Some(one));
        }
    }

    /// The sum as one `ConsumedCapacity` object (the action reads or writes one table),
    /// absent when the service reported nothing.
    pub fn one(&self) -> Option<Value> {
        let (name, sum) = self.tables.iter().next()?;
        Some(sum.render(name))
    }

    /// The sums as a list of `ConsumedCapacity`, one per table in name order (a batch or a
    /// transaction), absent when the service reported nothing.
    pub fn each(&self) -> Option<Value> {
        if self.tables.is_empty() {
            return None;
        }
        let each = self.tables.iter().map(|(name, sum)| sum.render(name));
        Some(Value::Array(each.collect()))
    }
}

/// The `ConsumedCapacity` of a one-request step that asked `asked`, as the output shows it
/// (as a sum would).
pub fn single(
    asked: Option<&ReturnConsumedCapacity>,
    consumed: Option<&ConsumedCapacity>,
) -> Option<Value> {
    let mut tally = Tally::asked(asked);
    tally.add(consumed);
    tally.one()
}

/// The `ConsumedCapacity` list of a one-request step over several tables (a transaction),
/// summed per table as a step of many requests would be.
pub fn each(
    asked: Option<&ReturnConsumedCapacity>,
    consumed: &[ConsumedCapacity],
) -> Option<Value> {
    let mut tally = Tally::asked(asked);
    tally.add_each(consumed);
    tally.each()
}

/// The `ItemCollectionMetrics` of a one-request step over several tables.
pub fn collections<S: BuildHasher>(
    reported: Option<&HashMap<String, Vec<ItemCollectionMetrics>, S>>,
) -> Option<Value> {
    let mut collections = Collections::default();
    collections.add(reported);
    collections.json()
}

/// One `ItemCollectionMetrics` as JSON: the collection's key in plain JSON and its size
/// estimate in GB (the service's lower and upper bound).
pub fn metrics_json(metrics: &ItemCollectionMetrics) -> Value {
    Obj::new()
        .opt(
            "ItemCollectionKey",
            metrics
                .item_collection_key
                .as_ref()
                .map(values::item_to_json_plain),
        )
        .opt(
            "SizeEstimateRangeGB",
            metrics.size_estimate_range_gb.clone(),
        )
        .build()
}

/// The `ItemCollectionMetrics` of a step's answers, per table in the order they came.
#[derive(Debug, Default)]
pub struct Collections {
    tables: BTreeMap<String, Vec<Value>>,
}

impl Collections {
    /// Add one answer's metrics (table → its collections; nothing when absent).
    pub fn add<S: BuildHasher>(
        &mut self,
        reported: Option<&HashMap<String, Vec<ItemCollectionMetrics>, S>>,
    ) {
        for (table, list) in reported.into_iter().flatten() {
            let into = self.tables.entry(table.clone()).or_default();
            into.extend(list.iter().map(metrics_json));
        }
    }

    /// `{table: [metrics]}`, absent when the service reported none.
    pub fn json(&self) -> Option<Value> {
        let tables = self.tables.iter().filter(|(_, list)| !list.is_empty());
        let tables: Map<String, Value> = tables
            .map(|(table, list)| (table.clone(), Value::Array(list.clone())))
            .collect();
        (!tables.is_empty()).then_some(Value::Object(tables))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn capacity(total: f64) -> Capacity {
        Capacity::builder().capacity_units(total).build()
    }

    fn page(table: &str, total: f64, index: Option<(&str, f64)>) -> ConsumedCapacity {
        let mut consumed = ConsumedCapacity::builder()
            .table_name(table)
            .capacity_units(total)
            .table(capacity(total - index.map_or(0.0, |i| i.1)));
        if let Some((name, units)) = index {
            consumed = consumed.global_secondary_indexes(name, capacity(units));
        }
        consumed.build()
    }

    fn total() -> Tally {
        Tally::asked(Some(&ReturnConsumedCapacity::Total))
    }

    #[test]
    fn pages_sum_per_table_and_index_with_no_unit_invented() {
        let mut tally = total();
        tally.add(Some(&page("orders", 1.5, None)));
        tally.add(Some(&page("orders", 2.5, Some(("by-customer", 1.0)))));
        tally.add(None);
        assert_eq!(
            tally.one(),
            Some(json!({
                "TableName": "orders",
                "CapacityUnits": 4.0,
                "Table": {"CapacityUnits": 3.0},
                "GlobalSecondaryIndexes": {"by-customer": {"CapacityUnits": 1.0}},
            }))
        );
    }

    #[test]
    fn nothing_reported_or_asked_is_absent_not_zero() {
        let mut tally = total();
        tally.add(None);
        tally.add_each(&[]);
        assert_eq!((tally.one(), tally.each()), (None, None));
        for asked in [None, Some(&ReturnConsumedCapacity::None)] {
            let mut unasked = Tally::asked(asked);
            unasked.add(Some(&page("t", 1.0, None)));
            assert_eq!(unasked.one(), None, "reported unasked, not shown");
        }
        assert_eq!(Collections::default().json(), None);
    }

    #[test]
    fn reads_and_writes_stay_apart() {
        let mut tally = total();
        let read = ConsumedCapacity::builder()
            .table_name("t")
            .read_capacity_units(2.0)
            .build();
        let write = ConsumedCapacity::builder()
            .table_name("t")
            .write_capacity_units(1.0)
            .build();
        tally.add_each(&[read, write]);
        assert_eq!(
            tally.each(),
            Some(json!([{"TableName": "t", "ReadCapacityUnits": 2.0, "WriteCapacityUnits": 1.0}]))
        );
    }

    #[test]
    fn collections_keep_every_metric_in_order() {
        let metric = |id: &str, high: f64| {
            ItemCollectionMetrics::builder()
                .item_collection_key("pk", aws_sdk_dynamodb::types::AttributeValue::S(id.into()))
                .size_estimate_range_gb(0.0)
                .size_estimate_range_gb(high)
                .build()
        };
        let mut collections = Collections::default();
        collections.add(Some(&HashMap::from([("t".into(), vec![metric("a", 1.0)])])));
        collections.add(Some(&HashMap::from([("t".into(), vec![metric("b", 2.0)])])));
        assert_eq!(
            collections.json(),
            Some(json!({"t": [
                {"ItemCollectionKey": {"pk": "a"}, "SizeEstimateRangeGB": [0.0, 1.0]},
                {"ItemCollectionKey": {"pk": "b"}, "SizeEstimateRangeGB": [0.0, 2.0]},
            ]}))
        );
    }

    proptest! {
        /// Capacity units come in halves (and small multiples): any such answers, in any
        /// order over any tables, sum to exactly what each table's answers add up to.
        #[test]
        fn every_table_sums_exactly_what_its_answers_reported(
            answers in proptest::collection::vec((0..3usize, 0..4000u32), 0..200)
        ) {
            let mut tally = total();
            let mut expected = [0.0f64; 3];
            for (table, halves) in &answers {
                let units = f64::from(*halves) / 2.0;
                expected[*table] += units;
                tally.add(Some(&page(&format!("t{table}"), units, None)));
            }
            let each = tally.each().unwrap_or(json!([]));
            for (table, sum) in expected.iter().enumerate() {
                let name = format!("t{table}");
                let reported = answers.iter().any(|(t, _)| *t == table);
                let found = each.as_array().into_iter().flatten()
                    .find(|c| c["TableName"] == name.as_str());
                prop_assert_eq!(found.is_some(), reported);
                if let Some(found) = found {
                    prop_assert_eq!(found["CapacityUnits"].as_f64(), Some(*sum));
                }
            }
        }
    }
}
