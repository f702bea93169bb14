//! A response body read under the guest's between-bytes timeout, and the I/O future
//! wasmtime waits on for it.

use bytes::Bytes;
use http_body::Frame;
use http_body_util::BodyExt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::oneshot;
use wasmtime_wasi_http::{Error, WasiBody};

/// A response body whose frames must each arrive within `between` of the one before (the
/// guest's between-bytes timeout), and that reports how reading it ended to the request's
/// I/O future ([`Pool::send`]).
struct Timed {
    incoming: hyper::body::Incoming,
    between: Duration,
    timer: Pin<Box<tokio::time::Sleep>>,
    /// Told when the body failed; dropped (the read is over) when the body is.
    failed: Option<oneshot::Sender<Error>>,
}

impl Timed {
    fn fail(&mut self, error: Error, told: Error) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        if let Some(failed) = self.failed.take() {
            let _ = failed.send(told);
        }
        Poll::Ready(Some(Err(error)))
    }
}

impl http_body::Body for Timed {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        match Pin::new(&mut self.incoming).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                let deadline = tokio::time::Instant::now() + self.between;
                self.timer.as_mut().reset(deadline);
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => self.fail(Error::from(e), Error::HttpResponseIncomplete),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => match self.timer.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    self.fail(Error::ConnectionReadTimeout, Error::ConnectionReadTimeout)
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.incoming.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.incoming.size_hint()
    }
}

/// The I/O future of one request, as wasmtime takes it: done when its response body has
/// been read or dropped, failed with the body's error.
pub(crate) type Io = Box<dyn Future<Output = Result<(), Error>> + Send>;

/// `response` with its body read under the between-bytes timeout, and its I/O future.
pub(crate) fn timed(
    response: http::Response<hyper::body::Incoming>,
    between: Duration,
) -> (http::Response<WasiBody>, Io) {
    let (failed, told) = oneshot::channel();
    let response = response.map(|incoming| {
        let timer = Box::pin(tokio::time::sleep(between));
        let body = Timed {
            incoming,
            between,
            timer,
            failed: Some(failed),
        };
        body.boxed_unsync()
    });
    let io = async move { told.await.map_or(Ok(()), Err) };
    (response, Box::new(io))
}
