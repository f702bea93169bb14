//! Instances kept between the steps of one connection: keyed by the thread that ran them
//! and a keyed hash of the connection, capped in steps, idle time, memory and count (the
//! least recently used goes first).

use crate::instance::Warm;
use crate::options::Reuse;
use crate::pool::lock;
use crate::step::Step;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::thread::ThreadId;

/// A connection's keyed hash.
pub(crate) type ConnectionKey = [u8; 32];

/// The instances kept for reuse.
pub(crate) struct Kept {
    caps: Reuse,
    /// By the thread that ran them (each thread drives its own I/O) and the connection.
    instances: Mutex<HashMap<(ThreadId, ConnectionKey), Warm>>,
    /// The key of the connection hash: random per host (from the operating system), so
    /// hashes are not comparable across processes and cannot be precomputed.
    salt: [u8; 32],
}

impl Kept {
    /// No instances yet, kept within `caps`.
    pub(crate) fn new(caps: Reuse) -> Result<Kept, getrandom::Error> {
        let mut salt = [0u8; 32];
        getrandom::fill(&mut salt)?;
        Ok(Kept {
            caps,
            instances: Mutex::default(),
            salt,
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

    /// The instance kept for this thread and connection, if it may run another step.
    pub(crate) fn take(&self, key: ConnectionKey) -> Option<Warm> {
        let warm = lock(&self.instances).remove(&(std::thread::current().id(), key))?;
        let usable =
            warm.steps < self.caps.max_steps && warm.last_used.elapsed() <= self.caps.max_idle;
        usable.then_some(warm)
    }

    /// Keep `warm` for the next step of its connection on this thread, unless a cap says
    /// no; at most `max_instances` are kept (the least recently used goes).
    pub(crate) fn keep(&self, key: ConnectionKey, warm: Warm) {
        if warm.steps >= self.caps.max_steps || warm.memory_bytes() > self.caps.max_memory_bytes {
            return;
        }
        let mut kept = lock(&self.instances);
        kept.retain(|_, w| w.last_used.elapsed() <= self.caps.max_idle);
        while kept.len() >= self.caps.max_instances {
            let oldest = kept
                .iter()
                .min_by_key(|(_, w)| w.last_used)
                .map(|(k, _)| *k);
            match oldest {
                Some(oldest) => kept.remove(&oldest),
                None => break,
            };
        }
        kept.insert((std::thread::current().id(), key), warm);
    }
}
