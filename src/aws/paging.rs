//! The one paging loop: fetch one page, every page, or pages until a number of items, and
//! hand back the pages and the cursor that resumes after the last one; and the cut of
//! fetched items at `max-items` with the cursor that resumes exactly after the last item
//! returned.

use crate::aws::capacity::Tally;
use crate::error::{Error, Result};
use crate::model::Item;
use aws_sdk_dynamodb::types::{ConsumedCapacity, ReturnConsumedCapacity};
use std::future::Future;

/// Pages fetched in order, and the cursor after the last (`None`: nothing more).
pub struct Pages<P, C> {
    /// The pages fetched, in order.
    pub pages: Vec<P>,
    /// The cursor after the last page, when there are more.
    pub next: Option<C>,
}

/// How much to fetch: one page, every page (`all`), or pages until `max` items (with or
/// without `all`: `max` wins).
#[derive(Debug, Clone, Copy, Default)]
pub struct Want {
    /// Follow the cursor until the last page (`fetch-all`).
    pub all: bool,
    /// Stop once this many items are fetched (`max-items`).
    pub max: Option<usize>,
}

/// Fetch from `start`: `send(cursor)` fetches one page, `cursor(&page)` tells where the
/// next begins and `count(&page)` how many items it holds. Stops when the cursor runs out,
/// or as `want` says.
pub async fn fetch<P, C, E, F>(
    want: Want,
    start: Option<C>,
    mut send: impl FnMut(Option<C>) -> F,
    cursor: impl Fn(&P) -> Option<C>,
    count: impl Fn(&P) -> usize,
) -> Result<Pages<P, C>>
where
    F: Future<Output = std::result::Result<P, E>>,
    Error: From<E>,
{
    let (mut pages, mut next, mut items) = (Vec::new(), start, 0);
    loop {
        let page = send(next.take()).await?;
        next = cursor(&page);
        items += count(&page);
        pages.push(page);
        let enough = match want.max {
            Some(max) => items >= max,
            None => !want.all,
        };
        if enough || next.is_none() {
            return Ok(Pages { pages, next });
        }
    }
}

/// The first `max` of `items` (all when `max` is `None`) and the cursor that resumes
/// exactly after the last one returned: `next` (the last page's cursor) when every item is
/// returned, else `key_of` the last item returned.
pub fn cut<T, C>(
    mut items: Vec<T>,
    next: Option<C>,
    max: Option<usize>,
    key_of: impl Fn(&T) -> Result<C>,
) -> Result<(Vec<T>, Option<C>)> {
    match max {
        Some(max) if items.len() > max => {
            items.truncate(max);
            let cursor = match items.last() {
                Some(last) => Some(key_of(last)?),
                None => None,
            };
            Ok((items, cursor))
        }
        _ => Ok((items, next)),
    }
}

/// The items of query or scan pages in order, how many items the service read and the
/// capacity the pages consumed (when their requests asked `asked`); `parts` splits a page
/// into its items, its scanned count and its consumed capacity.
pub(crate) fn gather<P>(
    pages: Vec<P>,
    asked: Option<&ReturnConsumedCapacity>,
    parts: impl Fn(P) -> (Option<Vec<Item>>, i32, Option<ConsumedCapacity>),
) -> (Vec<Item>, i64, Tally) {
    let (mut items, mut scanned, mut capacity) = (Vec::new(), 0, Tally::asked(asked));
    for page in pages {
        let (page_items, page_scanned, consumed) = parts(page);
        items.extend(page_items.unwrap_or_default());
        scanned += i64::from(page_scanned);
        capacity.add(consumed.as_ref());
    }
    (items, scanned, capacity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Ready;

    /// A source of `len` numbers served in pages of `size`, cursor = next offset.
    fn page(offset: Option<usize>, len: usize, size: usize) -> Ready<Result<Vec<usize>>> {
        let from = offset.unwrap_or(0);
        std::future::ready(Ok((from..len.min(from + size)).collect()))
    }

    fn run<T>(f: impl Future<Output = T>) -> T {
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        let mut f = std::pin::pin!(f);
        loop {
            if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }

    fn next_of(len: usize) -> impl Fn(&Vec<usize>) -> Option<usize> {
        move |p| p.last().map(|l| l + 1).filter(|n| *n < len)
    }

    fn want(all: bool, max: Option<usize>) -> Want {
        Want { all, max }
    }

    #[test]
    fn all_pages_yield_every_item_once_and_no_cursor() {
        let got = run(fetch(
            want(true, None),
            None,
            |o| page(o, 10, 3),
            next_of(10),
            Vec::len,
        ))
        .unwrap();
        let items: Vec<usize> = got.pages.concat();
        assert_eq!(items, (0..10).collect::<Vec<_>>());
        assert_eq!(got.next, None);
    }

    #[test]
    fn one_page_returns_the_cursor_that_resumes_after_it() {
        let first = run(fetch(
            want(false, None),
            None,
            |o| page(o, 10, 3),
            next_of(10),
            Vec::len,
        ))
        .unwrap();
        assert_eq!(first.pages.concat(), vec![0, 1, 2]);
        let second = run(fetch(
            want(false, None),
            first.next,
            |o| page(o, 10, 3),
            next_of(10),
            Vec::len,
        ))
        .unwrap();
        assert_eq!(second.pages.concat(), vec![3, 4, 5]);
    }

    /// Page through `len` items in pages of `size`, `max` at a time, resuming each time.
    fn resume_until_done(len: usize, size: usize, max: usize) -> (Vec<usize>, usize) {
        let (mut seen, mut cursor, mut steps) = (Vec::new(), None, 0);
        loop {
            let got = run(fetch(
                want(false, Some(max)),
                cursor,
                |o| page(o, len, size),
                next_of(len),
                Vec::len,
            ))
            .unwrap();
            let (items, next) =
                cut(got.pages.concat(), got.next, Some(max), |last| Ok(last + 1)).unwrap();
            assert!(items.len() <= max);
            seen.extend(items);
            steps += 1;
            cursor = next.filter(|n| *n < len);
            if cursor.is_none() {
                return (seen, steps);
            }
        }
    }

    #[test]
    fn max_items_resumes_exactly_after_the_last_item_returned() {
        for (len, size, max) in [
            (1000, 100, 7),
            (10, 3, 3),
            (10, 3, 4),
            (9, 3, 3),
            (5, 10, 2),
            (0, 3, 2),
        ] {
            let (seen, steps) = resume_until_done(len, size, max);
            assert_eq!(
                seen,
                (0..len).collect::<Vec<_>>(),
                "len {len} size {size} max {max}"
            );
            assert!(
                steps <= len.div_ceil(max).max(1) + 1,
                "len {len} size {size} max {max}: {steps}"
            );
        }
    }
}
