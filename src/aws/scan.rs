//! Scanning: one segment's pages as [`crate::aws::paging`] fetches them (what `scan-items`
//! runs, once or per segment), and a bounded sample of a table read in parallel segments
//! (what the catalog actions read).

use crate::actions::item;
use crate::aws::paging::{self, Want};
use crate::error::Result;
use crate::model::Item;
use aws_sdk_dynamodb::operation::scan::builders::ScanFluentBuilder;
use futures_util::future::try_join_all;

/// Fetch one segment (or the whole scan) as `want` says: its items, how many the service
/// read, and its cursor.
pub async fn segment(
    request: ScanFluentBuilder,
    want: Want,
    start: Option<Item>,
) -> Result<(Vec<Item>, i64, Option<Item>)> {
    let fetched = paging::fetch(
        want,
        start,
        |start| request.clone().set_exclusive_start_key(start).send(),
        |page| page.last_evaluated_key.clone(),
        |page| page.items().len(),
    )
    .await?;
    let (items, scanned) = item::gather(fetched.pages, |p| (p.items, p.scanned_count));
    Ok((items, scanned, fetched.next))
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
pub async fn sample(request: ScanFluentBuilder, size: usize, segments: i32) -> Result<Sample> {
    let share = size.div_ceil(usize::try_from(segments).unwrap_or(1).max(1));
    let want = Want {
        all: true,
        max: Some(share),
    };
    // Pages of at most the share: a sample never reads (and parses) a page it cuts away.
    let page = i32::try_from(share).unwrap_or(i32::MAX);
    let parts = (0..segments).map(|s| {
        let request = match segments {
            1 => request.clone().limit(page),
            n => request.clone().limit(page).segment(s).total_segments(n),
        };
        segment(request, want, None)
    });
    let (mut items, mut whole_table) = (Vec::new(), true);
    for (mut part, _, next) in try_join_all(parts).await? {
        whole_table &= next.is_none() && part.len() <= share;
        part.truncate(share);
        items.extend(part);
    }
    if items.len() > size {
        items.truncate(size);
        whole_table = false;
    }
    Ok(Sample { items, whole_table })
}
