//! The service's connections: hyper's HTTP/1.1 server with a timer (a request's headers
//! must arrive within the header timeout, which also ends idle keep-alive connections), a
//! cap on open connections (beyond it, new ones wait in the kernel's accept queue instead of
//! using up file descriptors), and a shutdown in two phases: first the open connections keep
//! being answered (new steps get 503) until the steps in flight are done, then every
//! connection is told to close, and whatever is still open when the grace period ends is cut.

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tokio::time::Instant;

/// How long an accept that failed (out of file descriptors, say) waits before the next.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// The limits on the service's connections.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnectionLimits {
    /// A request's headers (and a keep-alive connection's next request) must arrive within
    /// this.
    pub(crate) header_timeout: Duration,
    /// Most connections open at once.
    pub(crate) max_connections: usize,
    /// From the shutdown signal to the end: steps in flight finish within it, connections
    /// still open after it are cut.
    pub(crate) grace: Duration,
}

/// The phases of a shutdown the caller takes part in.
pub(crate) struct Shutdown<S, D> {
    /// Resolves when the service is to stop.
    pub(crate) signal: S,
    /// Called once the signal came (the service starts answering 503).
    pub(crate) draining: Box<dyn FnOnce() + Send>,
    /// Resolves when no step is in flight any more.
    pub(crate) idle: D,
}

/// Answer connections on `listener` with `app` until the shutdown signal, then drain.
pub(crate) async fn serve_connections<S, D>(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: Shutdown<S, D>,
) where
    S: Future<Output = ()>,
    D: Future<Output = ()>,
{
    let open = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (close, closing) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut signal = std::pin::pin!(shutdown.signal);
    loop {
        let accepted = tokio::select! {
            () = &mut signal => break,
            accepted = accept(&listener, &open) => accepted,
        };
        if let Some((stream, permit)) = accepted {
            let task = connection(stream, app.clone(), limits, closing.clone(), permit);
            connections.spawn(task);
        }
        while connections.try_join_next().is_some() {}
    }
    let deadline = Instant::now() + limits.grace;
    (shutdown.draining)();
    tracing::info!("shutting down: finishing the requests in flight");
    let _ = tokio::time::timeout_at(deadline, shutdown.idle).await;
    let _ = close.send(true);
    let all_closed = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout_at(deadline, all_closed).await.is_err() {
        tracing::warn!(
            cut = connections.len(),
            "the grace period ended: cutting the connections still open"
        );
        connections.abort_all();
    }
}

/// The next connection, once one of the open-connection permits is free; `None` when the
/// accept failed (after a pause, so a shortage of descriptors does not spin).
async fn accept(
    listener: &TcpListener,
    open: &Arc<Semaphore>,
) -> Option<(TcpStream, OwnedSemaphorePermit)> {
    let permit = open.clone().acquire_owned().await.ok()?;
    match listener.accept().await {
        Ok((stream, _)) => {
            stream.set_nodelay(true).ok();
            Some((stream, permit))
        }
        Err(error) => {
            tracing::warn!(%error, "accepting a connection failed");
            tokio::time::sleep(ACCEPT_BACKOFF).await;
            None
        }
    }
}

/// One connection, served until it ends or, once `closing` turns true, until its request in
/// flight (if any) is answered.
async fn connection(
    stream: TcpStream,
    app: Router,
    limits: ConnectionLimits,
    mut closing: watch::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let served = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app));
    let mut served = std::pin::pin!(served);
    tokio::select! {
        _ = served.as_mut() => return,
        _ = closing.wait_for(|closing| *closing) => served.as_mut().graceful_shutdown(),
    }
    let _ = served.await;
}
