//! The bulk and tenancy benchmark (`scripts/bench.sh` runs it after `steps`): a stub
//! `DynamoDB` that answers each request after a delay (`BENCH_DELAY_MS`, 5 ms by default: a
//! region's round trip), and in one run, side by side:
//!
//! - a 10,000-item batch write, a 10,000-key batch get, and 1- and 4-segment scans of
//!   10,000 items: the component through the host, native `aws-sdk-dynamodb` (sequential
//!   and with the component's concurrency), boto3 (`batch_writer` / sequential, and a
//!   thread pool of 8) and the JS SDK v3 (sequential, and 8 in flight), with the physical
//!   limit (requests ÷ in flight × delay);
//! - 1,000 tenants (access-key, then role-arn) × 5 steps through one `connector-host
//!   serve`: steps/s, p50/p99, the service's RSS and the `AssumeRole` calls the stub saw.

use aws_credential_types::Credentials;
use aws_sdk_dynamodb::config::{BehaviorVersion, Region};
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, PutRequest, WriteRequest};
use axum::body::Bytes;
use axum::http::HeaderMap;
use connector_host::{Host, Options};
use futures_util::stream::{self, StreamExt};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use test_support::bench::{cpu_ms, ms, peer_figures, time, Figures};

/// Items written, read and scanned.
const ITEMS: usize = 10_000;
/// The stub's table.
const TABLE: &str = "bulk";
/// Items per stub `Scan` page.
const PAGE: usize = 1000;
/// The component's default `concurrency`.
const CONCURRENCY: usize = 16;
/// Timed runs per contender.
const RUNS: usize = 3;

// ---------------------------------------------------------------- the delayed stub

/// What the stub shares between requests.
struct Stub {
    delay: Duration,
    assumed: AtomicUsize,
}

fn item(id: u64) -> Value {
    json!({"id": {"N": id.to_string()}, "name": {"S": format!("item-{id}")}, "total": {"N": "12.50"}})
}

/// One `Scan` page of the request's segment: the ids `segment`, `segment + total`, ...
/// after its start key.
fn scan_page(request: &Value) -> Value {
    let total = request["TotalSegments"].as_u64().unwrap_or(1);
    let step = usize::try_from(total).unwrap();
    let segment = request["Segment"].as_u64().unwrap_or(0);
    let after = request["ExclusiveStartKey"]["id"]["N"]
        .as_str()
        .and_then(|n| n.parse::<u64>().ok());
    let first = after.map_or(segment, |a| a + total);
    let ids: Vec<u64> = (first..ITEMS as u64).step_by(step).take(PAGE).collect();
    let mut page = json!({"Items": ids.iter().map(|i| item(*i)).collect::<Vec<_>>(),
        "Count": ids.len(), "ScannedCount": ids.len()});
    if let Some(last) = ids.last().filter(|l| *l + total < ITEMS as u64) {
        page["LastEvaluatedKey"] = json!({"id": {"N": last.to_string()}});
    }
    page
}

/// The items of a `BatchGetItem`'s keys.
fn batch_get(request: &Value) -> Value {
    let mut responses = serde_json::Map::new();
    for (table, wanted) in request["RequestItems"].as_object().into_iter().flatten() {
        let ids = wanted["Keys"].as_array().into_iter().flatten();
        let items = ids
            .filter_map(|k| k["id"]["N"].as_str()?.parse().ok())
            .map(item);
        responses.insert(table.clone(), Value::Array(items.collect()));
    }
    json!({"Responses": responses, "UnprocessedKeys": {}})
}

/// STS's `AssumeRole` answer (the query protocol's XML).
fn assume_role_answer() -> String {
    let expires = "2099-01-01T00:00:00Z";
    format!(
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>\
         <Credentials><AccessKeyId>ASIABENCH</AccessKeyId><SecretAccessKey>assumed-secret</SecretAccessKey>\
         <SessionToken>assumed-token</SessionToken><Expiration>{expires}</Expiration></Credentials>\
         <AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/bench/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId>\
         </AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>stub</RequestId>\
         </ResponseMetadata></AssumeRoleResponse>"
    )
}

