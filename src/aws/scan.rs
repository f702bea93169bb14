//! Scanning: one segment's pages as [`crate::aws::paging`] fetches them (what `scan-items`
//! runs, once or per segment); parallel segments on the bulk runner (what `scan-items`
//! with `segments` runs); and a bounded sample of a table read so (what the catalog
//! actions read).

use crate::aws::bulk;
use crate::aws::capacity::Tally;
use crate::aws::client::Clients;
use crate::aws::lean;
use crate::aws::paging::{self, Want};
use crate::error::Error;
use crate::error::Result;
use crate::model::{Access, Item};
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::scan::builders::{ScanFluentBuilder, ScanInputBuilder};
use aws_sdk_dynamodb::operation::scan::{ScanError, ScanOutput};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use std::cell::RefCell;

/// A `Scan` request and the session that sends it (on the [`lean`] path).
#[derive(Clone, Debug)]
pub struct Request {
    clients: Clients,
    input: ScanInputBuilder,
}

impl Request {
    /// `input`, to be sent on `clients`' session.
    pub fn new(clients: &Clients, input: ScanInputBuilder) -> Self {
        Request {
            clients: clients.clone(),
            input,
        }
    }

    /// Its input.
    pub fn input(&self) -> &ScanInputBuilder {
        &self.input
    }

    /// The same request with its input changed by `change`.
    #[must_use]
    pub fn with(mut self, change: impl FnOnce(ScanInputBuilder) -> ScanInputBuilder) -> Self {
        self.input = change(self.input);
        self
    }

    /// The request from `start`, sent.
    async fn send(
        &self,
        start: Option<Item>,
    ) -> std::result::Result<ScanOutput, SdkError<ScanError, HttpResponse>> {
        let input = self.input.clone().set_exclusive_start_key(start);
        lean::send(&self.clients, Access::Read, input).await
    }
}

/// Fetch one segment (or the whole scan) as `want` says: its items, how many the service
/// read, its cursor and the capacity its pages consumed.
pub async fn segment(request: Request, want: Want, start: Option<Item>) -> Result<Segment> {
    let asked = request.input().get_return_consumed_capacity().clone();
    let fetched = paging::fetch(
        want,
        start,
        |start| request.send(start),
        |page| page.last_evaluated_key.clone(),
        |page| page.items().len(),
    )
    .await?;
    let parts = |p: ScanOutput| (p.items, p.scanned_count, p.consumed_capacity);
    let (items, scanned, capacity) = paging::gather(fetched.pages, asked.as_ref(), parts);
    Ok(Segment {
        items,
        scanned,
        ended: fetched.next.is_none(),
        next: fetched.next,
        capacity,
    })
}

/// One segment of a scan as far as it was read: its items, how many the service read
/// (before the filter), the key it resumes from, whether it was read to its end (or to its
/// share) and the capacity its pages consumed.
#[derive(Debug, Default)]
pub struct Segment {
    /// The items read, in order.
    pub items: Vec<Item>,
    /// How many items the service read.
    pub scanned: i64,
    /// Where the segment resumes (`None` when it ended, or when it was not started).
    pub next: Option<Item>,
    /// Whether it was read to its end, or to its share.
    pub ended: bool,
    /// The capacity its pages consumed, as the service reported it.
    pub capacity: Tally,
}

impl Segment {
    /// Segments read to their ends as one: the items in segment order, the scanned counts
    /// and the capacities summed.
    pub fn joined(segments: Vec<Segment>) -> Segment {
        let mut joined = Segment {
            ended: true,
            ..Segment::default()
        };
        for segment in segments {
            joined.items.extend(segment.items);
            joined.scanned += segment.scanned;
            joined.capacity.absorb(segment.capacity);
        }
        joined
    }
}

/// Read `total` segments of `request`, all in flight ([`bulk::run`]: none started once
/// `deadline` has passed, and no further page of any segment), each up to `share` items
/// (every page when `None`). Returns each segment as far as it was read and the first error
/// that stopped one (the deadline's, when it left a segment unfinished), so the caller can
/// say exactly what was read and what is left.
pub async fn parallel(
    request: &Request,
    total: i32,
    share: Option<usize>,
    deadline: &bulk::Deadline,
) -> (Vec<Segment>, Option<Error>) {
    let count = usize::try_from(total).unwrap_or(1).max(1);
    let asked = request.input().get_return_consumed_capacity().as_ref();
    let segment = || Segment {
        capacity: Tally::asked(asked),
        ..Segment::default()
    };
    let segments: Vec<RefCell<Segment>> = (0..count).map(|_| RefCell::new(segment())).collect();
    let error: RefCell<Option<Error>> = RefCell::default();
    let start = |s: usize| {
        let (segment, error) = (&segments[s], &error);
        let request = match total {
            1 => request.clone(),
            n => request
                .clone()
                .with(|r| r.segment(i32::try_from(s).unwrap_or(0)).total_segments(n)),
        };
        async move {
            let failed = pages(request, share, deadline, segment).await.err();
            let stop = failed.is_some();
            if let Some(failed) = failed {
                error.borrow_mut().get_or_insert(failed);
            }
            bulk::Ended {
                throttled: false,
                stop,
            }
        }
    };
    let mut window = bulk::Window::new(count);
    bulk::run(count, &mut window, deadline, |_| true, start).await;
    let segments: Vec<Segment> = segments.into_iter().map(RefCell::into_inner).collect();
    let late = segments.iter().any(|s| !s.ended);
    let error = error
        .into_inner()
        .or_else(|| late.then(bulk::Deadline::error));
    (segments, error)
}

