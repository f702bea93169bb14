//! Replicas of one trigger (`watch --lease-table`): the trigger's state kept in a DynamoDB
//! table reached through the trigger's own connection, in rows each held by one replica at
//! a time under a lease: one row per trigger, and for a stream one more per shard
//! ([`shards`]). A replica takes a free lease with a conditional write, or a lease whose
//! fence counter has not moved for the lease's duration (its holder died: measured on the
//! observer's own clock, as KCL does, so no two machines' clocks are compared); it renews
//! the lease with its checkpoints, each a conditional write that moves the fence and
//! succeeds only while the fence is still the one it wrote, so a replica that lost its
//! lease (paused past its expiry, cut off) can never write over the new holder's state, and
//! stops delivering at once.
//!
//! A row: `{"lease": KEY, "owner": WORKER, "fence": N, "state": TEXT}` (the state as JSON
//! text; absent before the first checkpoint; `owner` empty once released). The table's key
//! is `lease` (S); it is created (on demand) when absent and the credentials allow it.

pub mod shards;
mod table;

pub(crate) use table::key_schema;
pub use table::LeaseTable;

use crate::error::{ErrorKind, StepError};
use crate::Host;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// How a replica holds leases.
#[derive(Debug, Clone)]
pub struct LeaseOptions {
    /// The lease table's name.
    pub table: String,
    /// This replica's id: unique per replica (the default is the host name and the process
    /// id).
    pub worker: String,
    /// How long a lease whose fence does not move is held before another replica takes it.
    pub duration: Duration,
}

impl LeaseOptions {
    /// The default lease duration: 20 s (a replica renews it every third of that).
    pub const DEFAULT_DURATION: Duration = Duration::from_secs(20);

    /// The default worker id: the host name and the process id.
    pub fn default_worker() -> String {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "watch".into());
        format!("{host}-{}", std::process::id())
    }
}

/// What a replica does about a lease row it read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// No row: create it, held.
    TakeNew,
    /// Take the row whose fence is this (free: released, or its holder's fence stood still
    /// for the lease's duration — this worker's own row too, left by an earlier run).
    TakeOver(u64),
    /// Another replica holds it: look again later.
    Wait,
    /// A row under this worker's id whose fence moves while this replica does not hold
    /// it: another replica runs with the same `--worker-id`.
    Twin,
}

/// Whether a replica may deliver now.
#[derive(Debug, Clone, PartialEq)]
pub enum Turn {
    /// It holds the lease: poll from this state (`None`: the trigger's first poll).
    Held(Option<Value>),
    /// Another replica holds it: look again after the interval.
    Waiting,
}

/// The fence of another's lease and when this replica first saw it.
pub(crate) type Observed = Option<(u64, Instant)>;

/// Decide about the row `(owner, fence)` (`None`: no row), not held by this replica, as
/// `me`, at `now`, remembering in `observed` when its fence last moved.
pub(crate) fn decide(
    row: Option<(&str, u64)>,
    me: &str,
    observed: &mut Observed,
    now: Instant,
    duration: Duration,
) -> Decision {
    let Some((owner, fence)) = row else {
        return Decision::TakeNew;
    };
    if owner.is_empty() {
        // Released by a holder that stopped.
        return Decision::TakeOver(fence);
    }
    match *observed {
        Some((seen, since)) if seen == fence => {
            if now.duration_since(since) >= duration {
                Decision::TakeOver(fence)
            } else {
                Decision::Wait
            }
        }
        Some(_) if owner == me => Decision::Twin,
        _ => {
            *observed = Some((fence, now));
            Decision::Wait
        }
    }
}

/// The error of a [`Decision::Twin`].
pub(crate) fn twin(worker: &str) -> StepError {
    StepError::invalid(
        "--worker-id",
        format!(
            "another replica holds a lease of this trigger under the worker id {worker:?}: \
             give each replica its own (the default is the host name and the process id)"
        ),
    )
}

/// The `(owner, fence)` of a row read (`None`: no row).
pub(crate) fn holder(row: Option<&Value>) -> Option<(&str, u64)> {
    let row = row.filter(|r| r.is_object())?;
    Some((
        row["owner"].as_str().unwrap_or_default(),
        row["fence"].as_u64().unwrap_or_default(),
    ))
}

/// One row's lease, as one replica sees it.
pub struct Lease {
    /// The row's key: the trigger's id (and a shard's).
    key: String,
    /// The fence this replica wrote last, while it holds the lease.
    held: Option<u64>,
    /// The state of the last checkpoint, while held.
    state: Option<Value>,
    /// When this replica last took or renewed the lease.
    renewed: Instant,
    observed: Observed,
}

impl Lease {
    /// The lease of the row `key`, not held yet.
    pub fn new(key: String) -> Lease {
        Lease {
            key,
            held: None,
            state: None,
            renewed: Instant::now(),
            observed: None,
        }
    }

    /// Whether this replica holds the lease (taking it when it is free), and the state to
    /// poll from when it does.
    pub fn acquire(&mut self, table: &LeaseTable, host: &Host) -> Result<Turn, StepError> {
        if self.held.is_some() && self.still_held(table, host)? {
            return Ok(Turn::Held(self.state.clone()));
        }
        let row = table.row(host, &self.key)?;
        let decision = self.decide(table, Some(&row));
        Ok(if self.take(table, host, &row, decision)? {
            Turn::Held(self.state.clone())
        } else {
            Turn::Waiting
        })
    }

