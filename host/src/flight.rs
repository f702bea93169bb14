//! One credential fetch per connection at a time. A tenant's steps often arrive together (a
//! flow's parallel branches, several workflows of one customer): each runs in its own
//! instance, none finds kept credentials yet, and each would assume the role again. So the
//! host lets one request go: an STS `AssumeRole` or `AssumeRoleWithWebIdentity` of a step
//! whose connection has a key ([`crate::reuse`]: the keyed hash of every connection field,
//! so two connections that differ in a secret, an external ID or a token never meet) is a
//! flight keyed by that hash, the URL and the action. The first request of a flight is sent;
//! the others wait for its answer and get the same bytes, as if each had sent it. A
//! successful answer also serves the connection's later requests for as long as one of its
//! steps is running (a step that overlaps the first without overlapping its request); when
//! the last one ends, the answer goes, and the connection's kept state (within its byte
//! budget) is what a later step finds. An error answer (a refused role) serves only the
//! requests already waiting, each of which fails with it, and the next step asks again. A
//! flight whose request got no answer (the network) serves nothing: each waiting request is
//! sent on its own.

use crate::pool::lock;
use crate::reuse::ConnectionKey;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;
use wasmtime_wasi_http::WasiBody;

/// The most flights held at once (an answer is about 2 KB; flights live only while their
/// connection has a step running, so the host's concurrency bounds them first): past it,
/// requests are sent on their own.
const MOST: usize = 10_000;

/// An answer as every request of the flight receives it.
#[derive(Clone)]
pub(crate) struct Answer {
    status: http::StatusCode,
    headers: http::HeaderMap,
    body: Bytes,
}

