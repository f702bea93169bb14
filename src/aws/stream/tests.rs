//! The reader over simulated streams: lineages, trims, vanished shards and expired
//! iterators that the local servers cannot produce (moto has one shard that never closes).

use super::*;
use std::cell::{Cell, RefCell};
use std::time::Duration;

/// One simulated shard: its records (sequence numbers), whether it is closed, the oldest
/// sequence number it still holds, and whether it vanished.
#[derive(Clone)]
struct SimShard {
    id: &'static str,
    parent: Option<&'static str>,
    closed: bool,
    records: Vec<u64>,
    trim_below: u64,
    gone: bool,
}

fn shard(
    id: &'static str,
    parent: Option<&'static str>,
    closed: bool,
    records: &[u64],
) -> SimShard {
    SimShard {
        id,
        parent,
        closed,
        records: records.to_vec(),
        trim_below: 0,
        gone: false,
    }
}

/// A stream of simulated shards; `expire` makes the next `records` call fail as expired.
struct Sim {
    shards: RefCell<Vec<SimShard>>,
    expire: Cell<bool>,
}

impl Sim {
    /// The shard `id`, as it is now.
    fn shard(&self, id: &str) -> Option<SimShard> {
        self.shards.borrow().iter().find(|s| s.id == id).cloned()
    }

    fn new(shards: Vec<SimShard>) -> Sim {
        Sim {
            shards: RefCell::new(shards),
            expire: Cell::new(false),
        }
    }

    fn listing(&self) -> Vec<Shard> {
        self.shards
            .borrow()
            .iter()
            .filter(|s| !s.gone)
            .map(|s| Shard {
                id: s.id.to_string(),
                parent: s.parent.map(str::to_string),
                closed: s.closed,
            })
            .collect()
    }

    fn with<T>(&self, id: &str, f: impl FnOnce(&mut SimShard) -> T) -> T {
        let mut shards = self.shards.borrow_mut();
        f(shards
            .iter_mut()
            .find(|s| s.id == id)
            .expect("a simulated shard"))
    }
}

impl Source for Sim {
    async fn iterator(&self, shard: &str, from: From<'_>) -> std::result::Result<String, Fault> {
        let s = self.shard(shard).ok_or(Fault::Gone)?;
        if s.gone {
            return Err(Fault::Gone);
        }
        let next = match from {
            From::TrimHorizon => s.trim_below,
            From::After(seq) => {
                let seq: u64 = seq.parse().unwrap();
                if seq + 1 < s.trim_below {
                    return Err(Fault::Trimmed);
                }
                seq + 1
            }
        };
        Ok(format!("{shard}|{next}"))
    }

    async fn records(
        &self,
        shard: &str,
        iterator: &str,
        limit: usize,
    ) -> std::result::Result<Page, Fault> {
        if self.expire.replace(false) {
            return Err(Fault::Expired);
        }
        let next: u64 = iterator.split('|').nth(1).unwrap().parse().unwrap();
        let s = self.shard(shard).unwrap();
        let records: Vec<u64> = s
            .records
            .iter()
            .copied()
            .filter(|r| *r >= next)
            .take(limit)
            .collect();
        let after = records.last().map_or(next, |r| r + 1);
        let end = s.closed && !s.records.iter().any(|r| *r >= after);
        Ok(Page {
            records: records
                .iter()
                .map(|r| Record {
                    sequence: r.to_string(),
                    event: "INSERT".into(),
                    created: None,
                    shown: json!({"ShardId": shard, "SequenceNumber": r.to_string()}),
                })
                .collect(),
            next: (!end).then(|| format!("{shard}|{after}")),
        })
    }
}

