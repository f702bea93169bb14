//! A query's key condition as plain JSON: the hash key's equality and at most one range-key
//! comparison; and its filter, which may not read the key attributes.

use super::condition::{Comparator, Condition, Leaf, Test};
use super::Operand;
use crate::error::{Error, Result};

/// Check a key condition: the hash key's equality, and at most one range-key comparison
/// (`eq`, `lt`, `lte`, `gt`, `gte`, `between`, `begins-with`), all against values. Returns
/// the key attributes it names.
pub fn check_key_condition(condition: &Condition) -> Result<Vec<&str>> {
    let leaves: Vec<&Leaf> = match condition {
        Condition::Leaf(leaf) => vec![leaf],
        Condition::And(children) if children.len() <= 2 => children
            .iter()
            .enumerate()
            .map(|(i, c)| match c {
                Condition::Leaf(leaf) => Ok(leaf),
                _ => Err(Error::invalid(
                    format!("key-condition.and[{i}]"),
                    "must be a leaf: a key condition is the hash key's eq and one range-key comparison",
                )),
            })
            .collect::<Result<_>>()?,
        _ => {
            return Err(Error::invalid(
                "key-condition",
                "must be the hash key's eq, or {\"and\": [the hash key's eq, one range-key comparison]}",
            ))
        }
    };
    let hash = leaves.iter().position(|l| is_hash_leaf(l)).ok_or_else(|| {
        Error::invalid(
            &leaves[0].at,
            "a key condition needs the hash key compared with eq to a value",
        )
    })?;
    for (_, leaf) in leaves.iter().enumerate().filter(|(i, _)| *i != hash) {
        check_range_leaf(leaf)?;
    }
    Ok(leaves.iter().map(|l| l.subject.top()).collect())
}

fn is_hash_leaf(leaf: &Leaf) -> bool {
    let top_level = leaf.subject.0.len() == 1 && !leaf.size;
    top_level && matches!(leaf.test, Test::Compare(Comparator::Eq, Operand::Value(_)))
}

fn check_range_leaf(leaf: &Leaf) -> Result<()> {
    let values_only = |o: &Operand| matches!(o, Operand::Value(_));
    let allowed = match &leaf.test {
        Test::Compare(Comparator::Ne, _) => false,
        Test::Compare(_, o) | Test::BeginsWith(o) => values_only(o),
        Test::Between(a, b) => values_only(a) && values_only(b),
        _ => false,
    };
    if allowed && !leaf.size && leaf.subject.0.len() == 1 {
        return Ok(());
    }
    Err(Error::invalid(
        &leaf.at,
        "a range-key comparison is one of eq, lt, lte, gt, gte, between, begins-with, of a top-level attribute with values",
    ))
}

/// `invalid-input` naming the first leaf of a query's filter that reads one of `keys`
/// (`DynamoDB` refuses key attributes in a query's filter: they belong in the key condition).
pub fn refuse_keys(filter: &Condition, keys: &[&str]) -> Result<()> {
    for leaf in filter.leaves() {
        if let Some(path) = leaf.paths().into_iter().find(|p| keys.contains(&p.top())) {
            return Err(Error::invalid(
                &leaf.at,
                format!(
                    "reads the key attribute {:?}: a query's filter cannot, put it in key-condition",
                    path.top()
                ),
            ));
        }
    }
    Ok(())
}