    /// Whether this replica still holds the lease: at once while its last renewal is less
    /// than half the lease old; past that (a long poll or delivery, a pause) the row is read
    /// first, and a lease found another's is lost.
    pub fn still_held(&mut self, table: &LeaseTable, host: &Host) -> Result<bool, StepError> {
        if self.held.is_none() {
            return Ok(false);
        }
        if self.renewed.elapsed() < table.duration() / 2 {
            return Ok(true);
        }
        let row = table.row(host, &self.key)?;
        Ok(self.confirm(table, Some(&row)))
    }

    /// What to do about this lease's `row` as read now.
    pub(crate) fn decide(&mut self, table: &LeaseTable, row: Option<&Value>) -> Decision {
        let now = Instant::now();
        decide(
            holder(row),
            table.worker(),
            &mut self.observed,
            now,
            table.duration(),
        )
    }

    /// Take the lease as `decision` says, from `row` as read (`null`: none): whether it is
    /// held now (a conditional write that another replica won is `false`).
    pub(crate) fn take(
        &mut self,
        table: &LeaseTable,
        host: &Host,
        row: &Value,
        decision: Decision,
    ) -> Result<bool, StepError> {
        let me = table.worker();
        let (taken, fence) = match decision {
            Decision::Wait => return Ok(false),
            Decision::Twin => return Err(twin(me)),
            Decision::TakeNew => (
                table.run(
                    host,
                    "upsert-item",
                    json!({"value": {"lease": self.key, "owner": me, "fence": 1},
                           "condition": {"attr": "lease", "not-exists": true}}),
                ),
                1,
            ),
            Decision::TakeOver(fence) => (
                table.run(
                    host,
                    "update-item",
                    json!({"hash-key-value": self.key, "key-schema": key_schema(),
                           "update": {"set": {"owner": me, "fence": fence + 1}, "remove": ["claim"]},
                           "condition": {"attr": "fence", "eq": fence}}),
                ),
                fence + 1,
            ),
        };
        match taken {
            Ok(_) => {}
            Err(e) if e.kind == "conditional-check-failed" => return Ok(false),
            Err(e) => return Err(e),
        }
        self.held = Some(fence);
        self.observed = None;
        self.renewed = Instant::now();
        let state = row["state"].as_str().map(serde_json::from_str).transpose();
        self.state = state.map_err(|e| {
            StepError::new(
                ErrorKind::Host,
                format!(
                    "the lease row of {} holds no state this runner wrote: {e}",
                    self.key
                ),
            )
        })?;
        tracing::info!(lease = %self.key, worker = %me, "took the lease");
        Ok(true)
    }

    /// Write `state` as the row's checkpoint (with the members of `also`) and renew the
    /// lease: `false` when the lease was lost (another replica holds it now; nothing was
    /// written).
    pub fn checkpoint(
        &mut self,
        table: &LeaseTable,
        host: &Host,
        state: &Value,
        also: Value,
    ) -> Result<bool, StepError> {
        let Some(fence) = self.held else {
            return Ok(false);
        };
        let mut set = json!({"fence": fence + 1, "state": state.to_string()});
        if let (Some(set), Value::Object(also)) = (set.as_object_mut(), also) {
            set.extend(also);
        }
        let write = json!({"hash-key-value": self.key, "key-schema": key_schema(),
            "update": {"set": set},
            "condition": {"and": [{"attr": "owner", "eq": table.worker()},
                                  {"attr": "fence", "eq": fence}]}});
        match table.run(host, "update-item", write) {
            Ok(_) => {
                self.held = Some(fence + 1);
                self.state = Some(state.clone());
                self.renewed = Instant::now();
                Ok(true)
            }
            Err(e) if e.kind == "conditional-check-failed" => {
                self.lost();
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// How long ago this replica last took or renewed the lease.
    pub fn renewed_ago(&self) -> Duration {
        self.renewed.elapsed()
    }

    /// Whether the lease is held and its last renewal is a third of its duration old.
    pub fn renewal_due(&self, table: &LeaseTable) -> bool {
        self.held.is_some() && self.renewed.elapsed() >= table.duration() / 3
    }

    /// Whether `row`, as read now, still says this replica holds the lease; when it does
    /// not, the lease is lost.
    pub(crate) fn confirm(&mut self, table: &LeaseTable, row: Option<&Value>) -> bool {
        let held = self
            .held
            .is_some_and(|fence| holder(row) == Some((table.worker(), fence)));
        if self.held.is_some() && !held {
            self.lost();
        }
        held
    }

    /// The lease is another's now: stop delivering, and wait.
    fn lost(&mut self) {
        tracing::warn!(lease = %self.key, "lost the lease: another replica holds it; \
            this replica stops delivering and waits");
        self.held = None;
        self.state = None;
    }

    /// Give the lease up (a watch that stops cleanly, a finished shard): another replica
    /// may take it at once rather than after the lease's duration. The state stays.
    pub fn release(&mut self, table: &LeaseTable, host: &Host) {
        let Some(fence) = self.held.take() else {
            return;
        };
        let write = json!({"hash-key-value": self.key, "key-schema": key_schema(),
            "update": {"set": {"fence": fence + 1, "owner": ""}},
            "condition": {"and": [{"attr": "owner", "eq": table.worker()},
                                  {"attr": "fence", "eq": fence}]}});
        match table.run(host, "update-item", write) {
            Ok(_) => tracing::info!(lease = %self.key, "released the lease"),
            Err(e) => tracing::warn!(lease = %self.key, "could not release the lease \
                (another replica takes it when it expires): {}", e.message),
        }
    }

    /// Whether this replica holds the lease now.
    pub fn held(&self) -> bool {
        self.held.is_some()
    }

    /// The state of the last checkpoint, while held.
    pub fn state(&self) -> Option<&Value> {
        self.state.as_ref()
    }
}

#[cfg(test)]
mod tests;