fn run<T>(f: impl std::future::Future<Output = T>) -> T {
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    let mut f = std::pin::pin!(f);
    loop {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

fn budget(records: usize) -> Budget {
    Budget {
        records,
        until: Instant::now() + Duration::from_mins(1),
        events: None,
        shards: None,
    }
}

/// One poll: the (shard, sequence) pairs read, and the result.
fn poll(sim: &Sim, cursor: Cursor, max: usize) -> (Vec<(String, u64)>, Read) {
    let read = run(read(sim, &sim.listing(), cursor, &budget(max))).unwrap();
    let seen = read
        .records
        .iter()
        .map(|r| {
            (
                r.shown["ShardId"].as_str().unwrap().to_string(),
                r.sequence.parse().unwrap(),
            )
        })
        .collect();
    (seen, read)
}

/// Poll until a poll says nothing more is waiting; every pair read, and the last cursor.
fn drain(sim: &Sim, mut cursor: Cursor, max: usize) -> (Vec<(String, u64)>, Cursor, Vec<Gap>) {
    let (mut all, mut gaps) = (Vec::new(), Vec::new());
    for _ in 0..1000 {
        let (seen, read) = poll(sim, cursor, max);
        assert!(seen.len() <= max);
        all.extend(seen);
        gaps.extend(read.gaps);
        cursor = read.cursor;
        if !read.more {
            return (all, cursor, gaps);
        }
    }
    panic!("the reader never caught up");
}

fn of(shard: &str, records: impl IntoIterator<Item = u64>) -> Vec<(String, u64)> {
    records
        .into_iter()
        .map(|r| (shard.to_string(), r))
        .collect()
}

#[test]
fn a_split_reads_the_parent_to_its_end_before_either_child_and_each_record_once() {
    let sim = Sim::new(vec![
        shard("parent", None, true, &[1, 2, 3, 4, 5]),
        shard("left", Some("parent"), false, &[10, 11]),
        shard("right", Some("parent"), false, &[20]),
    ]);
    let (first, cursor, gaps) = drain(&sim, Cursor::start("s", None), 2);
    let mut expected = of("parent", 1..=5);
    expected.extend(of("left", [10, 11]));
    expected.extend(of("right", [20]));
    assert_eq!(first, expected);
    assert!(gaps.is_empty());
    sim.with("left", |s| s.records.extend([12, 13]));
    sim.with("right", |s| s.records.push(21));
    let (second, _, _) = drain(&sim, cursor, 2);
    let mut later = of("left", [12, 13]);
    later.extend(of("right", [21]));
    assert_eq!(second, later, "only the new records, once");
}

#[test]
fn a_closed_parent_still_draining_holds_its_child_back() {
    let sim = Sim::new(vec![
        shard("child", Some("parent"), false, &[100, 101]),
        shard("parent", None, false, &[1, 2, 3]),
    ]);
    let (seen, read) = poll(&sim, Cursor::start("s", None), 10);
    assert_eq!(
        seen,
        of("parent", 1..=3),
        "the open parent is caught up; its child waits"
    );
    assert!(!read.more);
    sim.with("parent", |s| {
        s.records.push(4);
        s.closed = true;
    });
    let (seen, read) = poll(&sim, read.cursor, 10);
    let mut expected = of("parent", [4]);
    expected.extend(of("child", [100, 101]));
    assert_eq!(
        seen, expected,
        "the parent's last record comes before the child's first"
    );
    assert_eq!(read.cursor.shards.get("parent"), Some(&Position::Done));
}

#[test]
fn a_trimmed_resume_point_is_a_gap_and_reading_goes_on_from_the_oldest_record() {
    let sim = Sim::new(vec![shard("only", None, false, &[1, 2, 3, 4, 5, 6, 7, 8])]);
    let (seen, read) = poll(&sim, Cursor::start("s", None), 2);
    assert_eq!(seen, of("only", [1, 2]));
    sim.with("only", |s| {
        s.records.retain(|r| *r >= 6);
        s.trim_below = 6;
    });
    let (rest, _, gaps) = drain(&sim, read.cursor, 2);
    assert_eq!(rest, of("only", [6, 7, 8]));
    assert_eq!(
        gaps,
        vec![Gap {
            shard: "only".into(),
            reason: "trimmed",
            after: Some("2".into())
        }]
    );
}

#[test]
fn a_vanished_shard_is_a_gap_and_ends_that_shard_not_the_reader() {
    let sim = Sim::new(vec![
        shard("a", None, false, &[1, 2, 3]),
        shard("b", None, false, &[10, 11]),
        shard("c", None, false, &[20]),
    ]);
    let (seen, read) = poll(&sim, Cursor::start("s", None), 1);
    assert_eq!(seen, of("a", [1]));
    sim.with("a", |s| s.gone = true);
    let listing_without_a = sim.listing();
    sim.with("b", |s| s.gone = true);
    // `b` is listed (the listing was taken before it vanished) but answers "gone".
    let read = run(super::read(
        &sim,
        &listing_without_a,
        read.cursor,
        &budget(10),
    ))
    .unwrap();
    let seen: Vec<String> = read.records.iter().map(|r| r.sequence.clone()).collect();
    assert_eq!(
        seen,
        vec!["20"],
        "the reader goes on with the shards that exist"
    );
    let reasons: Vec<(&str, &str)> = read
        .gaps
        .iter()
        .map(|g| (g.shard.as_str(), g.reason))
        .collect();
    assert_eq!(reasons, vec![("a", "shard-gone"), ("b", "shard-gone")]);
    assert!(
        !read.cursor.shards.contains_key("a"),
        "a shard no longer listed is forgotten"
    );
}

#[test]
fn an_expired_iterator_is_renewed_from_the_cursor_without_losing_or_repeating() {
    let sim = Sim::new(vec![shard("only", None, false, &[1, 2, 3, 4])]);
    let (seen, read) = poll(&sim, Cursor::start("s", None), 2);
    assert_eq!(seen, of("only", [1, 2]));
    sim.expire.set(true);
    let (rest, _, gaps) = drain(&sim, read.cursor, 10);
    assert_eq!(rest, of("only", [3, 4]));
    assert!(gaps.is_empty());
}

#[test]
fn filtered_events_and_records_before_since_move_the_cursor_but_are_not_returned() {
    let sim = Sim::new(vec![shard("only", None, false, &[1, 2, 3])]);
    let mut cursor = Cursor::start("s", Some(100));
    let page = [(1, "INSERT", 99), (2, "REMOVE", 100), (3, "MODIFY", 101)];
    let mut read = Read {
        records: Vec::new(),
        cursor: cursor.clone(),
        more: false,
        gaps: Vec::new(),
    };
    let records = page
        .iter()
        .map(|(seq, event, created)| Record {
            sequence: seq.to_string(),
            event: (*event).to_string(),
            created: Some(*created),
            shown: Value::Null,
        })
        .collect();
    let mut only_modify = budget(10);
    only_modify.events = Some(HashSet::from(["MODIFY".to_string()]));
    take(&mut read, &sim.listing()[0], records, &only_modify);
    let kept: Vec<&str> = read.records.iter().map(|r| r.sequence.as_str()).collect();
    assert_eq!(kept, vec!["3"]);
    cursor
        .shards
        .insert("only".into(), Position::After("3".into()));
    assert_eq!(read.cursor, cursor);
}

#[test]
fn replicas_reading_their_own_shards_through_merged_cursors_read_each_record_once_in_lineage() {
    let sim = Sim::new(vec![
        shard("parent", None, true, &[1, 2, 3]),
        shard("child", Some("parent"), false, &[10, 11]),
        shard("other", None, false, &[20, 21]),
    ]);
    // Replica A holds the child and the other shard, replica B the parent: each keeps its
    // own checkpoint and reads through the merge of its own with the parent's.
    let only = |ids: &[&str]| Budget {
        shards: Some(ids.iter().map(|s| (*s).to_string()).collect()),
        ..budget(100)
    };
    let ids = |read: &Read| -> Vec<String> {
        let shards = read
            .records
            .iter()
            .map(|r| r.shown["ShardId"].as_str().unwrap());
        shards.map(str::to_string).collect()
    };
    let start = Cursor::start("s", None);
    let a = run(read(
        &sim,
        &sim.listing(),
        start.clone(),
        &only(&["child", "other"]),
    ))
    .unwrap();
    assert_eq!(
        ids(&a),
        ["other", "other"],
        "the child waits for its parent"
    );
    let b = run(read(&sim, &sim.listing(), start, &only(&["parent"]))).unwrap();
    assert_eq!(ids(&b), ["parent", "parent", "parent"]);
    let merged = Cursor::merge(vec![a.cursor, b.cursor]).unwrap();
    let a = run(read(
        &sim,
        &sim.listing(),
        merged,
        &only(&["child", "other"]),
    ))
    .unwrap();
    assert_eq!(
        ids(&a),
        ["child", "child"],
        "its parent finished: the child is read"
    );
    assert_eq!(
        a.cursor.shards.get("other"),
        Some(&Position::After("21".into()))
    );
}