async fn answer(stub: Arc<Stub>, headers: HeaderMap, body: Bytes) -> (HeaderMap, String) {
    tokio::time::sleep(stub.delay).await;
    let mut out = HeaderMap::new();
    let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok());
    let Some(operation) = target.and_then(|t| t.rsplit('.').next()) else {
        stub.assumed.fetch_add(1, Ordering::Relaxed);
        out.insert("content-type", "text/xml".parse().unwrap());
        return (out, assume_role_answer());
    };
    out.insert(
        "content-type",
        "application/x-amz-json-1.0".parse().unwrap(),
    );
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let reply = match operation {
        "DescribeTable" => json!({"Table": {"TableName": TABLE, "TableStatus": "ACTIVE",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "N"}]}}),
        "BatchGetItem" => batch_get(&request),
        "Scan" => scan_page(&request),
        "GetItem" => json!({"Item": item(1)}),
        "BatchWriteItem" => json!({"UnprocessedItems": {}}),
        _ => json!({}),
    };
    (out, reply.to_string())
}

/// Start the stub on a free port: its URL and its shared state.
fn start_stub(runtime: &tokio::runtime::Runtime, delay: Duration) -> (String, Arc<Stub>) {
    let stub = Arc::new(Stub {
        delay,
        assumed: AtomicUsize::new(0),
    });
    let shared = stub.clone();
    let app = axum::Router::new()
        .fallback(move |headers: HeaderMap, body: Bytes| answer(shared.clone(), headers, body));
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    runtime.spawn(async move { axum::serve(listener, app).await });
    (url, stub)
}

// ---------------------------------------------------------------- native aws-sdk-dynamodb

fn native_client(endpoint: &str) -> aws_sdk_dynamodb::Client {
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDBENCH", "bench", None, None, "bench"))
        .endpoint_url(endpoint)
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build();
    aws_sdk_dynamodb::Client::from_conf(config)
}

fn attributes(id: usize) -> HashMap<String, AttributeValue> {
    HashMap::from([
        ("id".into(), AttributeValue::N(id.to_string())),
        ("name".into(), AttributeValue::S(format!("item-{id}"))),
        ("total".into(), AttributeValue::N("12.50".into())),
    ])
}

/// The native batch write, `in_flight` requests of 25 at once.
async fn native_write(client: &aws_sdk_dynamodb::Client, in_flight: usize) {
    let writes = (0..ITEMS).map(|i| {
        let put = PutRequest::builder().set_item(Some(attributes(i))).build();
        WriteRequest::builder().put_request(put.unwrap()).build()
    });
    let writes: Vec<WriteRequest> = writes.collect();
    let send = |chunk: &[WriteRequest]| {
        let items = HashMap::from([(TABLE.to_string(), chunk.to_vec())]);
        client
            .batch_write_item()
            .set_request_items(Some(items))
            .send()
    };
    let answers = stream::iter(writes.chunks(25).map(send)).buffer_unordered(in_flight);
    answers
        .for_each(|out| async move {
            assert!(out
                .unwrap()
                .unprocessed_items
                .unwrap_or_default()
                .is_empty());
        })
        .await;
}

/// The native batch get, `in_flight` requests of 100 keys at once; the items read.
async fn native_get(client: &aws_sdk_dynamodb::Client, in_flight: usize) -> usize {
    let keys: Vec<HashMap<String, AttributeValue>> = (0..ITEMS)
        .map(|i| HashMap::from([("id".into(), AttributeValue::N(i.to_string()))]))
        .collect();
    let send = |chunk: &[HashMap<String, AttributeValue>]| {
        let wanted = KeysAndAttributes::builder().set_keys(Some(chunk.to_vec()));
        let items = HashMap::from([(TABLE.to_string(), wanted.build().unwrap())]);
        client
            .batch_get_item()
            .set_request_items(Some(items))
            .send()
    };
    let answers = stream::iter(keys.chunks(100).map(send)).buffer_unordered(in_flight);
    let counts = answers.map(|out| out.unwrap().responses.unwrap_or_default()[TABLE].len());
    counts.fold(0, |a, b| async move { a + b }).await
}

