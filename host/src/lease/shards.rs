//! Leases per shard: a stream trigger (`read-stream-changes` under `watch --lease-table`)
//! spread over replicas. The trigger's row is held by one replica until the trigger has a
//! base to split from (its first poll, or the end of its snapshot); that checkpoint marks
//! the row `split` and releases it. From then on each shard of the stream has its own row
//! (`TRIGGER#SHARD`), and each replica:
//!
//! - reads the rows of the shards the last poll listed (one `BatchGetItem`);
//! - takes free or expired leases of the shards that may be read (not finished; the parent
//!   finished or no longer listed) up to its share, the shards over the live replicas
//!   rounded up; when it holds fewer than that and none is free, it claims one lease of the
//!   replica holding the most (`claim`): that replica hands it over at its next cycle, after
//!   its delivery and checkpoint, so that no two replicas ever deliver one shard at once;
//! - polls its own shards (the `shards` input) from the merge of the base and the
//!   checkpoints of its shards and of their parents (a JSON array of cursors, which the
//!   connector reads as one);
//! - after the delivery, checkpoints each of its shards' rows (fenced, as every lease), with
//!   `done` once the shard is finished, and releases a finished shard's lease.

use super::{holder, Decision, Lease, LeaseTable, Turn};
use crate::error::{ErrorKind, StepError};
use crate::trigger::Polled;
use crate::Host;
use serde_json::{json, Value};
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
pub(crate) fn plan(view: &View, observed: &mut HashMap<String, super::Observed>) -> Plan {
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
        match super::decide(current, view.me, seen, view.now, view.duration) {
            Decision::Wait => *owners.entry(current.map_or("", |h| h.0)).or_default() += 1,
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

/// One stream trigger's leases, as one replica holds them.
pub struct ShardLeases {
    /// The trigger's own row, held until the trigger is split.
    trigger: Lease,
    key: String,
    /// The cursor the shards were split from, once they were.
    base: Option<Value>,
    shards: BTreeMap<String, Lease>,
    observed: HashMap<String, super::Observed>,
    /// The stream's shards as the last poll listed them.
    listing: Vec<Listed>,
}

impl ShardLeases {
    /// The leases of the trigger whose row is `key`.
    pub fn new(key: String) -> ShardLeases {
        ShardLeases {
            trigger: Lease::new(key.clone()),
            key,
            base: None,
            shards: BTreeMap::new(),
            observed: HashMap::new(),
            listing: Vec::new(),
        }
    }

    /// Whether this replica may poll now: from which state, reading which shards (`None`:
    /// the trigger as a whole, before it is split).
    pub fn begin(
        &mut self,
        table: &LeaseTable,
        host: &Host,
    ) -> Result<(Turn, Option<Value>), StepError> {
        if self.base.is_none() {
            let row = table.row(host, &self.key)?;
            if row["split"] != true {
                return Ok((self.trigger.acquire(table, host)?, None));
            }
            self.base = Some(state_of(&self.key, &row)?.unwrap_or(Value::Null));
        }
        let ids: Vec<String> = self.listing.iter().map(|s| self.row_key(&s.id)).collect();
        let rows: HashMap<String, Value> = table
            .rows(host, &ids)?
            .into_iter()
            .filter_map(|(key, row)| Some((key.split_once('#')?.1.to_string(), row)))
            .collect();
        for (id, lease) in &mut self.shards {
            if lease.held() && !lease.confirm(table, rows.get(id)) {
                tracing::warn!(shard = %id, "the shard's lease moved to another replica");
            }
        }
        let held = self.held_ids();
        let view = View {
            listing: &self.listing,
            rows: &rows,
            held: &held,
            me: table.worker(),
            now: Instant::now(),
            duration: table.duration(),
        };
        let plan = plan(&view, &mut self.observed);
        for id in &plan.release {
            self.lease(id).release(table, host);
        }
        for (id, decision) in &plan.take {
            let row = rows.get(id).cloned().unwrap_or(Value::Null);
            self.lease(id).take(table, host, &row, *decision)?;
        }
        if let Some((id, fence)) = &plan.claim {
            self.claim(table, host, id, *fence)?;
        }
        let state = self.merged(&rows)?;
        let shards: Vec<String> = self.held_ids();
        Ok((Turn::Held(Some(state)), Some(json!(shards))))
    }

    /// Keep a poll's state once its records were delivered: `false` when a lease was lost.
    pub fn save(
        &mut self,
        table: &LeaseTable,
        host: &Host,
        polled: &Polled,
    ) -> Result<bool, StepError> {
        if self.base.is_none() {
            let whole = polled.snapshot;
            let also = if whole {
                json!({})
            } else {
                json!({"split": true})
            };
            if !self.trigger.checkpoint(table, host, &polled.state, also)? {
                return Ok(false);
            }
            if !whole {
                self.trigger.release(table, host);
                self.base = Some(polled.state.clone());
                tracing::info!(lease = %self.key, "the trigger is split: leases per shard");
            }
            self.listing = listing(polled.shards.as_deref());
            return Ok(true);
        }
        self.listing = listing(polled.shards.as_deref());
        let mut kept = true;
        for (id, lease) in &mut self.shards {
            let finished = self.listing.iter().any(|s| &s.id == id && s.finished);
            let moved = lease.state() != Some(&polled.state);
            if lease.held() && (moved || finished || lease.renewal_due(table)) {
                let also = json!({"done": finished});
                kept &= lease.checkpoint(table, host, &polled.state, also)?;
                if finished {
                    lease.release(table, host);
                }
            }
        }
        Ok(kept)
    }

    /// Give every held lease up (a clean stop).
    pub fn release(&mut self, table: &LeaseTable, host: &Host) {
        self.trigger.release(table, host);
        for lease in self.shards.values_mut() {
            lease.release(table, host);
        }
    }

    /// How many leases this replica holds.
    pub fn held(&self) -> usize {
        usize::from(self.trigger.held()) + self.shards.values().filter(|l| l.held()).count()
    }

    /// How many shards the last poll listed.
    pub fn tracked(&self) -> usize {
        self.listing.len()
    }

    fn held_ids(&self) -> Vec<String> {
        let held = self.shards.iter().filter(|(_, l)| l.held());
        held.map(|(id, _)| id.clone()).collect()
    }

    fn row_key(&self, shard: &str) -> String {
        format!("{}#{shard}", self.key)
    }

    fn lease(&mut self, id: &str) -> &mut Lease {
        let key = self.row_key(id);
        self.shards
            .entry(id.to_string())
            .or_insert_with(|| Lease::new(key))
    }

    /// Ask the holder of `id`'s lease (at `fence`) to hand it over.
    fn claim(
        &mut self,
        table: &LeaseTable,
        host: &Host,
        id: &str,
        fence: u64,
    ) -> Result<(), StepError> {
        let write = json!({"hash-key-value": self.row_key(id), "key-schema": super::key_schema(),
            "update": {"set": {"claim": table.worker()}},
            "condition": {"and": [{"attr": "fence", "eq": fence},
                                  {"attr": "claim", "not-exists": true}]}});
        match table.run(host, "update-item", write) {
            Ok(_) => {
                tracing::info!(shard = %id, "claimed a lease of a busier replica");
                Ok(())
            }
            Err(e) if e.kind == "conditional-check-failed" => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The state to poll from: the base, and the checkpoints of the held shards and of
    /// their parents, as one JSON array of cursors.
    fn merged(&self, rows: &HashMap<String, Value>) -> Result<Value, StepError> {
        let mut cursors = vec![self.base.clone().unwrap_or(Value::Null)];
        for id in self.held_ids() {
            let parent = self.listing.iter().find(|s| s.id == id);
            let parent = parent.and_then(|s| s.parent.clone());
            for id in std::iter::once(id).chain(parent) {
                let state = rows.get(&id).map(|r| state_of(&self.key, r)).transpose()?;
                cursors.extend(state.flatten());
            }
        }
        cursors.retain(|c| !c.is_null());
        Ok(match cursors.len() {
            0 => Value::Null,
            1 => cursors.remove(0),
            _ => Value::from(Value::from(cursors).to_string()),
        })
    }
}

/// The state a row holds (its `state` member, JSON text), `None` before its first
/// checkpoint.
fn state_of(key: &str, row: &Value) -> Result<Option<Value>, StepError> {
    let state = row["state"].as_str().map(serde_json::from_str).transpose();
    state.map_err(|e| {
        StepError::new(
            ErrorKind::Host,
            format!("the lease row of {key} holds no state this runner wrote: {e}"),
        )
    })
}

/// The shards a poll listed (its trigger's `shards-output`).
fn listing(shards: Option<&[Value]>) -> Vec<Listed> {
    let shards = shards.unwrap_or_default().iter();
    shards
        .filter_map(|s| {
            Some(Listed {
                id: s["ShardId"].as_str()?.to_string(),
                parent: s["ParentShardId"].as_str().map(str::to_string),
                finished: s["Finished"] == true,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
