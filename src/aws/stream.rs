//! Reading a stream's changes after a cursor ([`read`]), over any [`Source`] of shards and
//! records: `DynamoDB` Streams ([`Streams`]) in the component, a simulated stream in the
//! unit tests (lineages the local servers cannot produce).
//!
//! The rules: a shard is read only once its parent is finished (or no longer listed), so
//! the changes of one item come out in order across splits; new shards are found on every
//! poll (the caller lists them); a closed shard is finished once a read reaches its end; an
//! open shard is left when a read comes back empty (caught up). A resume point the stream
//! has trimmed (`TrimmedDataAccessException`), a shard that vanished before it was finished
//! (`ResourceNotFoundException`, or no longer listed) and an expired iterator never stop
//! the reader: the first two are reported as gaps, the last is replaced once from the
//! cursor. Work is bounded by a number of records and a deadline.

use crate::error::{Error, Kind, Result};
use crate::model::stream_cursor::{Cursor, Position};
use crate::model::stream_record::{self, Record};
use crate::model::values::ItemFormat;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::Instant;

pub mod snapshot;
mod streams;

pub use streams::Streams;

/// Most records one `GetRecords` returns.
const PAGE_LIMIT: usize = 1000;

/// How often one poll opens a new iterator of a shard after an expired iterator or a
/// trimmed position, before it gives up (the step fails: the stream misbehaves).
const MAX_REOPEN: u32 = 2;

/// One shard as the stream lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shard {
    /// Its id.
    pub id: String,
    /// The shard it was split from, if any.
    pub parent: Option<String>,
    /// Whether it is closed (it has an ending sequence number): no record is added to it.
    pub closed: bool,
}

/// Where a shard iterator starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum From<'a> {
    /// At the oldest record the shard holds.
    TrimHorizon,
    /// After the record with this sequence number.
    After(&'a str),
}

/// Why a read of a shard failed.
#[derive(Debug)]
pub enum Fault {
    /// The position lies before the oldest record the shard still holds.
    Trimmed,
    /// The iterator expired.
    Expired,
    /// The shard (or stream) no longer exists.
    Gone,
    /// Any other failure: the step fails with it.
    Failed(Error),
}

/// One page of records, and the iterator of the next (`None`: the shard ends here).
#[derive(Debug)]
pub struct Page {
    /// The records, in order.
    pub records: Vec<Record>,
    /// The iterator of the next page; `None` once a closed shard is read to its end.
    pub next: Option<String>,
}

/// Shards and records of one stream.
#[allow(async_fn_in_trait)]
pub trait Source {
    /// An iterator of `shard` starting `from`.
    async fn iterator(&self, shard: &str, from: From<'_>) -> std::result::Result<String, Fault>;
    /// Up to `limit` records of `shard` from `iterator`.
    async fn records(
        &self,
        shard: &str,
        iterator: &str,
        limit: usize,
    ) -> std::result::Result<Page, Fault>;
}

/// How much one poll may do and what it returns.
#[derive(Debug, Clone)]
pub struct Budget {
    /// Most records to return.
    pub records: usize,
    /// Stop reading at this instant.
    pub until: Instant,
    /// Only these events (`None`: all).
    pub events: Option<HashSet<String>>,
    /// Only these shards (`None`: all): a runner that spreads a stream's shards over
    /// replicas reads each replica's own; the cursor keeps the others as they were.
    pub shards: Option<HashSet<String>>,
}

/// What a gap is: records the stream lost before they were read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// The shard (for `stream-replaced`, the old stream's ARN).
    pub shard: String,
    /// `trimmed` (older than 24 hours, deleted before they were read), `shard-gone` (the
    /// shard no longer exists, unfinished) or `stream-replaced` (the table's stream was
    /// turned off and on: the old stream's unread records are not read).
    pub reason: &'static str,
    /// The last sequence number returned from the shard before the gap, if any.
    pub after: Option<String>,
}

impl Gap {
    /// The gap as the output shows it.
    pub fn shown(&self) -> Value {
        let at = if self.reason == "stream-replaced" {
            "StreamArn"
        } else {
            "ShardId"
        };
        json!({at: self.shard, "Reason": self.reason, "AfterSequenceNumber": self.after})
    }
}

/// What one poll read.
#[derive(Debug)]
pub struct Read {
    /// The records, in order per shard, parents before children.
    pub records: Vec<Record>,
    /// The cursor after them.
    pub cursor: Cursor,
    /// Whether records may be waiting now (a budget ran out before every shard was caught
    /// up).
    pub more: bool,
    /// What the stream lost before it was read.
    pub gaps: Vec<Gap>,
}

/// Read the changes of `shards` (the stream's listing, oldest first) after `cursor`.
pub async fn read(
    source: &impl Source,
    shards: &[Shard],
    cursor: Cursor,
    budget: &Budget,
) -> Result<Read> {
    let mut read = Read {
        records: Vec::new(),
        cursor,
        more: false,
        gaps: Vec::new(),
    };
    forget_unlisted(&mut read, shards, budget.shards.as_ref());
    let mut left: HashSet<&str> = shards
        .iter()
        .map(|s| s.id.as_str())
        .filter(|id| budget.shards.as_ref().is_none_or(|only| only.contains(*id)))
        .collect();
    while let Some(shard) = next_readable(shards, &left, &read.cursor) {
        left.remove(shard.id.as_str());
        if read.records.len() >= budget.records || Instant::now() >= budget.until {
            read.more = true;
            break;
        }
        read_shard(source, shard, &mut read, budget).await?;
    }
    Ok(read)
}

