//! Replicas of one trigger (`watch --lease-table`): the trigger's state kept in a DynamoDB
//! table reached through the trigger's own connection, one row per trigger, held by one
//! replica at a time under a lease. A replica takes a free lease with a conditional write,
//! or a lease whose fence counter has not moved for the lease's duration (its holder died:
//! measured on the observer's own clock, as KCL does, so no two machines' clocks are
//! compared); it renews the lease with every checkpoint, each a conditional write that
//! moves the fence and succeeds only while the fence is still the one it wrote, so a
//! replica that lost its lease (paused past its expiry, cut off) can never write over the
//! new holder's state, and stops delivering at once.
//!
//! The row: `{"lease": TRIGGER, "owner": WORKER, "fence": N, "state": TEXT}` (the state as
//! JSON text; absent before the first checkpoint). The table's key is `lease` (S); it is
//! created (on demand) when absent and the credentials allow it.

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
    /// The default lease duration: 20 s (a replica renews at every poll).
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
    /// Take the row whose fence is this (free: its holder's fence stood still for the
    /// lease's duration, or the holder is this worker).
    TakeOver(u64),
    /// Another replica holds it: look again later.
    Wait,
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

/// Decide about the row `(owner, fence)` (`None`: no row) as `me`, at `now`, remembering in
/// `observed` when its fence last moved.
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
    if owner == me || owner.is_empty() {
        // Its own (a restart under the same id), or released by a holder that stopped.
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
        _ => {
            *observed = Some((fence, now));
            Decision::Wait
        }
    }
}

/// One trigger's lease, as one replica sees it.
pub struct Lease {
    options: LeaseOptions,
    /// The row's key: the trigger's id.
    key: String,
    connection: Value,
    region: Value,
    /// The fence this replica wrote last, while it holds the lease.
    held: Option<u64>,
    /// The state of the last checkpoint, while held.
    state: Option<Value>,
    /// When this replica last took or renewed the lease.
    renewed: Instant,
    observed: Observed,
}

/// The lease table's key schema, given to each item step so that none reads it first.
fn key_schema() -> Value {
    json!([{"AttributeName": "lease", "KeyType": "HASH", "AttributeType": "S"}])
}

impl Lease {
    /// The lease of the trigger `key` of `step` (its connection and region), its table
    /// checked (created when absent): an error naming `--worker-id` or `--lease-table`, the
    /// table and what is missing, before anything is delivered.
    pub fn new(
        host: &Host,
        step: &Value,
        key: String,
        options: LeaseOptions,
    ) -> Result<Lease, StepError> {
        let worker = &options.worker;
        if worker.is_empty() || worker.len() > 128 || worker.chars().any(char::is_control) {
            return Err(StepError::invalid(
                "--worker-id",
                "must be 1 to 128 characters without control characters",
            ));
        }
        let lease = Lease {
            options,
            key,
            connection: step["connection"].clone(),
            region: step["input"]["region"].clone(),
            held: None,
            state: None,
            renewed: Instant::now(),
            observed: None,
        };
        lease.ensure_table(host)?;
        Ok(lease)
    }

    fn run(&self, host: &Host, action: &str, mut input: Value) -> Result<Value, StepError> {
        input["region"] = self.region.clone();
        input["table-name"] = Value::from(self.options.table.as_str());
        host.run_step(&json!({"connection": self.connection, "action": action, "input": input}))
    }

