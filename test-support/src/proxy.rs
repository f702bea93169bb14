//! A real HTTP proxy in front of a server: it records each request's `X-Amz-Target` (the
//! API operation, e.g. `DynamoDB_20120810.DescribeTable`) so a test can count what a step
//! sent, and the server's answers it passed on (so a test can add up what the server
//! reported), and it injects the faults a test queues, one per request, as a network or a
//! misbehaving server would.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does with one request instead of forwarding it faithfully.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer `ThrottlingException` (HTTP 400) without forwarding.
    Throttle,
    /// Answer `ProvisionedThroughputExceededException` (HTTP 400) without forwarding, with
    /// `ThrottlingReasons` `[{"reason", "resource"}]` as the service gives them since 2025.
    ThrottleFor {
        /// What was exceeded, e.g. `TableReadProvisionedThroughputExceeded`.
        reason: String,
        /// The ARN of the table or index.
        resource: String,
    },
    /// Answer this 5xx status without forwarding: the request was not applied.
    ServerErrorBefore(u16),
    /// Forward (the server applies the request), then answer this 5xx status instead of
    /// the server's answer: the outcome is lost.
    ServerErrorAfter(u16),
    /// Close the connection without forwarding.
    ResetBefore,
    /// Forward (the server applies the request), then close the connection unanswered.
    ResetAfter,
    /// Forward after waiting this long.
    Stall(Duration),
    /// Wait this long, then meet the other fault (a slow refusal, say).
    After(Duration, Box<Fault>),
    /// Answer 200 with a body that is not JSON.
    Garbage,
    /// Answer this status with this body without forwarding, as a gateway or a proxy in
    /// front of the service does (an HTML page, not an AWS error).
    Page(u16, &'static str),
    /// Answer 200 with an empty body.
    EmptyBody,
    /// Answer HTTP 400 whose error message echoes every request header (a hostile server).
    EchoHeaders,
    /// Answer HTTP 400 `ValidationException` whose message is the request's body, as a
    /// hostile or careless server that echoes what it was sent (a token, an item).
    EchoBody,
    /// Answer HTTP 200 with this JSON body without forwarding (e.g. `UnprocessedItems`).
    Answer(String),
    /// Forward (the server applies the request), then add the members of this JSON object
    /// to the server's answer: what the service reports and a local server does not
    /// (`ItemCollectionMetrics`, the `ConsumedCapacity` of `PartiQL`). The answer passed on
    /// is recorded as the server's.
    Extend(String),
    /// Answer HTTP 400 with this AWS error code without forwarding (an error the local
    /// servers never give, e.g. `IdempotentParameterMismatchException`).
    Refuse(&'static str),
}

struct State {
    upstream: String,
    /// Each request's `X-Amz-Target` and body.
    seen: Mutex<Vec<(String, Bytes)>>,
    /// The operation and body of each server answer passed on unchanged.
    answered: Mutex<Vec<(String, Bytes)>>,
    /// Queued faults, each for any request (`None`) or one operation.
    faults: Mutex<VecDeque<(Option<String>, Fault)>>,
    /// Standing faults: every request of the operation whose body holds the text meets
    /// the fault, every time (after the queued ones).
    standing: Mutex<Vec<(String, String, Fault)>>,
    /// Requests being handled now, and the most at once so far.
    in_flight: Mutex<(usize, usize)>,
    /// Client connections accepted so far.
    accepted: Mutex<usize>,
    /// Close a client's keep-alive connection that sends no request for this long, as
    /// servers and load balancers do (`None`: keep it open).
    idle_close: Option<Duration>,
}

/// A running proxy; it serves until the process ends.
pub struct Proxy {
    url: String,
    state: Arc<State>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Proxy {
    /// Start a proxy on a free IPv4 loopback port that forwards to `upstream`
    /// (`http://host:port`).
    pub fn start(upstream: &str) -> Proxy {
        Proxy::start_on("127.0.0.1:0", upstream)
    }

    /// Start a proxy listening on `bind` (e.g. `[::1]:0`) that forwards to `upstream`.
    pub fn start_on(bind: &str, upstream: &str) -> Proxy {
        Proxy::start_with(bind, upstream, None)
    }

    /// Start a proxy that forwards to `upstream` and closes a client's connection once it
    /// has been idle for `idle` between requests.
    pub fn start_closing_idle(upstream: &str, idle: Duration) -> Proxy {
        Proxy::start_with("127.0.0.1:0", upstream, Some(idle))
    }

    fn start_with(bind: &str, upstream: &str, idle_close: Option<Duration>) -> Proxy {
        let state = Arc::new(State {
            upstream: upstream.trim_start_matches("http://").to_string(),
            seen: Mutex::default(),
            answered: Mutex::default(),
            faults: Mutex::default(),
            standing: Mutex::default(),
            in_flight: Mutex::default(),
            accepted: Mutex::default(),
            idle_close,
        });
        let listener = std::net::TcpListener::bind(bind).expect("a free port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        listener.set_nonblocking(true).expect("non-blocking");
        let serving = state.clone();
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime")
                .block_on(serve(listener, serving));
        });
        Proxy { url, state }
    }

    /// The proxy's endpoint URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Queue `faults`: each of the next requests meets the next fault.
    pub fn inject(&self, faults: impl IntoIterator<Item = Fault>) {
        lock(&self.state.faults).extend(faults.into_iter().map(|f| (None, f)));
    }

    /// Queue `faults` for the next requests of `operation` (e.g. `BatchWriteItem`) only.
    pub fn inject_on(&self, operation: &str, faults: impl IntoIterator<Item = Fault>) {
        let queued = faults.into_iter().map(|f| (Some(operation.to_string()), f));
        lock(&self.state.faults).extend(queued);
    }

    /// From now on, every request of `operation` whose body contains `text` meets `fault`
    /// (a batch holding one particular item, say), each time it is sent.
    pub fn inject_always(&self, operation: &str, text: &str, fault: Fault) {
        lock(&self.state.standing).push((operation.to_string(), text.to_string(), fault));
    }

    /// How many connections clients opened to the proxy so far.
    pub fn connections(&self) -> usize {
        *lock(&self.state.accepted)
    }

    /// The most requests the proxy was handling at once so far.
    pub fn most_in_flight(&self) -> usize {
        lock(&self.state.in_flight).1
    }

    /// How many requests for `operation` (the part after the dot of `X-Amz-Target`, e.g.
    /// `DescribeTable`) reached the proxy so far.
    pub fn count(&self, operation: &str) -> usize {
        self.bodies(operation).len()
    }

    /// The bodies of the requests for `operation` so far, in order.
    pub fn bodies(&self, operation: &str) -> Vec<String> {
        lock(&self.state.seen)
            .iter()
            .filter(|(t, _)| t.rsplit('.').next() == Some(operation))
            .map(|(_, body)| String::from_utf8_lossy(body).into_owned())
            .collect()
    }

    /// The bodies of the server's answers to `operation` that the proxy passed on as they
    /// came (not those a fault replaced), in the order they came.
    pub fn answers(&self, operation: &str) -> Vec<String> {
        lock(&self.state.answered)
            .iter()
            .filter(|(o, _)| o == operation)
            .map(|(_, body)| String::from_utf8_lossy(body).into_owned())
            .collect()
    }

    /// Every request's `X-Amz-Target` so far, in order.
    pub fn operations(&self) -> Vec<String> {
        lock(&self.state.seen)
            .iter()
            .map(|(t, _)| t.clone())
            .collect()
    }
}

async fn serve(listener: std::net::TcpListener, state: Arc<State>) {
    let listener = TcpListener::from_std(listener).expect("a tokio listener");
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        *lock(&state.accepted) += 1;
        let state = state.clone();
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            if let Some(idle) = state.idle_close {
                // The wait for a request's head starts when the connection goes idle.
                builder
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(idle);
            }
            let service = hyper::service::service_fn(move |request| handle(request, state.clone()));
            let _ = builder
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

type Answer = Result<Response<Full<Bytes>>, Box<dyn std::error::Error + Send + Sync>>;

fn answer(status: u16, body: impl Into<Bytes>) -> Answer {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = StatusCode::from_u16(status)?;
    response
        .headers_mut()
        .insert("content-type", "application/x-amz-json-1.0".parse()?);
    Ok(response)
}

/// An AWS JSON error answer of `kind` with `message`.
fn aws_error(status: u16, kind: &str, message: &str) -> Answer {
    let body = serde_json::json!({
        "__type": format!("com.amazonaws.dynamodb.v20120810#{kind}"),
        "message": message,
    });
    answer(status, body.to_string())
}

/// An STS (query protocol) error answer: HTTP 400 with an XML `ErrorResponse`.
fn sts_error(code: &str, message: &str) -> Answer {
    let escaped = message
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let body = format!(
        "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>\
         <Message>{escaped}</Message></Error><RequestId>proxy</RequestId></ErrorResponse>"
    );
    answer(400, body)
}

/// Handle a request, counting it in flight meanwhile.
async fn handle(request: Request<Incoming>, state: Arc<State>) -> Answer {
    {
        let mut in_flight = lock(&state.in_flight);
        in_flight.0 += 1;
        in_flight.1 = in_flight.1.max(in_flight.0);
    }
    let answer = faulted(request, &state).await;
    lock(&state.in_flight).0 -= 1;
    answer
}

/// The fault a request meets: the next queued one for it, else a standing one whose text
/// its body holds.
fn fault_for(state: &State, operation: &str, body: &[u8]) -> Option<Fault> {
    let mut faults = lock(&state.faults);
    let next = faults
        .iter()
        .position(|(only, _)| only.as_ref().is_none_or(|o| *o == operation));
    if let Some((_, fault)) = next.and_then(|i| faults.remove(i)) {
        return Some(fault);
    }
    let body = String::from_utf8_lossy(body);
    lock(&state.standing)
        .iter()
        .find(|(o, text, _)| o == operation && body.contains(text.as_str()))
        .map(|(_, _, fault)| fault.clone())
}

/// Record the request, then meet its fault or forward it.
async fn faulted(request: Request<Incoming>, state: &State) -> Answer {
    let target = request
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let (parts, body) = request.into_parts();
    let body = body.collect().await?.to_bytes();
    lock(&state.seen).push((target.clone(), body.clone()));
    let request = Request::from_parts(parts, body);
    let operation = target.rsplit('.').next().unwrap_or_default().to_string();
    let fault = fault_for(state, &operation, request.body());
    meet(fault, request, state, operation).await
}

/// Meet `fault` (forward faithfully when `None`).
async fn meet(
    fault: Option<Fault>,
    request: Request<Bytes>,
    state: &State,
    operation: String,
) -> Answer {
    match fault {
        None => relay(request, state, operation).await,
        Some(Fault::Throttle) => aws_error(400, "ThrottlingException", "Rate exceeded"),
        Some(Fault::ThrottleFor { reason, resource }) => {
            let body = serde_json::json!({
                "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                "message": "The level of configured provisioned throughput for the table was exceeded.",
                "ThrottlingReasons": [{"reason": reason, "resource": resource}],
            });
            answer(400, body.to_string())
        }
        Some(Fault::ServerErrorBefore(status)) => {
            aws_error(status, "InternalServerError", "injected before forwarding")
        }
        Some(Fault::ServerErrorAfter(status)) => {
            forward(request, &state.upstream).await?;
            aws_error(status, "InternalServerError", "injected after forwarding")
        }
        Some(Fault::ResetBefore) => Err("connection reset before forwarding".into()),
        Some(Fault::ResetAfter) => {
            forward(request, &state.upstream).await?;
            Err("connection reset after forwarding".into())
        }
        Some(Fault::Stall(pause)) => {
            tokio::time::sleep(pause).await;
            relay(request, state, operation).await
        }
        Some(Fault::After(pause, fault)) => {
            tokio::time::sleep(pause).await;
            Box::pin(meet(Some(*fault), request, state, operation)).await
        }
        Some(Fault::Garbage) => answer(200, "<html>not json"),
        Some(Fault::Page(status, body)) => answer(status, body),
        Some(Fault::EmptyBody) => answer(200, Bytes::new()),
        Some(Fault::Answer(body)) => answer(200, body),
        Some(Fault::Extend(members)) => extended(request, state, operation, &members).await,
        Some(Fault::Refuse(code)) => aws_error(400, code, "injected by the proxy"),
        Some(Fault::EchoHeaders) => {
            let headers: Vec<String> = request
                .headers()
                .iter()
                .map(|(k, v)| format!("{k}: {}", v.to_str().unwrap_or("?")))
                .collect();
            aws_error(400, "ValidationException", &headers.join("; "))
        }
        Some(Fault::EchoBody) => {
            let body = String::from_utf8_lossy(request.body()).into_owned();
            if operation.is_empty() {
                sts_error("ValidationError", &body)
            } else {
                aws_error(400, "ValidationException", &body)
            }
        }
    }
}

/// Forward the request and pass the answer on, recording it as `operation`'s.
async fn relay(request: Request<Bytes>, state: &State, operation: String) -> Answer {
    let response = forward(request, &state.upstream).await?;
    let body = response.body().clone().collect().await?.to_bytes();
    lock(&state.answered).push((operation, body));
    Ok(response)
}

/// Forward the request, add `members` (a JSON object) to the answer's members, pass the
/// answer on and record it as `operation`'s.
async fn extended(
    request: Request<Bytes>,
    state: &State,
    operation: String,
    members: &str,
) -> Answer {
    let response = forward(request, &state.upstream).await?;
    let (parts, body) = response.into_parts();
    let body = body.collect().await?.to_bytes();
    let mut answer: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&body)?;
    let added: serde_json::Map<String, serde_json::Value> = serde_json::from_str(members)?;
    answer.extend(added);
    let body = Bytes::from(serde_json::to_vec(&answer)?);
    lock(&state.answered).push((operation, body.clone()));
    let mut response = Response::from_parts(parts, Full::new(body));
    // The length and the checksum were the server's body's.
    response.headers_mut().remove("content-length");
    response.headers_mut().remove("x-amz-crc32");
    Ok(response)
}

/// Send the request on to `upstream` on a new connection and return its answer.
async fn forward(request: Request<Bytes>, upstream: &str) -> Answer {
    let (parts, body) = request.into_parts();
    let stream = TcpStream::connect(upstream).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let response = sender
        .send_request(Request::from_parts(parts, Full::new(body)))
        .await?;
    let (parts, body) = response.into_parts();
    let body = body.collect().await?.to_bytes();
    Ok(Response::from_parts(parts, Full::new(body)))
}