impl Answer {
    /// The answer to `response`, read whole; `None` when its body could not be read.
    pub(crate) async fn read(response: http::Response<WasiBody>) -> Option<Answer> {
        let (parts, body) = response.into_parts();
        let body = body.collect().await.ok()?.to_bytes();
        Some(Answer {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    }

    /// A response carrying this answer, for one guest.
    pub(crate) fn response(&self) -> http::Response<WasiBody> {
        let body = Full::new(self.body.clone())
            .map_err(|never| match never {})
            .boxed_unsync();
        let mut response = http::Response::new(body);
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers.clone();
        response
    }
}

struct Flight {
    answer: OnceCell<Option<Answer>>,
    connection: ConnectionKey,
}

/// The flights under way and the answers still serving, and the steps running per
/// connection.
#[derive(Default)]
pub(crate) struct Flights {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    by_key: HashMap<[u8; 32], Arc<Flight>>,
    running: HashMap<ConnectionKey, usize>,
}

/// A step of a connection running: while one is, the connection's answers serve; dropped
/// when the step ends.
pub(crate) struct Boarded {
    flights: Arc<Flights>,
    connection: ConnectionKey,
}

impl Drop for Boarded {
    fn drop(&mut self) {
        let mut inner = lock(&self.flights.inner);
        let last = inner.running.get_mut(&self.connection).is_some_and(|n| {
            *n -= 1;
            *n == 0
        });
        if last {
            inner.running.remove(&self.connection);
            let connection = self.connection;
            inner.by_key.retain(|_, f| f.connection != connection);
        }
    }
}

impl Flights {
    /// Count a step of `connection` as running until the returned guard is dropped.
    pub(crate) fn board(self: &Arc<Self>, connection: ConnectionKey) -> Boarded {
        *lock(&self.inner).running.entry(connection).or_default() += 1;
        Boarded {
            flights: self.clone(),
            connection,
        }
    }

    /// The flight key of a request of the connection `connection`: `Some` for an STS role
    /// fetch (a form-encoded `POST` whose action is `AssumeRole…`), `None` for any other.
    pub(crate) fn key(
        connection: &ConnectionKey,
        request: &http::request::Parts,
        body: &[u8],
    ) -> Option<[u8; 32]> {
        let action = body.strip_prefix(b"Action=")?;
        let action = action.split(|b| *b == b'&').next()?;
        if request.method != http::Method::POST || !action.starts_with(b"AssumeRole") {
            return None;
        }
        let mut hash = Sha256::new();
        hash.update(connection);
        hash.update(request.uri.to_string().as_bytes());
        hash.update(b"\n");
        hash.update(action);
        Some(hash.finalize().into())
    }

    /// The answer of the flight `key` of `connection`: `fetch`'s when this request is the
    /// first (or the first's was dropped), else the one the first got. `None`: the flight
    /// got no answer.
    pub(crate) async fn share(
        &self,
        connection: ConnectionKey,
        key: [u8; 32],
        fetch: impl std::future::Future<Output = Option<Answer>>,
    ) -> Option<Answer> {
        let Some(flight) = self.join(connection, key) else {
            return fetch.await;
        };
        let answer = flight.answer.get_or_init(|| fetch).await.clone();
        if answer.as_ref().is_none_or(|a| !a.status.is_success()) {
            let mut inner = lock(&self.inner);
            if inner
                .by_key
                .get(&key)
                .is_some_and(|f| Arc::ptr_eq(f, &flight))
            {
                inner.by_key.remove(&key);
            }
        }
        answer
    }

    /// The flight `key`, joined or started (`None`: too many flights to hold one more).
    fn join(&self, connection: ConnectionKey, key: [u8; 32]) -> Option<Arc<Flight>> {
        let mut inner = lock(&self.inner);
        if let Some(flight) = inner.by_key.get(&key) {
            return Some(flight.clone());
        }
        if inner.by_key.len() >= MOST {
            return None;
        }
        let flight = Arc::new(Flight {
            answer: OnceCell::new(),
            connection,
        });
        inner.by_key.insert(key, flight.clone());
        Some(flight)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(method: &str, uri: &str) -> http::request::Parts {
        let request = http::Request::builder()
            .method(method)
            .uri(uri)
            .body(())
            .unwrap();
        request.into_parts().0
    }

    #[test]
    fn only_role_fetches_fly_and_their_keys_part_connections_and_actions() {
        let sts = parts("POST", "https://sts.us-east-1.amazonaws.com/");
        let assume = b"Action=AssumeRole&Version=2011-06-15&RoleArn=arn";
        let web = b"Action=AssumeRoleWithWebIdentity&Version=2011-06-15";
        let (a, b) = ([1u8; 32], [2u8; 32]);
        let key = Flights::key(&a, &sts, assume).expect("AssumeRole flies");
        assert_eq!(
            Flights::key(&a, &sts, b"Action=AssumeRole&RoleSessionName=other"),
            Some(key)
        );
        assert_ne!(
            Flights::key(&b, &sts, assume),
            Some(key),
            "another connection"
        );
        assert_ne!(Flights::key(&a, &sts, web), Some(key), "another action");
        assert!(Flights::key(&a, &sts, b"Action=GetCallerIdentity").is_none());
        assert!(Flights::key(&a, &sts, b"{\"TableName\": \"t\"}").is_none());
        assert!(Flights::key(&a, &parts("GET", "https://sts/"), assume).is_none());
    }

    fn answer(status: u16) -> Answer {
        Answer {
            status: http::StatusCode::from_u16(status).unwrap(),
            headers: http::HeaderMap::new(),
            body: Bytes::from_static(b"<xml/>"),
        }
    }

    #[tokio::test]
    async fn waiting_requests_share_the_first_answer_while_their_connection_runs_a_step() {
        let flights = Arc::new(Flights::default());
        let fetched = std::sync::atomic::AtomicUsize::new(0);
        let count = || fetched.load(std::sync::atomic::Ordering::SeqCst);
        let fetch = |status: u16| {
            let fetched = &fetched;
            async move {
                fetched.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                tokio::task::yield_now().await;
                Some(answer(status))
            }
        };
        let (a, b) = ([1u8; 32], [2u8; 32]);
        let running = flights.board(a);
        let together =
            futures_util::future::join_all((0..5).map(|_| flights.share(a, [7; 32], fetch(200))));
        let answers = together.await;
        assert!(answers.iter().all(|a| a.as_ref().unwrap().status == 200));
        assert_eq!(count(), 1, "one fetch for five");
        assert!(flights.share(a, [7; 32], fetch(200)).await.is_some());
        assert_eq!(
            count(),
            1,
            "a success serves while a step of the connection runs"
        );
        drop(running);
        flights.share(a, [7; 32], fetch(200)).await;
        assert_eq!(count(), 2, "once none runs, the answer is gone");
        let _other = flights.board(b);
        let refused = flights.share(b, [8; 32], fetch(403)).await.unwrap();
        assert_eq!(refused.status, 403);
        flights.share(b, [8; 32], fetch(403)).await;
        assert_eq!(count(), 4, "an error is asked again");
    }
}