/// The native scan of `segments` segments at once; the items read.
async fn native_scan(client: &aws_sdk_dynamodb::Client, segments: i32) -> usize {
    let segment = |s: i32| async move {
        let (mut start, mut count) = (None, 0);
        loop {
            let request = client
                .scan()
                .table_name(TABLE)
                .set_exclusive_start_key(start);
            let out = request
                .segment(s)
                .total_segments(segments)
                .send()
                .await
                .unwrap();
            count += out.items().len();
            start = out.last_evaluated_key;
            if start.is_none() {
                return count;
            }
        }
    };
    let counts = futures_util::future::join_all((0..segments).map(segment)).await;
    counts.into_iter().sum()
}

// ---------------------------------------------------------------- the rows

/// One kind of bulk work.
#[derive(Clone, Copy)]
enum Work {
    Write,
    Get,
    Scan(i32),
}

impl Work {
    fn label(self) -> String {
        match self {
            Work::Write => format!("batch write, {ITEMS} items"),
            Work::Get => format!("batch get, {ITEMS} keys"),
            Work::Scan(s) => format!("scan, {ITEMS} items, {s} segment(s)"),
        }
    }

    /// The peers' name of the work.
    fn peer_name(self) -> &'static str {
        match self {
            Work::Write => "write",
            Work::Get => "get",
            Work::Scan(1) => "scan1",
            Work::Scan(_) => "scan4",
        }
    }

    /// Requests the work takes: 400 writes of 25, 100 gets of 100, pages of 1,000.
    fn requests(self) -> usize {
        match self {
            Work::Write => ITEMS / 25,
            Work::Get => ITEMS / 100,
            Work::Scan(s) => ITEMS.div_ceil(PAGE) + usize::try_from(s).unwrap() - 1,
        }
    }

    /// The component's step for the work.
    fn step(self, endpoint: &str) -> Value {
        let input = match self {
            Work::Write => {
                let puts: Vec<Value> = (0..ITEMS)
                    .map(|i| json!({"put": {"id": i, "name": format!("item-{i}"), "total": 12.50}}))
                    .collect();
                json!({"region": "us-east-1", "requests": {TABLE: puts}})
            }
            Work::Get => {
                let keys: Vec<Value> = (0..ITEMS).map(|i| json!({"id": i})).collect();
                json!({"region": "us-east-1", "keys": {TABLE: keys}})
            }
            Work::Scan(s) => {
                json!({"region": "us-east-1", "table-name": TABLE, "fetch-all": true, "segments": s})
            }
        };
        let action = match self {
            Work::Write => "batch-write-items",
            Work::Get => "batch-get-items",
            Work::Scan(_) => "scan-items",
        };
        json!({"connection": {"type": "access-key", "access-key-id": "AKIDBENCH",
            "secret-access-key": "bench-secret", "endpoint-url": endpoint},
            "action": action, "input": input})
    }

    /// Whether the component's output says the work was all done.
    fn complete(self, out: &Value) -> bool {
        match self {
            Work::Write => out["Written"] == ITEMS,
            Work::Get => out["Responses"][TABLE].as_array().map(Vec::len) == Some(ITEMS),
            Work::Scan(_) => out["Count"] == ITEMS,
        }
    }

    /// The native run with `in_flight` requests (segments run together as they are).
    async fn native(self, client: &aws_sdk_dynamodb::Client, in_flight: usize) {
        match self {
            Work::Write => native_write(client, in_flight).await,
            Work::Get => assert_eq!(native_get(client, in_flight).await, ITEMS),
            Work::Scan(s) => assert_eq!(native_scan(client, s).await, ITEMS),
        }
    }
}

