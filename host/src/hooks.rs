//! The outgoing-request hook that enforces the sandbox: a request to an origin the step's
//! connection implies is sent (on a pooled connection, to an address the egress policy
//! permits; a role fetch as a flight shared with the connection's other steps,
//! [`crate::flight`]); any other is refused and recorded.

use crate::egress::Egress;
use crate::flight::{Answer, Flights};
use crate::pool::{lock, Pool};
use crate::reuse::ConnectionKey;
use crate::sandbox::Origin;
use crate::timed::Io;
use http_body_util::{BodyExt, Full};
use std::sync::{Arc, Mutex};
use wasmtime_wasi_http::{RequestOptions, WasiBody, WasiHttpHooks};

/// Where a step's requests may go and how they are sent.
#[derive(Clone)]
pub(crate) struct Outbound {
    /// The origins the step's connection implies.
    pub(crate) origins: Vec<Origin>,
    /// The operator's policy for the addresses those names resolve to.
    pub(crate) egress: Arc<Egress>,
    /// The connections requests are sent on.
    pub(crate) pool: Pool,
    /// The step's connection key and the host's flights, when the host keeps state per
    /// connection: its role fetches fly together with its other steps' ([`crate::flight`]).
    pub(crate) fetches: Option<(ConnectionKey, Arc<Flights>)>,
}

/// What the host noticed of a step's requests, for its error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Notice {
    /// A request the host refused, as `METHOD origin (why)` or why the address was denied.
    Refused(String),
    /// An origin no connection could be made to, as `URL (why)`.
    Unreachable(String),
}

/// The notices of one step.
pub(crate) type Notices = Arc<Mutex<Vec<Notice>>>;

/// The outgoing-request hook: requests to an allowed origin are sent (on a pooled
/// connection, to an address the egress policy permits), others refused.
pub(crate) struct Sandbox {
    pub(crate) outbound: Outbound,
    pub(crate) refused: Notices,
}

/// The hook's answer: the response and the request's I/O future ([`crate::timed::Io`]).
type ResponseFuture = Box<
    dyn std::future::Future<Output = wasmtime_wasi_http::Result<(http::Response<WasiBody>, Io)>>
        + Send,
>;

impl WasiHttpHooks for Sandbox {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        _fut: Box<dyn std::future::Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
    ) -> ResponseFuture {
        let origin = Origin::of(request.uri());
        if !origin
            .as_ref()
            .is_some_and(|o| self.outbound.origins.contains(o))
        {
            let target =
                origin.map_or_else(|| "a URL without a valid origin".into(), |o| o.to_string());
            let refusal = format!(
                "{} {target} (not an endpoint of this connection: set the connection's \
                 endpoint URL to reach another origin)",
                request.method()
            );
            lock(&self.refused).push(Notice::Refused(refusal));
            // Take the body before refusing: a guest still writing it would otherwise find
            // its stream closed and report that (a "connection reset", which its SDK
            // retries) instead of the refusal the response future carries.
            return Box::new(async move {
                let _ = request.into_body().collect().await;
                Err(wasmtime_wasi_http::Error::HttpRequestDenied)
            });
        }
        let (pool, egress, refused) = (
            self.outbound.pool.clone(),
            self.outbound.egress.clone(),
            self.refused.clone(),
        );
        let Some((connection, flights)) = self.outbound.fetches.clone() else {
            return Box::new(async move { pool.send(request, options, &egress, &refused).await });
        };
        Box::new(async move {
            let (parts, body) = request.into_parts();
            let body = body.collect().await?.to_bytes();
            let again = || {
                let body = Full::new(body.clone())
                    .map_err(|never| match never {})
                    .boxed_unsync();
                http::Request::from_parts(parts.clone(), body)
            };
            let Some(key) = Flights::key(&connection, &parts, &body) else {
                return pool.send(again(), options, &egress, &refused).await;
            };
            let mut failed = None;
            let fetch = async {
                match pool.send(again(), options, &egress, &refused).await {
                    Ok((response, _io)) => Answer::read(response).await,
                    Err(error) => {
                        failed = Some(error);
                        None
                    }
                }
            };
            match flights.share(connection, key, fetch).await {
                Some(answer) => Ok((answer.response(), Box::new(async { Ok(()) }) as Io)),
                None => match failed {
                    Some(error) => Err(error),
                    // The first request of the flight got no answer: this one goes alone.
                    None => pool.send(again(), options, &egress, &refused).await,
                },
            }
        })
    }
}
