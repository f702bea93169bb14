//! The plan of one cycle of a replica holding shard leases: which leases to take (free
//! or expired, up to its share), which to claim from the busiest replica, which to hand
//! over (claimed by another) or give up (finished). Pure, so tested against a fake clock.

use crate::lease::{decide, holder, Decision, Observed};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

/// One shard as the last poll listed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Listed {
    pub id: String,
    pub parent: Option<String>,
    pub finished: bool,
}

/// What a replica does in one cycle.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Plan {
    /// Leases to take, as decided.
    pub take: Vec<(String, Decision)>,
    /// A lease to claim from its busiest holder: the shard and the fence it has.
    pub claim: Option<(String, u64)>,
    /// Held leases to hand over (claimed by another) or give up (finished).
    pub release: Vec<String>,
    /// A row under this worker's id moved while this replica did not hold it: another
    /// replica runs with the same worker id.
    pub twin: bool,
}

/// The view of one cycle: the listing, the rows read, what this replica holds.
pub(crate) struct View<'a> {
    pub listing: &'a [Listed],
    pub rows: &'a HashMap<String, Value>,
    pub held: &'a [String],
    pub me: &'a str,
    pub now: Instant,
    pub duration: Duration,
}

/// The plan of one cycle, remembering in `observed` when each other holder's fence moved.
pub(crate) fn plan(view: &View, observed: &mut HashMap<String, Observed>) -> Plan {
    let row = |id: &str| view.rows.get(id);
    let finished = |id: &str| {
        view.listing.iter().any(|s| s.id == id && s.finished)
            || row(id).is_some_and(|r| r["done"] == true)
    };
    let listed = |id: &str| view.listing.iter().any(|s| s.id == id);
    let readable: Vec<&Listed> = view
        .listing
        .iter()
        .filter(|s| !finished(&s.id))
        .filter(|s| {
            s.parent
                .as_deref()
                .is_none_or(|p| finished(p) || !listed(p))
        })
        .collect();
    let mut plan = Plan::default();
    for id in view.held {
        let claimed = row(id).is_some_and(|r| r["claim"].as_str().is_some_and(|c| c != view.me));
        if finished(id) || claimed {
            plan.release.push(id.clone());
        }
    }
    let mut owners: BTreeMap<&str, usize> = BTreeMap::new();
    let mut free = Vec::new();
    for shard in &readable {
        if view.held.contains(&shard.id) {
            continue;
        }
        let seen = observed.entry(shard.id.clone()).or_default();
        let current = holder(row(&shard.id));
        match decide(current, view.me, seen, view.now, view.duration) {
            Decision::Wait => *owners.entry(current.map_or("", |h| h.0)).or_default() += 1,
            Decision::Twin => plan.twin = true,
            decision => free.push((shard.id.clone(), decision)),
        }
    }
    let keeping = view.held.len() - plan.release.len();
    let workers = owners.len() + 1;
    let share = readable.len().div_ceil(workers);
    let room = share.saturating_sub(keeping);
    plan.take = free.into_iter().take(room).collect();
    if room > plan.take.len() && plan.take.is_empty() {
        plan.claim = claimable(view, &readable, &owners, share);
    }
    plan
}

/// A lease of the replica holding the most, when it holds more than `share` and none of its
/// leases is claimed already.
fn claimable(
    view: &View,
    readable: &[&Listed],
    owners: &BTreeMap<&str, usize>,
    share: usize,
) -> Option<(String, u64)> {
    let (busiest, count) = owners.iter().max_by_key(|(_, n)| **n)?;
    if *count <= share {
        return None;
    }
    let theirs = readable.iter().filter_map(|s| {
        let row = view.rows.get(&s.id)?;
        (holder(Some(row))?.0 == *busiest).then_some((s, row))
    });
    let mut theirs = theirs.peekable();
    if theirs.clone().any(|(_, row)| row["claim"].is_string()) {
        return None;
    }
    let (listed, row) = theirs.next()?;
    Some((listed.id.clone(), row["fence"].as_u64()?))
}

#[cfg(test)]
mod tests;