fn row(work: Work, contender: &str, f: &Figures, limit: Duration) {
    let requests = u32::try_from(work.requests()).unwrap();
    let cpu = cpu_ms(f, requests);
    println!(
        "| {} | {contender} | {} | {} | {:.2}× | {cpu} |",
        work.label(),
        ms(f.p50),
        ms(f.p99),
        f.p50.as_secs_f64() / limit.as_secs_f64()
    );
}

/// A peer script's figures for `work` in `style`.
fn peer(program: &str, script: &str, endpoint: &str, work: Work, style: &str) -> Figures {
    let path = test_support::workspace().join("scripts/peers").join(script);
    let output = Command::new(program)
        .arg(path)
        .args([endpoint, work.peer_name(), &RUNS.to_string(), style])
        .output();
    peer_figures(&format!("{script} {style}"), output)
}

/// The rows of one work: its limits, the component, native, boto3 and the JS SDK.
fn work_rows(
    runtime: &tokio::runtime::Runtime,
    host: &Host,
    url: &str,
    work: Work,
    delay: Duration,
) {
    let requests = u32::try_from(work.requests()).unwrap();
    // A scan's pages follow one another within a segment: its limit is its segment's pages.
    let (limits, fastest) = if let Work::Scan(s) = work {
        let pages = requests.div_ceil(u32::try_from(s).unwrap()) * delay;
        let label = format!("limit: {s} segment(s) in flight");
        (vec![(label, pages)], pages)
    } else {
        let limit = |n: u32| delay * requests.div_ceil(n);
        let rows = [1, 8, 16].map(|n| (format!("limit: {n} in flight"), limit(n)));
        (rows.to_vec(), limit(16))
    };
    for (label, limit) in limits {
        let f = Figures {
            p50: limit,
            p99: limit,
            cpu: None,
        };
        row(
            work,
            &format!("{label} × {} ms", delay.as_millis()),
            &f,
            fastest,
        );
    }
    let step = work.step(url);
    let component = time(RUNS, || {
        assert!(work.complete(&host.run_step(&step).unwrap()));
    });
    row(
        work,
        &format!("component, concurrency {CONCURRENCY}"),
        &component,
        fastest,
    );
    let client = native_client(url);
    for n in [1, CONCURRENCY] {
        let native = time(RUNS, || runtime.block_on(work.native(&client, n)));
        row(
            work,
            &format!("native aws-sdk-dynamodb, {n} in flight"),
            &native,
            fastest,
        );
    }
    let python = test_support::moto_python();
    let python = python.to_str().unwrap();
    for (style, label) in [
        ("sequential", "boto3, batch_writer / sequential"),
        ("threads", "boto3, 8 threads"),
    ] {
        row(
            work,
            label,
            &peer(python, "boto3_bulk.py", url, work, style),
            fastest,
        );
    }
    for (style, label) in [
        ("sequential", "JS SDK v3, sequential"),
        ("inflight", "JS SDK v3, 8 in flight"),
    ] {
        row(
            work,
            label,
            &peer("node", "js_bulk.mjs", url, work, style),
            fastest,
        );
    }
}

// ---------------------------------------------------------------- tenants

/// Tenants and steps per tenant of the tenancy rows.
const TENANTS: usize = 1000;
const STEPS_PER_TENANT: usize = 5;
/// Client threads sending the tenants' steps.
const CLIENTS: usize = 16;

/// Tenant `t`'s connection of `kind` to `url`.
fn tenant(kind: &str, t: usize, url: &str) -> Value {
    let mut connection = json!({"type": kind, "access-key-id": format!("AKIDTENANT{t:05}"),
        "secret-access-key": format!("secret-of-tenant-{t}"), "endpoint-url": url});
    if kind == "role-arn" {
        connection["role-arn"] = json!(format!("arn:aws:iam::1:role/tenant-{t}"));
        connection["sts-endpoint-url"] = json!(url);
    }
    connection
}

/// The resident memory of process `pid`, in MiB.
fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok());
    kb.unwrap_or(0.0) / 1024.0
}