/// Read the pages of one segment into `segment` until it ends, has `share` items or the
/// deadline comes (then `ended` stays false and `next` is where it resumes).
async fn pages(
    request: Request,
    share: Option<usize>,
    deadline: &bulk::Deadline,
    segment: &RefCell<Segment>,
) -> Result<()> {
    loop {
        let start = segment.borrow().next.clone();
        let sent = request.send(start);
        let Some(page) = deadline.within(sent).await else {
            return Ok(());
        };
        let page = page?;
        let mut segment = segment.borrow_mut();
        segment.items.extend(page.items.unwrap_or_default());
        segment.scanned += i64::from(page.scanned_count);
        segment.capacity.add(page.consumed_capacity.as_ref());
        segment.next = page.last_evaluated_key;
        if segment.next.is_none() || share.is_some_and(|share| segment.items.len() >= share) {
            segment.ended = true;
            return Ok(());
        }
    }
}

/// A sample of a table: up to `size` items, and whether they are the whole table.
pub struct Sample {
    /// The sampled items.
    pub items: Vec<Item>,
    /// Whether they are every item of the table.
    pub whole_table: bool,
}

/// Read up to `size` items with `request` in `segments` parallel segments, each up to its
/// share; the sample is the whole table when every segment ran out within its share.
pub async fn sample(request: Request, size: usize, segments: i32) -> Result<Sample> {
    let share = size.div_ceil(usize::try_from(segments).unwrap_or(1).max(1));
    // Pages of at most the share: a sample never reads (and parses) a page it cuts away.
    let request = request.with(|r| r.limit(i32::try_from(share).unwrap_or(i32::MAX)));
    let deadline = bulk::Deadline::new(None)?;
    let (read, error) = parallel(&request, segments, Some(share), &deadline).await;
    if let Some(error) = error {
        return Err(error);
    }
    let (mut items, mut whole_table) = (Vec::new(), true);
    for mut part in read {
        whole_table &= part.next.is_none() && part.items.len() <= share;
        part.items.truncate(share);
        items.extend(part.items);
    }
    if items.len() > size {
        items.truncate(size);
        whole_table = false;
    }
    Ok(Sample { items, whole_table })
}

/// Read a scan whose segments' positions a cursor keeps (a snapshot, a poll's pass), a
/// round at a time: one page of each unfinished segment (at most `room` of them), all in
/// flight, each page at most its share of what is left of `room`, so the items `each`
/// counts (it says whether an item counts) never pass `room`; no new round after `until`.
/// Each segment's position moves past the page it read (`Done` at its end); a position is
/// the table's key in plain JSON, typed again by `keys` when it is read back.
pub async fn resumable(
    request: &ScanFluentBuilder,
    keys: &crate::model::keys::KeySchema,
    segments: &mut [crate::model::stream_cursor::SegmentAt],
    room: usize,
    until: std::time::Instant,
    mut each: impl FnMut(&Item) -> Result<bool>,
) -> Result<()> {
    use crate::model::stream_cursor::SegmentAt;
    let total = i32::try_from(segments.len()).unwrap_or(1);
    let mut counted = 0;
    while counted < room && std::time::Instant::now() < until {
        let left = room - counted;
        let open: Vec<usize> = (0..segments.len())
            .filter(|i| segments[*i] != SegmentAt::Done)
            .take(left)
            .collect();
        if open.is_empty() {
            break;
        }
        let share = i32::try_from(left / open.len()).unwrap_or(1).max(1);
        let pages = futures_util::future::join_all(open.iter().map(|&i| {
            let start = match &segments[i] {
                SegmentAt::After(key) => Some(keys.plain_key("cursor", key)),
                _ => None,
            };
            let request = request
                .clone()
                .segment(i32::try_from(i).unwrap_or(0))
                .total_segments(total)
                .limit(share);
            async move {
                let request = request.set_exclusive_start_key(start.transpose()?);
                request.send().await.map_err(Error::from)
            }
        }))
        .await;
        for (i, page) in open.into_iter().zip(pages) {
            let page = page?;
            for item in page.items() {
                counted += usize::from(each(item)?);
            }
            segments[i] = match page.last_evaluated_key() {
                Some(key) => SegmentAt::After(crate::model::values::ItemFormat::Plain.item(key)),
                None => SegmentAt::Done,
            };
        }
    }
    Ok(())
}
