//! Instances kept between the steps of one connection: keyed by a keyed hash of the
//! connection (whichever thread runs its next step takes one: a taken instance is out of the
//! list, so it runs one step at a time; a connection whose steps run several at once keeps
//! several), capped in steps, idle time, memory (each, and all together) and count (the
//! least recently used goes first). And, for many more connections than instances, the
//! state each connection's last instance handed over (`save`), by the same key, within a
//! byte budget: a fresh instance of that connection gets it back, no other ever does.

use crate::instance::Instance;
use crate::options::Reuse;
use crate::pool::lock;
use crate::step::Step;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// A connection's keyed hash.
pub(crate) type ConnectionKey = [u8; 32];

/// The instances kept for reuse.
pub(crate) struct Kept {
    caps: Reuse,
    /// With their connection's key, at most `max_instances` (a short list). A kept
    /// instance holds no I/O of its own between steps (each step gives it that step's
    /// outbound connections), so any thread may run it next.
    instances: Mutex<Vec<(ConnectionKey, Instance)>>,
    /// Kept state by connection, with when it was last kept or used.
    states: Mutex<States>,
    /// The key of the connection hash: random per host (from the operating system), so
    /// hashes are not comparable across processes and cannot be precomputed.
    salt: [u8; 32],
    /// The role fetches under way and the answers still serving, by the same key.
    pub(crate) flights: std::sync::Arc<crate::flight::Flights>,
}

impl Kept {
    /// No instances yet, kept within `caps`.
    pub(crate) fn new(caps: Reuse) -> Result<Kept, getrandom::Error> {
        let mut salt = [0u8; 32];
        getrandom::fill(&mut salt)?;
        Ok(Kept {
            caps,
            instances: Mutex::default(),
            states: Mutex::default(),
            salt,
            flights: std::sync::Arc::default(),
        })
    }

    /// The key of the step's connection, when instances are reused at all.
    pub(crate) fn key(&self, step: &Step) -> Option<ConnectionKey> {
        self.caps.enabled.then(|| self.connection_key(step))
    }

    /// SHA-256 of the salt and the connection's fields in name order.
    fn connection_key(&self, step: &Step) -> ConnectionKey {
        let mut hash = Sha256::new();
        hash.update(self.salt);
        for field in step.connection_fields() {
            hash.update(serde_json::to_vec(&field).unwrap_or_default());
        }
        hash.finalize().into()
    }

    /// How many instances are kept now.
    pub(crate) fn len(&self) -> usize {
        lock(&self.instances).len()
    }

    /// The most instances kept at once.
    pub(crate) fn max_instances(&self) -> usize {
        self.caps.kept_slots()
    }

    /// The most recently used instance kept for this connection, if it may run another
    /// step.
    pub(crate) fn take(&self, key: ConnectionKey) -> Option<Instance> {
        let mut kept = lock(&self.instances);
        let index = kept.iter().rposition(|(k, _)| *k == key)?;
        let (_, warm) = kept.remove(index);
        drop(kept);
        let usable =
            warm.steps < self.caps.max_steps && warm.last_used.elapsed() <= self.caps.max_idle;
        usable.then_some(warm)
    }

    /// Drop the least recently used kept instance (freeing its slot); whether there was one.
    pub(crate) fn evict_oldest(&self) -> bool {
        remove_oldest(&mut lock(&self.instances))
    }

    /// Keep `warm` for the next step of its connection, unless a cap says no; at most
    /// `max_instances` are kept (the least recently used goes).
    pub(crate) fn keep(&self, key: ConnectionKey, warm: Instance) {
        if warm.steps >= self.caps.max_steps || warm.memory_bytes() > self.caps.max_memory_bytes {
            return;
        }
        let mut kept = lock(&self.instances);
        kept.retain(|(_, w)| w.last_used.elapsed() <= self.caps.max_idle);
        while kept.len() >= self.caps.max_instances && remove_oldest(&mut kept) {}
        let budget = self.caps.max_kept_memory_bytes;
        let held = |kept: &Vec<(ConnectionKey, Instance)>| -> usize {
            kept.iter().map(|(_, w)| w.memory_bytes()).sum()
        };
        while held(&kept) + warm.memory_bytes() > budget && remove_oldest(&mut kept) {}
        if warm.memory_bytes() <= budget {
            kept.push((key, warm));
        }
    }

    /// The state kept for this connection, if any.
    pub(crate) fn state(&self, key: ConnectionKey) -> Option<Vec<u8>> {
        let mut states = lock(&self.states);
        let (state, used) = states.by_key.get_mut(&key)?;
        *used = Instant::now();
        Some(state.clone())
    }

    /// Keep `state` for this connection (replacing what it had), within the byte budget:
    /// the least recently used states go first; a state larger than the budget is not kept.
    pub(crate) fn keep_state(&self, key: ConnectionKey, state: Vec<u8>) {
        let mut states = lock(&self.states);
        states.remove(&key);
        if state.len() > self.caps.max_state_bytes {
            return;
        }
        while states.bytes + state.len() > self.caps.max_state_bytes && states.remove_oldest() {}
        states.bytes += state.len();
        states.by_key.insert(key, (state, Instant::now()));
    }

    /// How many connections have kept state, and its bytes.
    pub(crate) fn states(&self) -> (usize, usize) {
        let states = lock(&self.states);
        (states.by_key.len(), states.bytes)
    }
}

/// Kept state by connection key, and its bytes in all.
#[derive(Default)]
struct States {
    by_key: HashMap<ConnectionKey, (Vec<u8>, Instant)>,
    bytes: usize,
}

impl States {
    /// Drop the state of `key`, if any.
    fn remove(&mut self, key: &ConnectionKey) {
        if let Some((state, _)) = self.by_key.remove(key) {
            self.bytes -= state.len();
        }
    }

    /// Drop the least recently used state; whether there was one.
    fn remove_oldest(&mut self) -> bool {
        let oldest = self.by_key.iter().min_by_key(|(_, (_, used))| *used);
        let Some(key) = oldest.map(|(key, _)| *key) else {
            return false;
        };
        self.remove(&key);
        true
    }
}

/// Drop the least recently used of `kept`; whether there was one.
fn remove_oldest(kept: &mut Vec<(ConnectionKey, Instance)>) -> bool {
    let oldest = kept
        .iter()
        .enumerate()
        .min_by_key(|(_, (_, w))| w.last_used)
        .map(|(i, _)| i);
    oldest.map(|i| kept.remove(i)).is_some()
}