    /// The lease table, checked for its key, or created (and waited for) when absent.
    fn ensure_table(&self, host: &Host) -> Result<(), StepError> {
        let table = &self.options.table;
        let described = match self.run(host, "describe-table", json!({})) {
            Ok(described) => described,
            Err(e) if e.kind == "resource-not-found" => {
                let create = json!({"attribute-definitions": [{"AttributeName": "lease", "AttributeType": "S"}],
                    "key-schema": [{"AttributeName": "lease", "KeyType": "HASH"}],
                    "billing-mode": "PAY_PER_REQUEST", "wait": true});
                let created = self.run(host, "create-table", create);
                if created.as_ref().is_err_and(|e| e.kind == "resource-in-use") {
                    // Another replica is creating it: wait for it to be active.
                    let wait = json!({"until": "ACTIVE"});
                    return self.run(host, "wait-for-table", wait).map(|_| ());
                }
                return created.map(|_| ()).map_err(|e| {
                    StepError::new(
                        e.kind,
                        format!(
                            "cannot create the lease table {table} ({}): create it with the \
                             key lease (S), or allow dynamodb:CreateTable",
                            e.message
                        ),
                    )
                });
            }
            Err(e) => {
                return Err(StepError::new(
                    e.kind,
                    format!(
                        "cannot read the lease table {table} ({}): the trigger's credentials \
                         need dynamodb:DescribeTable, GetItem, PutItem and UpdateItem on it",
                        e.message
                    ),
                ))
            }
        };
        let keys = &described["Table"]["KeySchema"];
        if *keys != json!([{"AttributeName": "lease", "KeyType": "HASH"}]) {
            return Err(StepError::invalid(
                "--lease-table",
                format!("table {table} is not a lease table: its key must be lease (S) alone"),
            ));
        }
        Ok(())
    }

    /// Whether this replica holds the lease (taking it when it is free), and the state to
    /// poll from when it does.
    pub fn acquire(&mut self, host: &Host) -> Result<Turn, StepError> {
        if let Some(fence) = self.held {
            // Past half its duration without a renewal (a long delivery, a pause), the
            // lease may be another's: look before delivering anything more.
            if self.renewed.elapsed() < self.options.duration / 2 || self.still_held(host, fence)? {
                return Ok(Turn::Held(self.state.clone()));
            }
            self.lost();
        }
        let item = self.row(host)?;
        let row = match &item {
            Value::Object(row) => Some((
                row.get("owner").and_then(Value::as_str).unwrap_or_default(),
                row.get("fence").and_then(Value::as_u64).unwrap_or_default(),
            )),
            _ => None,
        };
        let me = self.options.worker.clone();
        let decision = decide(
            row,
            &me,
            &mut self.observed,
            Instant::now(),
            self.options.duration,
        );
        let taken = match decision {
            Decision::Wait => return Ok(Turn::Waiting),
            Decision::TakeNew => self.run(
                host,
                "upsert-item",
                json!({"value": {"lease": self.key, "owner": me, "fence": 1},
                       "condition": {"attr": "lease", "not-exists": true}}),
            ),
            Decision::TakeOver(fence) => self.run(
                host,
                "update-item",
                json!({"hash-key-value": self.key, "key-schema": key_schema(),
                       "update": {"set": {"owner": me, "fence": fence + 1}},
                       "condition": {"attr": "fence", "eq": fence}}),
            ),
        };
        match taken {
            Ok(_) => {}
            Err(e) if e.kind == "conditional-check-failed" => return Ok(Turn::Waiting),
            Err(e) => return Err(e),
        }
        self.held = Some(match decision {
            Decision::TakeOver(fence) => fence + 1,
            _ => 1,
        });
        self.observed = None;
        self.renewed = Instant::now();
        let state = item["state"].as_str().map(serde_json::from_str).transpose();
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
        Ok(Turn::Held(self.state.clone()))
    }

