//! A real HTTP proxy in front of a server that records each request's `X-Amz-Target`
//! (the API operation, e.g. `DynamoDB_20120810.DescribeTable`), so a test can count what a
//! step actually sent.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpStream};

/// A running proxy; it serves until the process ends.
pub struct CountingProxy {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl CountingProxy {
    /// Start a proxy on a free loopback port that forwards to `upstream` (`http://host:port`).
    pub fn start(upstream: &str) -> CountingProxy {
        let upstream = upstream.trim_start_matches("http://").to_string();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        listener.set_nonblocking(true).expect("non-blocking");
        let log = seen.clone();
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime")
                .block_on(serve(listener, upstream, log));
        });
        CountingProxy { url, seen }
    }

    /// The proxy's endpoint URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// How many requests for `operation` (the part after the dot of `X-Amz-Target`, e.g.
    /// `DescribeTable`) passed through so far.
    pub fn count(&self, operation: &str) -> usize {
        let seen = self.seen.lock().expect("the request log");
        seen.iter()
            .filter(|t| t.rsplit('.').next() == Some(operation))
            .count()
    }

    /// Every request's `X-Amz-Target` so far, in order.
    pub fn operations(&self) -> Vec<String> {
        self.seen.lock().expect("the request log").clone()
    }
}

async fn serve(listener: std::net::TcpListener, upstream: String, seen: Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::from_std(listener).expect("a tokio listener");
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let (upstream, seen) = (upstream.clone(), seen.clone());
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                forward(request, upstream.clone(), seen.clone())
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Record the request's operation and send it on to `upstream` on a new connection.
async fn forward(
    request: Request<Incoming>,
    upstream: String,
    seen: Arc<Mutex<Vec<String>>>,
) -> Result<Response<Full<Bytes>>, Box<dyn std::error::Error + Send + Sync>> {
    let target = request
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    seen.lock().expect("the request log").push(target);
    let (parts, body) = request.into_parts();
    let body = body.collect().await?.to_bytes();
    let stream = TcpStream::connect(&upstream).await?;
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