/// 1,000 tenants of `kind` × 5 `get-item` steps, round robin (every tenant's first step,
/// then every second, ...), through one service with `args`.
fn tenant_row(component: &Path, url: &str, stub: &Stub, kind: &str, args: &[&str]) {
    let manifest = test_support::manifest();
    let mut all = vec![
        "--component",
        component.to_str().unwrap(),
        "--manifest",
        manifest.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    let served = test_support::Served::start(Path::new(env!("CARGO_BIN_EXE_connector-host")), &all);
    let before = stub.assumed.load(Ordering::Relaxed);
    let steps: Vec<Value> = (0..TENANTS * STEPS_PER_TENANT)
        .map(|i| {
            json!({"connection": tenant(kind, i % TENANTS, url), "action": "get-item",
            "input": {"region": "us-east-1", "table-name": TABLE, "hash-key-value": 1,
                "key-schema": [{"AttributeName": "id", "KeyType": "HASH", "AttributeType": "N"}]}})
        })
        .collect();
    let endpoint = format!("{}/v1/steps", served.url);
    let started = Instant::now();
    let samples: Vec<Duration> = std::thread::scope(|s| {
        let threads: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let (steps, endpoint) = (&steps, &endpoint);
                s.spawn(move || {
                    let mine = steps.iter().skip(c).step_by(CLIENTS);
                    let timed = mine.map(|step| {
                        let sent = Instant::now();
                        ureq::post(endpoint).send_json(step).unwrap();
                        sent.elapsed()
                    });
                    timed.collect::<Vec<_>>()
                })
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect()
    });
    let elapsed = started.elapsed();
    let steps = samples.len();
    let latency = test_support::bench::figures(samples);
    println!(
        "| {TENANTS} {kind} tenants × {STEPS_PER_TENANT} | {} | {:.0} | {} | {} | {:.0} | {} |",
        if args.is_empty() {
            "defaults".to_string()
        } else {
            args.join(" ")
        },
        steps as f64 / elapsed.as_secs_f64(),
        ms(latency.p50),
        ms(latency.p99),
        rss_mib(served.child.id()),
        stub.assumed.load(Ordering::Relaxed) - before,
    );
}

fn main() {
    let delay_ms: u64 = std::env::var("BENCH_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let delay = Duration::from_millis(delay_ms);
    let component = test_support::component().to_path_buf();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let stub_runtime = test_support::bench::stub_runtime();
    let (url, stub) = start_stub(&stub_runtime, delay);
    let host = Host::new(Options {
        component: component.clone(),
        manifest: Some(test_support::manifest()),
        cache_dir: Some(test_support::cache_dir().to_path_buf()),
        egress: connector_host::Egress {
            allow: vec!["127.0.0.1".into()],
            allow_any: false,
        },
        ..Options::default()
    })
    .unwrap();
    println!(
        "Stub answering every request after {delay_ms} ms; p50 of {RUNS} runs after a warm-up.\n"
    );
    println!(
        "| work | contender | p50 ms | p99 ms | p50 / limit (16 in flight; a scan's segments) | CPU ms per request |"
    );
    println!("| --- | --- | ---: | ---: | ---: | ---: |");
    // `BENCH_ONLY=write` (or get, scan1, scan4, tenants) runs that part alone.
    let only = std::env::var("BENCH_ONLY").ok();
    let chosen = |name: &str| only.as_deref().is_none_or(|o| o == name);
    for work in [Work::Write, Work::Get, Work::Scan(1), Work::Scan(4)] {
        if chosen(work.peer_name()) {
            work_rows(&runtime, &host, &url, work, delay);
        }
    }
    if !chosen("tenants") {
        return;
    }
    println!(
        "\n| tenants | service options | steps/s | p50 ms | p99 ms | RSS MiB | AssumeRole calls |"
    );
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
    for kind in ["access-key", "role-arn"] {
        tenant_row(&component, &url, &stub, kind, &[]);
    }
}
