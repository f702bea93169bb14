//! HTTP connection reuse for the guest's outgoing requests, across steps.
//!
//! `wasmtime-wasi-http`'s default sender opens a new TCP (and TLS) connection for every
//! request; a workflow host runs thousands of steps against the same few endpoints, so the
//! host keeps idle HTTP/1.1 connections per origin and hands them to the next request. A
//! request body is buffered first (API request bodies are small JSON) so that a request whose
//! pooled connection turned out to be closed before it was sent can go again on a fresh one.

use crate::egress::Egress;
use crate::hooks::Notice;
use crate::timed::{timed, Io};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use wasmtime_wasi_http::io::TokioIo;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody};

/// Idle connections older than this are dropped rather than reused (servers close idle
/// keep-alive connections after some seconds, AWS services after about a minute).
const MAX_IDLE: Duration = Duration::from_secs(20);
/// Idle connections kept per origin: as many as a bulk step keeps requests in flight (its
/// `concurrency`, at most 32), so that none of them opens a new connection per request.
const MAX_IDLE_PER_ORIGIN: usize = 32;
/// Connect, first-byte and between-bytes timeouts when the guest sets none.
const DEFAULT_TIMEOUT: Duration = Duration::from_mins(1);

struct Idle {
    sender: SendRequest<Full<Bytes>>,
    since: Instant,
}

/// Where a connection goes: the origin of its requests.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Target {
    tls: bool,
    host: String,
    port: u16,
}

/// Idle connections by their target, shared by every step of a host.
#[derive(Clone, Default)]
pub(crate) struct Pool {
    idle: Arc<Mutex<HashMap<Target, Vec<Idle>>>>,
}

fn tls_config() -> Arc<rustls::ClientConfig> {
    static CONFIG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let roots = rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.into(),
            };
            Arc::new(
                rustls::ClientConfig::builder_with_provider(Arc::new(
                    rustls::crypto::ring::default_provider(),
                ))
                .with_safe_default_protocol_versions()
                .expect("ring supports the default TLS versions")
                .with_root_certificates(roots)
                .with_no_client_auth(),
            )
        })
        .clone()
}

