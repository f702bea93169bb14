//! Leases per shard: a stream trigger (`read-stream-changes` under `watch --lease-table`)
//! spread over replicas. The trigger's row is held by one replica until the trigger has a
//! base to split from (its first poll, or the end of its snapshot); that checkpoint marks
//! the row `split` and releases it. From then on each shard of the stream has its own row
//! (`TRIGGER#SHARD`), and each replica:
//!
//! - reads the rows of the shards the last poll listed (one `BatchGetItem`), every third of
//!   the lease, and at once when the listing changed or a lease was lost;
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

mod plan;

use super::{Lease, LeaseTable, Turn};
use crate::error::{ErrorKind, StepError};
use crate::trigger::Polled;
use crate::Host;
pub(crate) use plan::{plan, Listed, View};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

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
    /// The shard rows as last read, by shard id, and when: they are read again every third
    /// of the lease, or at once when the listing changed.
    rows: HashMap<String, Value>,
    read_at: Option<Instant>,
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
            rows: HashMap::new(),
            read_at: None,
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
        if self
            .read_at
            .is_none_or(|at| at.elapsed() >= table.duration() / 3)
        {
            self.rebalance(table, host)?;
        }
        let state = self.merged()?;
        let shards: Vec<String> = self.held_ids();
        Ok((Turn::Held(Some(state)), Some(json!(shards))))
    }

    /// Read the shard rows, confirm the held leases, and take, claim and hand over leases as
    /// the plan of this cycle says.
    fn rebalance(&mut self, table: &LeaseTable, host: &Host) -> Result<(), StepError> {
        let ids: Vec<String> = self.listing.iter().map(|s| self.row_key(&s.id)).collect();
        self.rows = table
            .rows(host, &ids)?
            .into_iter()
            .filter_map(|(key, row)| Some((key.split_once('#')?.1.to_string(), row)))
            .collect();
        self.read_at = Some(Instant::now());
        for (id, lease) in &mut self.shards {
            if lease.held() && !lease.confirm(table, self.rows.get(id)) {
                tracing::warn!(shard = %id, "the shard's lease moved to another replica");
            }
        }
        let held = self.held_ids();
        let view = View {
            listing: &self.listing,
            rows: &self.rows,
            held: &held,
            me: table.worker(),
            now: Instant::now(),
            duration: table.duration(),
        };
        let plan = plan(&view, &mut self.observed);
        if plan.twin {
            return Err(super::twin(table.worker()));
        }
        for id in &plan.release {
            self.lease(id).release(table, host);
        }
        for (id, decision) in &plan.take {
            let row = self.rows.get(id).cloned().unwrap_or(Value::Null);
            self.lease(id).take(table, host, &row, *decision)?;
        }
        if let Some((id, fence)) = &plan.claim {
            self.claim(table, host, id, *fence)?;
        }
        Ok(())
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
        let listed = listing(polled.shards.as_deref());
        if listed != self.listing {
            self.read_at = None;
            self.listing = listed;
        }
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
        if !kept {
            self.read_at = None;
        }
        Ok(kept)
    }

    /// Whether this replica still holds every lease it polled under (checked after a poll,
    /// before its records are delivered): at once while each was renewed or read less than
    /// half the lease ago; past that (a long poll, a pause) the held rows are read, and a
    /// lease found another's is lost (`false`: deliver nothing of this poll).
    pub fn still_held(&mut self, table: &LeaseTable, host: &Host) -> Result<bool, StepError> {
        if self.base.is_none() {
            return self.trigger.still_held(table, host);
        }
        let half = table.duration() / 2;
        let read = self.read_at.map_or(half, |at| at.elapsed());
        let held: Vec<String> = self.held_ids();
        let stale = held
            .iter()
            .any(|id| self.shards[id].renewed_ago().min(read) >= half);
        if !stale {
            return Ok(true);
        }
        let keys: Vec<String> = held.iter().map(|id| self.row_key(id)).collect();
        let rows = table.rows(host, &keys)?;
        let mut kept = true;
        for id in held {
            let row = rows.get(&self.row_key(&id));
            kept &= self.lease(&id).confirm(table, row);
        }
        if !kept {
            self.read_at = None;
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

    /// Whether the next cycle plans again (the trigger was split, or the listing changed,
    /// since the rows were read).
    pub fn replanning(&self) -> bool {
        self.base.is_some() && self.read_at.is_none()
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

    /// The state to poll from: the base, the last checkpoints of the held shards and the
    /// checkpoints of their parents as last read, as one JSON array of cursors.
    fn merged(&self) -> Result<Value, StepError> {
        let mut cursors = vec![self.base.clone().unwrap_or(Value::Null)];
        for (id, lease) in self.shards.iter().filter(|(_, l)| l.held()) {
            cursors.extend(lease.state().cloned());
            let parent = self.listing.iter().find(|s| &s.id == id);
            if let Some(parent) = parent.and_then(|s| self.rows.get(s.parent.as_ref()?)) {
                cursors.extend(state_of(&self.key, parent)?);
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
