//! Hostile and slow clients of `connector-host serve`, over raw TCP: half-sent requests are
//! closed after the header timeout and cannot starve health checks (under a descriptor
//! limit), a huge declared length is refused at once, a stalled connection cannot hold up
//! SIGTERM past the grace period, and while draining an idle keep-alive connection is
//! answered 503.

use crate::harness::*;
use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use test_support::{Fault, Proxy};

/// A raw connection to the service.
fn open(server: &Server) -> TcpStream {
    let stream = TcpStream::connect(server.url.trim_start_matches("http://")).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream
}

/// The status of the next response on `stream`, read through its headers and its
/// `Content-Length` body; `None` when the connection ends first.
fn status(stream: &mut TcpStream) -> Option<u16> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).ok()?;
    head.split(' ').nth(1)?.parse().ok()
}

/// Whether the server closed `stream` (end of stream or a reset) within its read timeout.
fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut buffer = [0u8; 64];
    match stream.read(&mut buffer) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    }
}

#[test]
fn half_sent_requests_are_closed_and_cannot_starve_health_checks() {
    let server = Server::start_under(
        &["prlimit", "--nofile=256:256"],
        &["--max-connections", "100", "--header-timeout", "2"],
    );
    let mut loris: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut stream = open(&server);
            stream
                .write_all(b"POST /v1/steps HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                .unwrap();
            stream
        })
        .collect();
    let started = Instant::now();
    let (status, body) = server.get("/healthz");
    let latency = started.elapsed();
    assert_eq!((status, body.as_str()), (200, "ok"));
    eprintln!("health check with 300 half-sent requests open: {latency:?}");
    assert!(
        closed_by_server(&mut loris[0]),
        "a request whose headers never finish is closed after the header timeout"
    );
}

#[test]
fn a_declared_length_over_the_limit_is_413_at_once() {
    let server = Server::start(&["--max-body-bytes", "1048576"]);
    let mut stream = open(&server);
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
        .write_all(
            b"POST /v1/steps HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
              Content-Length: 10000000000\r\n\r\n",
        )
        .unwrap();
    assert_eq!(
        status(&mut stream),
        Some(413),
        "answered before any body byte"
    );
}

#[test]
fn sigterm_ends_within_the_grace_period_despite_a_stalled_connection() {
    let mut server = Server::start(&["--header-timeout", "120", "--shutdown-grace", "2"]);
    let mut stalled = open(&server);
    stalled
        .write_all(b"POST /v1/steps HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .unwrap();
    let mut idle = open(&server);
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    assert_eq!(status(&mut idle), Some(200));
    std::thread::sleep(Duration::from_millis(200));
    let signalled = Instant::now();
    server.terminate();
    let exited = (0..200).find_map(|_| {
        std::thread::sleep(Duration::from_millis(50));
        server.0.child.try_wait().unwrap()
    });
    let exit = exited.expect("the service exits within 10 s of SIGTERM");
    assert!(exit.success(), "{exit:?}");
    eprintln!("exited {:?} after SIGTERM", signalled.elapsed());
    assert!(closed_by_server(&mut stalled));
}

#[test]
fn while_draining_a_request_on_an_idle_keep_alive_connection_gets_503() {
    let server = Server::start(&[]);
    let proxy = Proxy::start(moto());
    proxy.inject_on("ListTables", [Fault::Stall(Duration::from_secs(3))]);
    let mut idle = open(&server);
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    assert_eq!(status(&mut idle), Some(200));
    std::thread::scope(|s| {
        let slow = s.spawn(|| {
            server
                .step(proxy.url(), "list-tables", json!({"region": "eu-south-2"}))
                .0
        });
        std::thread::sleep(Duration::from_millis(800));
        server.terminate();
        std::thread::sleep(Duration::from_millis(300));
        let step = json!({"connection": connection(moto()), "action": "list-tables",
                          "input": {"region": "eu-south-2"}})
        .to_string();
        let request = format!(
            "POST /v1/steps HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{step}",
            step.len()
        );
        idle.write_all(request.as_bytes()).unwrap();
        assert_eq!(status(&mut idle), Some(503), "answered, not closed");
        assert_eq!(slow.join().unwrap(), 200, "the step in flight finished");
    });
}

/// The status of one raw `POST /v1/steps` with `headers` (each ending in CRLF) and a
/// step body, on a connection of its own.
fn post_with_headers(server: &Server, headers: &str) -> Option<u16> {
    let step = json!({"connection": connection(moto()), "action": "list-tables",
                      "input": {"region": "eu-south-2"}})
    .to_string();
    let mut stream = open(server);
    let request = format!(
        "POST /v1/steps HTTP/1.1\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{step}",
        step.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    status(&mut stream)
}

#[test]
fn a_service_without_a_token_takes_only_loopback_names_and_json_bodies() {
    let server = Server::start(&[]);
    let json = "Content-Type: application/json\r\n";
    assert_eq!(
        post_with_headers(&server, &format!("Host: 127.0.0.1\r\n{json}")),
        Some(200)
    );
    assert_eq!(
        post_with_headers(&server, &format!("Host: localhost:80\r\n{json}")),
        Some(200)
    );
    assert_eq!(
        post_with_headers(
            &server,
            &format!("Host: rebound.attacker.example\r\n{json}")
        ),
        Some(403),
        "a page that rebinds its name to 127.0.0.1 is refused"
    );
    assert_eq!(
        post_with_headers(&server, "Host: 127.0.0.1\r\nContent-Type: text/plain\r\n"),
        Some(415),
        "a body a web page may send to any origin is refused"
    );
    assert_eq!(post_with_headers(&server, "Host: 127.0.0.1\r\n"), Some(415));
}

#[test]
fn a_request_framed_two_ways_is_answered_once_and_its_connection_closed() {
    let server = Server::start(&[]);
    let step = |region: &str| {
        json!({"connection": connection(moto()), "action": "list-tables",
               "input": {"region": region}})
        .to_string()
    };
    let (first, smuggled) = (step("eu-south-2"), step("eu-west-1"));
    let mut stream = open(&server);
    // A proxy that frames by Content-Length sees a 4-byte body and then a second request;
    // read by its chunked encoding, the first request ends where the smuggled one begins.
    let request = format!(
        "POST /v1/steps HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n\
         {:x}\r\n{first}\r\n0\r\n\r\n\
         POST /v1/steps HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{smuggled}",
        first.len(),
        smuggled.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    assert_eq!(status(&mut stream), Some(200), "the request, by its chunks");
    assert_eq!(
        status(&mut stream),
        None,
        "the connection closes: what follows is never read as a request"
    );
}
