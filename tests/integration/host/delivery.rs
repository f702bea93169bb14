//! `connector-host watch` as an operator runs it against receivers that misbehave: a
//! receiver that redirects gets no record counted as delivered and the redirect is never
//! followed; a receiver that never answers is given up on within the delivery timeout and
//! SIGTERM ends the watch during a delivery; state files the runner did not write, and a
//! state path it cannot write, are refused before anything is delivered.

use crate::connector::streams::{lines_of, put, streamed_table, watch_with};
use crate::harness::*;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How a test receiver answers every request.
#[derive(Clone)]
enum Answer {
    /// `302 Found` to this location.
    Redirect(String),
    /// Reads the request and never answers.
    Silent,
}

/// A receiver on a port of its own: each request's method and path on the channel, as
/// soon as its head is read.
fn receiver(answer: Answer) -> (String, mpsc::Receiver<String>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let (send, seen) = mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let (mut first, mut length) = (String::new(), 0);
            reader.read_line(&mut first).ok();
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).ok();
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                if line == "\r\n" || line.is_empty() {
                    break;
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).ok();
            let request: Vec<&str> = first.split_whitespace().take(2).collect();
            send.send(request.join(" ")).ok();
            match &answer {
                Answer::Redirect(location) => {
                    let head = format!(
                        "HTTP/1.1 302 Found\r\nlocation: {location}\r\ncontent-length: 0\r\n\
                         connection: close\r\n\r\n"
                    );
                    stream.write_all(head.as_bytes()).ok();
                }
                Answer::Silent => held.push(stream),
            }
        }
    });
    (url, seen)
}

/// A table with three changes on its stream, and the watch step that reads them.
fn three_changes(region: &str, table: &str) -> Value {
    streamed_table(region, table);
    for id in 0..3 {
        put(region, table, id, 1);
    }
    json!({"connection": connection(moto()), "action": "read-stream-changes",
           "input": {"region": region, "table-name": table}})
}

#[test]
fn a_redirecting_receiver_is_never_followed_and_nothing_counts_as_delivered() {
    let step = three_changes("us-gov-east-1", "redirected-stream");
    let (elsewhere, followed) = receiver(Answer::Silent);
    let (url, seen) = receiver(Answer::Redirect(elsewhere));
    let folder = tempfile::tempdir().unwrap();
    let state = folder.path().join("state.json");
    let mut child = watch_with(&step, &state, &["--deliver-to", &url]);
    for attempt in 1..=2 {
        let request = seen
            .recv_timeout(Duration::from_mins(1))
            .expect("an attempt");
        assert_eq!(request, "POST /hook", "attempt {attempt}");
    }
    sigterm(child.id());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(
        followed.try_recv().is_err(),
        "the redirect's location got a request"
    );
    assert!(
        !state.exists(),
        "records answered with a redirect are not delivered: no state is saved"
    );
}

#[test]
fn a_silent_receiver_times_out_each_attempt_and_sigterm_ends_a_delivery_at_once() {
    let step = three_changes("ap-east-2", "silent-stream");
    let (url, seen) = receiver(Answer::Silent);
    let folder = tempfile::tempdir().unwrap();
    let state = folder.path().join("state.json");
    let mut child = watch_with(
        &step,
        &state,
        &["--deliver-to", &url, "--delivery-timeout", "2"],
    );
    seen.recv_timeout(Duration::from_mins(1))
        .expect("a first attempt");
    let second = seen.recv_timeout(Duration::from_secs(10));
    assert!(
        second.is_ok(),
        "a second attempt follows the first's timeout (2 s) and pause (1 s)"
    );
    std::thread::sleep(Duration::from_millis(300));
    sigterm(child.id());
    let stopping = Instant::now();
    let status = child.wait().unwrap();
    let took = stopping.elapsed();
    assert!(status.success(), "{status:?}");
    assert!(
        took < Duration::from_secs(2),
        "SIGTERM during a delivery took {took:?}"
    );
    assert!(!state.exists(), "an undelivered poll saves no state");
}

/// Run a watch (records on standard output) with `state`: its exit code, its standard
/// output, and how long it ran.
fn watch_once(step: &Value, state: &std::path::Path) -> (Option<i32>, String, Duration) {
    let started = Instant::now();
    let mut child = watch_with(step, state, &[]);
    let lines = lines_of(child.stdout.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out: Vec<String> = lines.iter().collect();
    (status.code(), out.join("\n"), started.elapsed())
}

#[test]
fn state_files_the_runner_did_not_write_and_unwritable_paths_are_refused_before_delivery() {
    let step = three_changes("us-iso-east-1", "refused-state-stream");
    let folder = tempfile::tempdir().unwrap();
    let foreign = json!({"version": 1, "trigger": {"action": "read-stream-changes",
                         "input-sha256": "0"}, "state": "x"});
    for (n, text) in [
        "{}".to_string(),
        "[]".to_string(),
        r#"{"state": null}"#.to_string(),
        r#"{"State": "eyJ2IjoxfQ"}"#.to_string(),
        r#"{"version": 9, "trigger": {}, "state": "x"}"#.to_string(),
        foreign.to_string(),
    ]
    .iter()
    .enumerate()
    {
        let state = folder.path().join(format!("state-{n}.json"));
        std::fs::write(&state, text).unwrap();
        let (code, out, _) = watch_once(&step, &state);
        assert_eq!(code, Some(1), "{text}: {out}");
        let error: Value = serde_json::from_str(&out).expect("one error document");
        let message = error["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(state.to_str().unwrap()),
            "{text}: {message}"
        );
        assert_eq!(
            std::fs::read_to_string(&state).unwrap(),
            *text,
            "kept as it was"
        );
    }
    let missing = folder.path().join("no-such-folder").join("state.json");
    let (code, out, _) = watch_once(&step, &missing);
    assert_eq!(code, Some(1), "{out}");
    assert!(!out.contains("INSERT"), "nothing delivered: {out}");
    assert!(out.contains("cannot be written"), "{out}");
}