/// Lock a mutex whose data stays valid even if a holder panicked.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Pool {
    fn checkout(&self, target: &Target) -> Option<SendRequest<Full<Bytes>>> {
        let mut idle = self.idle.lock().ok()?;
        let list = idle.get_mut(target)?;
        while let Some(candidate) = list.pop() {
            if candidate.since.elapsed() < MAX_IDLE && candidate.sender.is_ready() {
                return Some(candidate.sender);
            }
        }
        None
    }

    fn checkin(&self, target: Target, sender: SendRequest<Full<Bytes>>) {
        if let Ok(mut idle) = self.idle.lock() {
            let list = idle.entry(target).or_default();
            list.retain(|i| !i.sender.is_closed() && i.since.elapsed() < MAX_IDLE);
            if list.len() < MAX_IDLE_PER_ORIGIN {
                list.push(Idle {
                    sender,
                    since: Instant::now(),
                });
            }
        }
    }

    /// Resolve `host` and connect to the first address the egress policy permits;
    /// `Err(denied)` naming the addresses when it permits none.
    async fn connect_permitted(
        host: &str,
        port: u16,
        egress: &Egress,
    ) -> Result<Result<TcpStream, Error>, String> {
        let name = host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<SocketAddr> = match tokio::net::lookup_host((name, port)).await {
            Ok(addrs) => addrs.collect(),
            Err(_) => {
                return Ok(Err(Error::DnsError {
                    rcode: None,
                    info_code: None,
                }))
            }
        };
        let permitted: Vec<SocketAddr> = addrs
            .iter()
            .copied()
            .filter(|a| egress.permits_address(host, a.ip()))
            .collect();
        if permitted.is_empty() {
            let shown: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
            return Err(format!(
                "{host} resolves to {}, which the host's egress policy does not permit (the \
                 operator allows it with `connector-host --allow-endpoint {host}`, or \
                 `Options::egress.allow` in the library)",
                shown.join(", ")
            ));
        }
        Ok(TcpStream::connect(&permitted[..])
            .await
            .map_err(Error::Connect))
    }

    /// A new connection to `host`; a denial is recorded in `refusals`.
    async fn open(
        host: &str,
        port: u16,
        tls: bool,
        timeout: Duration,
        egress: &Egress,
        refusals: &Mutex<Vec<Notice>>,
    ) -> Result<SendRequest<Full<Bytes>>, Error> {
        match Pool::connect(host, port, tls, timeout, egress).await {
            Ok(sender) => Ok(sender),
            Err(Refused::Denied(denied)) => {
                lock(refusals).push(Notice::Refused(denied));
                Err(Error::HttpRequestDenied)
            }
            Err(Refused::Failed(error)) => {
                let scheme = if tls { "https" } else { "http" };
                let why = match &error {
                    Error::ConnectionTimeout => format!("no answer within {timeout:?}"),
                    other => other.to_string(),
                };
                let url = format!("{scheme}://{host}:{port}");
                lock(refusals).push(Notice::Unreachable(format!("{url} ({why})")));
                Err(error)
            }
        }
    }

    /// A new connection to `host`. Its socket, TLS and HTTP/1.1 connection task live on the
    /// runtime of the thread that runs the step (each such thread has its own runtime and
    /// pool, `run.rs`): a request and its answer never hop threads. Measured against a
    /// shared two-thread I/O runtime (2026-12-07, docs/performance.md): a warm step 20%
    /// faster, a 16-in-flight batch write no slower.
    async fn connect(
        host: &str,
        port: u16,
        tls: bool,
        timeout: Duration,
        egress: &Egress,
    ) -> Result<SendRequest<Full<Bytes>>, Refused> {
        let connect = Pool::connect_permitted(host, port, egress);
        let tcp = match tokio::time::timeout(timeout, connect).await {
            Err(_) => return Err(Refused::Failed(Error::ConnectionTimeout)),
            Ok(Err(denied)) => return Err(Refused::Denied(denied)),
            Ok(Ok(tcp)) => tcp.map_err(Refused::Failed)?,
        };
        tcp.set_nodelay(true).ok();
        let handshake = hyper::client::conn::http1::Builder::new();
        let sender = if tls {
            let bare = host.trim_start_matches('[').trim_end_matches(']');
            let name = match bare.parse::<std::net::IpAddr>() {
                Ok(ip) => rustls::pki_types::ServerName::from(ip),
                Err(_) => rustls::pki_types::ServerName::try_from(bare.to_string())
                    .map_err(|e| Refused::Failed(e.into()))?,
            };
            let stream = tokio_rustls::TlsConnector::from(tls_config())
                .connect(name, tcp)
                .await
                .map_err(|e| Refused::Failed(Error::Tls(e)))?;
            let (sender, connection) = handshake
                .handshake(TokioIo::new(stream))
                .await
                .map_err(|e| Refused::Failed(e.into()))?;
            tokio::spawn(connection);
            sender
        } else {
            let (sender, connection) = handshake
                .handshake(TokioIo::new(tcp))
                .await
                .map_err(|e| Refused::Failed(e.into()))?;
            tokio::spawn(connection);
            sender
        };
        Ok(sender)
    }

    /// Send `request` on a pooled connection to its origin, or a new one.
    pub(crate) async fn send(
        &self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        egress: &Egress,
        refusals: &Mutex<Vec<Notice>>,
    ) -> Result<(http::Response<WasiBody>, Io), Error> {
        let (parts, body) = request.into_parts();
        let body = body.collect().await?.to_bytes();
        let uri = parts.uri.clone();
        let tls = uri.scheme() == Some(&http::uri::Scheme::HTTPS);
        let host = uri.host().ok_or(Error::HttpRequestUriInvalid)?.to_string();
        let port = uri.port_u16().unwrap_or(if tls { 443 } else { 80 });
        let target = Target {
            tls,
            host: host.clone(),
            port,
        };
        let connect_timeout = options
            .and_then(|o| o.connect_timeout)
            .unwrap_or(DEFAULT_TIMEOUT);
        let first_byte_timeout = options
            .and_then(|o| o.first_byte_timeout)
            .unwrap_or(DEFAULT_TIMEOUT);
        let between_bytes_timeout = options
            .and_then(|o| o.between_bytes_timeout)
            .unwrap_or(DEFAULT_TIMEOUT);
        // On the wire the request line carries only the path, not the scheme and authority.
        let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_string();

        let mut pooled = self.checkout(&target);
        loop {
            let reused = pooled.is_some();
            let mut sender = match pooled.take() {
                Some(sender) => sender,
                None => Pool::open(&host, port, tls, connect_timeout, egress, refusals).await?,
            };
            let mut request = http::Request::builder()
                .method(parts.method.clone())
                .uri(path.as_str())
                .version(parts.version)
                .body(Full::new(body.clone()))
                .map_err(|_| Error::HttpRequestUriInvalid)?;
            *request.headers_mut() = parts.headers.clone();
            match tokio::time::timeout(first_byte_timeout, sender.send_request(request)).await {
                Err(_) => return Err(Error::ConnectionReadTimeout),
                // The pooled connection closed before the request went out: try a fresh one.
                Ok(Err(e)) if reused && e.is_canceled() => {}
                Ok(Err(e)) => return Err(Error::from(e)),
                Ok(Ok(response)) => {
                    self.checkin(target, sender);
                    return Ok(timed(response, between_bytes_timeout));
                }
            }
        }
    }
}

/// Why a new connection was not made: the egress policy denied every address (named), or
/// connecting failed.
enum Refused {
    Denied(String),
    Failed(Error),
}
