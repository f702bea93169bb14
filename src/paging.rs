//! The one paging loop: fetch one page, or every page while the caller asks for all, and
//! hand back the pages and the cursor that resumes after the last one.

use crate::error::{Error, Result};
use std::future::Future;

/// Pages fetched in order, and the cursor after the last (`None`: nothing more).
pub struct Pages<P, C> {
    pub pages: Vec<P>,
    pub next: Option<C>,
}

/// Fetch from `start`: `send(cursor)` fetches one page and `cursor(&page)` tells where the
/// next begins. With `all`, pages are fetched until the cursor runs out; otherwise one.
pub async fn fetch<P, C, E, F>(
    all: bool,
    start: Option<C>,
    mut send: impl FnMut(Option<C>) -> F,
    cursor: impl Fn(&P) -> Option<C>,
) -> Result<Pages<P, C>>
where
    F: Future<Output = std::result::Result<P, E>>,
    Error: From<E>,
{
    let mut pages = Vec::new();
    let mut next = start;
    loop {
        let page = send(next.take()).await?;
        next = cursor(&page);
        pages.push(page);
        if !all || next.is_none() {
            return Ok(Pages { pages, next });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source of `len` numbers served in pages of `size`, cursor = next offset.
    async fn page(offset: Option<usize>, len: usize, size: usize) -> Result<Vec<usize>> {
        let from = offset.unwrap_or(0);
        Ok((from..len.min(from + size)).collect())
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

    #[test]
    fn all_pages_yield_every_item_once_and_no_cursor() {
        let got = run(fetch(true, None, |o| page(o, 10, 3), next_of(10))).unwrap();
        let items: Vec<usize> = got.pages.concat();
        assert_eq!(items, (0..10).collect::<Vec<_>>());
        assert_eq!(got.next, None);
    }

    #[test]
    fn one_page_returns_the_cursor_that_resumes_after_it() {
        let first = run(fetch(false, None, |o| page(o, 10, 3), next_of(10))).unwrap();
        assert_eq!(first.pages.concat(), vec![0, 1, 2]);
        let second = run(fetch(false, first.next, |o| page(o, 10, 3), next_of(10))).unwrap();
        assert_eq!(second.pages.concat(), vec![3, 4, 5]);
    }
}