    /// Write `state` as the trigger's checkpoint and renew the lease: `false` when the
    /// lease was lost (another replica holds it now; nothing was written).
    pub fn checkpoint(&mut self, host: &Host, state: &Value) -> Result<bool, StepError> {
        let Some(fence) = self.held else {
            return Ok(false);
        };
        let write = json!({"hash-key-value": self.key, "key-schema": key_schema(),
            "update": {"set": {"fence": fence + 1, "state": state.to_string()}},
            "condition": {"and": [{"attr": "owner", "eq": self.options.worker},
                                  {"attr": "fence", "eq": fence}]}});
        match self.run(host, "update-item", write) {
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

    /// The trigger's row as it is (a strongly consistent read; `null` when there is none).
    fn row(&self, host: &Host) -> Result<Value, StepError> {
        let read = json!({"hash-key-value": self.key, "key-schema": key_schema(),
                          "consistent-read": true});
        Ok(self.run(host, "get-item", read)?["Item"].take())
    }

    /// Whether the row still says this replica holds the lease with `fence`.
    fn still_held(&self, host: &Host, fence: u64) -> Result<bool, StepError> {
        let row = self.row(host)?;
        Ok(row["owner"] == self.options.worker.as_str() && row["fence"].as_u64() == Some(fence))
    }

    /// The lease is another's now: stop delivering, and wait.
    fn lost(&mut self) {
        tracing::warn!(lease = %self.key, "lost the lease: another replica holds it; \
            this replica stops delivering and waits");
        self.held = None;
        self.state = None;
    }

    /// Give the lease up (a watch that stops cleanly): another replica takes it at once
    /// rather than after the lease's duration. The state stays; nothing else changes.
    pub fn release(&mut self, host: &Host) {
        let Some(fence) = self.held.take() else {
            return;
        };
        let write = json!({"hash-key-value": self.key, "key-schema": key_schema(),
            "update": {"set": {"fence": fence + 1, "owner": ""}},
            "condition": {"and": [{"attr": "owner", "eq": self.options.worker},
                                  {"attr": "fence", "eq": fence}]}});
        match self.run(host, "update-item", write) {
            Ok(_) => tracing::info!(lease = %self.key, "released the lease"),
            Err(e) => tracing::warn!(lease = %self.key, "could not release the lease \
                (another replica takes it when it expires): {}", e.message),
        }
    }

    /// Whether this replica holds the lease now.
    pub fn held(&self) -> bool {
        self.held.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEASE: Duration = Duration::from_secs(20);

    #[test]
    fn a_missing_row_is_taken_and_ones_own_row_at_once() {
        let mut observed = None;
        let now = Instant::now();
        assert_eq!(
            decide(None, "a", &mut observed, now, LEASE),
            Decision::TakeNew
        );
        let own = decide(Some(("a", 7)), "a", &mut observed, now, LEASE);
        assert_eq!(own, Decision::TakeOver(7));
    }

    #[test]
    fn a_released_lease_is_taken_at_once() {
        let mut observed = None;
        let now = Instant::now();
        let released = decide(Some(("", 9)), "a", &mut observed, now, LEASE);
        assert_eq!(released, Decision::TakeOver(9));
    }

    #[test]
    fn anothers_lease_is_taken_only_once_its_fence_stood_still_for_the_duration() {
        let mut observed = None;
        let start = Instant::now();
        let at = |s: u64| start + Duration::from_secs(s);
        assert_eq!(
            decide(Some(("b", 3)), "a", &mut observed, at(0), LEASE),
            Decision::Wait
        );
        assert_eq!(
            decide(Some(("b", 3)), "a", &mut observed, at(19), LEASE),
            Decision::Wait
        );
        // The holder renewed: the clock starts again.
        assert_eq!(
            decide(Some(("b", 4)), "a", &mut observed, at(19), LEASE),
            Decision::Wait
        );
        assert_eq!(
            decide(Some(("b", 4)), "a", &mut observed, at(38), LEASE),
            Decision::Wait
        );
        assert_eq!(
            decide(Some(("b", 4)), "a", &mut observed, at(39), LEASE),
            Decision::TakeOver(4),
            "20 s without a renewal: the holder is gone"
        );
    }

    #[test]
    fn a_new_holder_is_watched_from_scratch() {
        let mut observed = None;
        let start = Instant::now();
        let at = |s: u64| start + Duration::from_secs(s);
        decide(Some(("b", 3)), "a", &mut observed, at(0), LEASE);
        assert_eq!(
            decide(Some(("c", 4)), "a", &mut observed, at(25), LEASE),
            Decision::Wait
        );
        assert_eq!(
            decide(Some(("c", 4)), "a", &mut observed, at(45), LEASE),
            Decision::TakeOver(4)
        );
    }
}