/// Drop the shards the stream no longer lists; an unfinished one is a gap (reported for the
/// shards read, `only`, so that replicas reading other shards do not report it too).
fn forget_unlisted(read: &mut Read, shards: &[Shard], only: Option<&HashSet<String>>) {
    let listed: HashSet<&str> = shards.iter().map(|s| s.id.as_str()).collect();
    let gone: Vec<String> = read
        .cursor
        .shards
        .keys()
        .filter(|id| !listed.contains(id.as_str()))
        .cloned()
        .collect();
    for id in gone {
        let removed = read.cursor.shards.remove(&id);
        if let (Some(Position::After(seq)), true) = (removed, only.is_none_or(|o| o.contains(&id)))
        {
            read.gaps.push(Gap {
                shard: id,
                reason: "shard-gone",
                after: Some(seq),
            });
        }
    }
}

/// The first shard not yet visited, not finished, whose parent is finished or unlisted.
fn next_readable<'s>(
    shards: &'s [Shard],
    left: &HashSet<&str>,
    cursor: &Cursor,
) -> Option<&'s Shard> {
    let finished = |id: &str| cursor.shards.get(id) == Some(&Position::Done);
    let listed = |id: &str| shards.iter().any(|s| s.id == id);
    shards.iter().find(|s| {
        left.contains(s.id.as_str())
            && !finished(&s.id)
            && s.parent
                .as_deref()
                .is_none_or(|p| finished(p) || !listed(p))
    })
}

/// Read one shard from its cursor position until it is caught up, finished or a budget
/// runs out (then `more`). An expired iterator or a trimmed position opens a new iterator
/// (at most [`MAX_REOPEN`] times), so no iterator loops forever.
async fn read_shard(
    source: &impl Source,
    shard: &Shard,
    read: &mut Read,
    budget: &Budget,
) -> Result<()> {
    let mut reopened = 0;
    let Some(mut iterator) = open(source, shard, read).await? else {
        return Ok(());
    };
    loop {
        let wanted = (budget.records - read.records.len()).clamp(1, PAGE_LIMIT);
        let page = match source.records(&shard.id, &iterator, wanted).await {
            Ok(page) => page,
            Err(Fault::Gone) => {
                gone::<()>(read, shard);
                return Ok(());
            }
            Err(Fault::Failed(error)) => return Err(error),
            Err(fault) if reopened == MAX_REOPEN => return Err(failed(shard, fault)),
            Err(fault) => {
                reopened += 1;
                if matches!(fault, Fault::Trimmed) {
                    trimmed(read, shard);
                }
                match open(source, shard, read).await? {
                    Some(fresh) => iterator = fresh,
                    None => return Ok(()),
                }
                continue;
            }
        };
        let empty = page.records.is_empty();
        take(read, shard, page.records, budget);
        match page.next {
            None => {
                read.cursor.shards.insert(shard.id.clone(), Position::Done);
                return Ok(());
            }
            Some(_) if empty && !shard.closed => return Ok(()),
            Some(next) => iterator = next,
        }
        if read.records.len() >= budget.records || Instant::now() >= budget.until {
            read.more = true;
            return Ok(());
        }
    }
}

/// Keep the records the budget asks for and move the shard's position past every one.
fn take(read: &mut Read, shard: &Shard, records: Vec<Record>, budget: &Budget) {
    for record in records {
        read.cursor
            .shards
            .insert(shard.id.clone(), Position::After(record.sequence.clone()));
        let wanted = budget
            .events
            .as_ref()
            .is_none_or(|e| e.contains(&record.event));
        let recent = match (read.cursor.since, record.created) {
            (Some(since), Some(created)) => created >= since,
            _ => true,
        };
        if wanted && recent {
            read.records.push(record);
        }
    }
}

/// An iterator of `shard` at its cursor position; a trimmed position is a gap and the
/// shard is read from its oldest record; a vanished shard is a gap and `None`.
async fn open(source: &impl Source, shard: &Shard, read: &mut Read) -> Result<Option<String>> {
    let after = match read.cursor.shards.get(&shard.id) {
        Some(Position::After(seq)) => Some(seq.clone()),
        _ => None,
    };
    let from = after.as_deref().map_or(From::TrimHorizon, From::After);
    match source.iterator(&shard.id, from).await {
        Ok(iterator) => Ok(Some(iterator)),
        Err(Fault::Trimmed) if after.is_some() => {
            trimmed(read, shard);
            match source.iterator(&shard.id, From::TrimHorizon).await {
                Ok(iterator) => Ok(Some(iterator)),
                Err(Fault::Gone) => Ok(gone(read, shard)),
                Err(fault) => Err(failed(shard, fault)),
            }
        }
        Err(Fault::Gone) => Ok(gone(read, shard)),
        Err(fault) => Err(failed(shard, fault)),
    }
}

/// Record a trimmed range of `shard` and forget its position (read it from its oldest
/// record).
fn trimmed(read: &mut Read, shard: &Shard) {
    let after = match read.cursor.shards.remove(&shard.id) {
        Some(Position::After(seq)) => Some(seq),
        _ => None,
    };
    read.gaps.push(Gap {
        shard: shard.id.clone(),
        reason: "trimmed",
        after,
    });
}

/// Record that `shard` vanished: a gap, and the shard is finished.
fn gone<T>(read: &mut Read, shard: &Shard) -> Option<T> {
    let after = match read.cursor.shards.insert(shard.id.clone(), Position::Done) {
        Some(Position::After(seq)) => Some(seq),
        _ => None,
    };
    read.gaps.push(Gap {
        shard: shard.id.clone(),
        reason: "shard-gone",
        after,
    });
    None
}

fn failed(shard: &Shard, fault: Fault) -> Error {
    match fault {
        Fault::Failed(error) => error,
        other => Error::new(Kind::Service, format!("shard {}: {other:?}", shard.id)),
    }
}

#[cfg(test)]
mod tests;
