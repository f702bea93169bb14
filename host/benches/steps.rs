//! Step latency: the component through the host against native `aws-sdk-dynamodb`, in one
//! run, against the same endpoints: a stub server inside this benchmark (answers valid
//! `DynamoDB` JSON at once, so connector overhead shows) and moto.
//!
//! Run with `scripts/bench.sh` (or `cargo bench -p connector-host --bench steps` after
//! `scripts/setup.sh` and building the component). Prints a table of p50/p99 and ratios to
//! the native long-lived client, then start-up figures and fetch-all scaling, then bulk work:
//! a 10,000-item batch write and a 1- and 4-segment scan of 10,000 items.
//! `BENCH_COMPONENT=path.wasm` measures another build of the component; `BENCH_ONLY=warm`
//! runs only the warm steps on the stub.

use aws_credential_types::Credentials;
use aws_sdk_dynamodb::config::{BehaviorVersion, Region};
use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use connector_host::{Host, Limits, Options, Reuse};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use test_support::bench::{cpu_ms, figures, ms, peer_figures, time, Figures};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TABLE: &str = "bench";

// ---------------------------------------------------------------- the stub server

/// Items per stub `Scan` page (`DynamoDB` pages by 1 MB; these items are ~60 bytes).
const SCAN_PAGE: usize = 1000;

/// What the stub holds: `tables` table names (`ListTables`), and `items` items of the
/// table (`Scan`, in segments).
#[derive(Clone, Copy)]
struct Stub {
    tables: usize,
    items: usize,
}

/// One stub `Scan` page: the items of the request's segment (id modulo the segment count)
/// after its `ExclusiveStartKey`.
fn stub_scan(request: &Value, items: usize) -> String {
    let number = |key: &str, absent: u64| request[key].as_u64().unwrap_or(absent);
    let segment = usize::try_from(number("Segment", 0)).unwrap_or(0);
    let total = usize::try_from(number("TotalSegments", 1)).unwrap_or(1);
    let start = request["ExclusiveStartKey"]["id"]["N"]
        .as_str()
        .and_then(|n| n.parse::<usize>().ok())
        .map_or(segment, |last| last + total);
    let ids: Vec<usize> = (start..items).step_by(total).take(SCAN_PAGE).collect();
    let page: Vec<Value> = ids
        .iter()
        .map(|i| json!({"id": {"N": i.to_string()}, "name": {"S": format!("item-{i}")}, "total": {"N": "12.50"}}))
        .collect();
    let mut out = json!({"Items": page, "Count": ids.len(), "ScannedCount": ids.len()});
    if let Some(last) = ids.last().filter(|last| *last + total < items) {
        out["LastEvaluatedKey"] = json!({"id": {"N": last.to_string()}});
    }
    out.to_string()
}

/// The stub's stream (of `STREAM_TABLE`).
const STUB_STREAM: &str = "arn:aws:dynamodb:us-east-1:1:table/bench-stream/stream/stub";

/// One stub `GetRecords` page: `STREAM_CHANGES` inserts in one open shard, from the
/// iterator's sequence number on (empty once they are read).
fn stub_records(request: &Value) -> String {
    let from = request["ShardIterator"]
        .as_str()
        .and_then(|i| i.strip_prefix("from-")?.parse::<usize>().ok())
        .unwrap_or(0);
    let limit = usize::try_from(request["Limit"].as_u64().unwrap_or(1000)).unwrap_or(1000);
    let end = (from + limit.min(1000)).min(STREAM_CHANGES);
    let records: Vec<Value> = (from..end)
        .map(|i| {
            let key = json!({"id": {"N": i.to_string()}});
            json!({"eventID": format!("event-{i}"), "eventName": "INSERT", "dynamodb": {
                "ApproximateCreationDateTime": 1_764_547_200, "Keys": key,
                "NewImage": {"id": {"N": i.to_string()}, "name": {"S": format!("item-{i}")}, "total": {"N": "12.50"}},
                "SequenceNumber": i.to_string(), "SizeBytes": 60, "StreamViewType": "NEW_AND_OLD_IMAGES"}})
        })
        .collect();
    json!({"Records": records, "NextShardIterator": format!("from-{end}")}).to_string()
}

/// The JSON body the stub answers for an `X-Amz-Target` operation.
fn stub_answer(operation: &str, body: &[u8], stub: Stub) -> String {
    let request: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let tables = stub.tables;
    match operation {
        "ListTables" => {
            let start = request["ExclusiveStartTableName"]
                .as_str()
                .and_then(|s| s.strip_prefix("table-"))
                .and_then(|n| n.parse::<usize>().ok())
                .map_or(0, |n| n + 1);
            let limit = usize::try_from(request["Limit"].as_u64().unwrap_or(100)).unwrap_or(100);
            let end = (start + limit).min(tables);
            let names: Vec<String> = (start..end).map(|i| format!("table-{i:06}")).collect();
            let mut out = json!({ "TableNames": names });
            if end < tables {
                out["LastEvaluatedTableName"] = json!(format!("table-{:06}", end - 1));
            }
            out.to_string()
        }
        "DescribeTable" => json!({"Table": {
            "TableName": TABLE, "TableStatus": "ACTIVE", "LatestStreamArn": STUB_STREAM,
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "N"}]}})
        .to_string(),
        "GetItem" => {
            json!({"Item": {"id": {"N": "1"}, "name": {"S": "Rose"}, "tags": {"SS": ["a", "b"]}}})
                .to_string()
        }
        "Scan" => stub_scan(&request, stub.items),
        "ListStreams" => {
            json!({"Streams": [{"StreamArn": STUB_STREAM, "TableName": STREAM_TABLE}]}).to_string()
        }
        "DescribeStream" => json!({"StreamDescription": {"StreamArn": STUB_STREAM,
            "StreamStatus": "ENABLED", "StreamViewType": "NEW_AND_OLD_IMAGES", "TableName": STREAM_TABLE,
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "Shards": [{"ShardId": "shardId-00000001764547200000-0000beef", "SequenceNumberRange": {"StartingSequenceNumber": "0"}}]}})
        .to_string(),
        "GetShardIterator" => {
            let from = request["SequenceNumber"]
                .as_str()
                .and_then(|s| s.parse::<usize>().ok())
                .map_or(0, |after| after + 1);
            json!({"ShardIterator": format!("from-{from}")}).to_string()
        }
        "GetRecords" => stub_records(&request),
        _ => "{}".to_string(),
    }
}

async fn stub_connection(mut socket: tokio::net::TcpStream, stub: Stub) -> std::io::Result<()> {
    let mut buffer = Vec::with_capacity(8192);
    loop {
        let header_end = loop {
            if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 8192];
            let n = socket.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buffer[..header_end]).to_string();
        let header = |name: &str| {
            head.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case(name)
                    .then(|| v.trim().to_string())
            })
        };
        let length: usize = header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        while buffer.len() < header_end + length {
            let mut chunk = [0u8; 8192];
            let n = socket.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..n]);
        }
        let target = header("x-amz-target").unwrap_or_default();
        let operation = target.rsplit('.').next().unwrap_or("");
        let body = stub_answer(operation, &buffer[header_end..header_end + length], stub);
        buffer.drain(..header_end + length);
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: {}\r\nx-amzn-requestid: stub\r\n\r\n{body}",
            body.len()
        );
        socket.write_all(response.as_bytes()).await?;
    }
}

/// Start a stub on a free port; returns its URL.
fn start_stub(runtime: &tokio::runtime::Runtime, stub: Stub) -> String {
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    runtime.spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            socket.set_nodelay(true).ok();
            tokio::spawn(stub_connection(socket, stub));
        }
    });
    url
}

// ---------------------------------------------------------------- the contenders

fn native_client(endpoint: &str) -> aws_sdk_dynamodb::Client {
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "AKIDBENCH",
            "bench-secret",
            None,
            None,
            "bench",
        ))
        .endpoint_url(endpoint)
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build();
    aws_sdk_dynamodb::Client::from_conf(config)
}

#[derive(Clone, Copy, PartialEq)]
enum Op {
    ListTables,
    GetItem,
    UpsertItem,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::ListTables => "list-tables",
            Op::GetItem => "get-item",
            Op::UpsertItem => "upsert-item",
        }
    }

    async fn native(self, client: &aws_sdk_dynamodb::Client) {
        match self {
            Op::ListTables => {
                client.list_tables().send().await.unwrap();
            }
            Op::GetItem => {
                client
                    .get_item()
                    .table_name(TABLE)
                    .key("id", AttributeValue::N("1".into()))
                    .send()
                    .await
                    .unwrap();
            }
            Op::UpsertItem => {
                client
                    .put_item()
                    .table_name(TABLE)
                    .item("id", AttributeValue::N("1".into()))
                    .item("name", AttributeValue::S("Rose".into()))
                    .item("tags", AttributeValue::Ss(vec!["a".into(), "b".into()]))
                    .send()
                    .await
                    .unwrap();
            }
        }
    }

    /// The step for this operation; item steps pass the key schema, as a platform that
    /// knows its tables would (no `DescribeTable` round trip).
    fn step(self, endpoint: &str) -> Value {
        let input = match self {
            Op::ListTables => json!({"region": "us-east-1"}),
            Op::GetItem => json!({"region": "us-east-1", "table-name": TABLE, "hash-key-value": 1,
                "key-schema": [{"AttributeName": "id", "KeyType": "HASH", "AttributeType": "N"}]}),
            Op::UpsertItem => json!({"region": "us-east-1", "table-name": TABLE,
                "value": {"id": 1, "name": "Rose", "tags": ["a", "b"]},
                "value-types": {"id": "N", "name": "S", "tags": "SS"}}),
        };
        step_at(endpoint, self.name(), &input)
    }
}

/// The step document of `action` with `input` against `endpoint`.
fn step_at(endpoint: &str, action: &str, input: &Value) -> Value {
    json!({"connection": {"type": "access-key", "access-key-id": "AKIDBENCH",
        "secret-access-key": "bench-secret", "endpoint-url": endpoint,
        "streams-endpoint-url": endpoint},
        "action": action, "input": input})
}

// ---------------------------------------------------------------- bulk work

/// Items written and scanned by the bulk rows.
const BULK_ITEMS: usize = 10_000;

fn bulk_item(i: usize) -> HashMap<String, AttributeValue> {
    HashMap::from([
        ("id".to_string(), AttributeValue::N(i.to_string())),
        ("name".to_string(), AttributeValue::S(format!("item-{i}"))),
        ("total".to_string(), AttributeValue::N("12.50".into())),
    ])
}

/// Native batch write of `items` items, as the connector batches them: requests of 25,
/// unprocessed items sent again until none are left.
async fn native_batch_write(client: &aws_sdk_dynamodb::Client, table: &str, items: usize) {
    let requests: Vec<WriteRequest> = (0..items)
        .map(|i| {
            let put = PutRequest::builder().set_item(Some(bulk_item(i)));
            WriteRequest::builder()
                .put_request(put.build().unwrap())
                .build()
        })
        .collect();
    for chunk in requests.chunks(25) {
        let mut pending = HashMap::from([(table.to_string(), chunk.to_vec())]);
        while !pending.is_empty() {
            let request = client.batch_write_item().set_request_items(Some(pending));
            pending = request
                .send()
                .await
                .unwrap()
                .unprocessed_items
                .unwrap_or_default();
            pending.retain(|_, writes| !writes.is_empty());
        }
    }
}

/// Native scan of every page of `segments` segments at once; the number of items read.
async fn native_scan(client: &aws_sdk_dynamodb::Client, segments: i32) -> usize {
    let mut tasks = tokio::task::JoinSet::new();
    for segment in 0..segments {
        let client = client.clone();
        tasks.spawn(async move {
            let (mut start, mut count) = (None, 0);
            loop {
                let request = client
                    .scan()
                    .table_name(TABLE)
                    .set_exclusive_start_key(start);
                let request = request.segment(segment).total_segments(segments);
                let out = request.send().await.unwrap();
                count += out.items().len();
                start = out.last_evaluated_key;
                if start.is_none() {
                    return count;
                }
            }
        });
    }
    tasks.join_all().await.into_iter().sum()
}

/// The bulk rows on one endpoint: a 10,000-item batch write, then a 1- and a 4-segment
/// scan of those items, native against the component; `n` timed runs each.
fn bulk(runtime: &tokio::runtime::Runtime, host: &Host, endpoint: (&str, &str), n: usize) {
    let (name, url) = endpoint;
    let client = native_client(url);
    let puts: Vec<Value> = (0..BULK_ITEMS)
        .map(|i| json!({"put": {"id": i, "name": format!("item-{i}"), "total": 12.50}}))
        .collect();
    let write = step_at(
        url,
        "batch-write-items",
        &json!({"region": "us-east-1", "requests": {TABLE: puts}}),
    );
    let run = |step: &Value, expect: (&str, usize)| {
        let out = host.run_step(step).unwrap();
        assert_eq!(out[expect.0], expect.1, "{name}");
    };
    let native = time(n, || {
        runtime.block_on(native_batch_write(&client, TABLE, BULK_ITEMS));
    });
    let component = time(n, || run(&write, ("Written", BULK_ITEMS)));
    let work = format!("batch-write-items, {BULK_ITEMS} items");
    print_pair(name, &work, &native, &component);
    for segments in [1, 4] {
        let input = json!({"region": "us-east-1", "table-name": TABLE, "fetch-all": true,
            "segments": segments});
        let scan = step_at(url, "scan-items", &input);
        let native = time(n, || {
            assert_eq!(runtime.block_on(native_scan(&client, segments)), BULK_ITEMS);
        });
        let component = time(n, || run(&scan, ("Count", BULK_ITEMS)));
        let work = format!("scan-items, {BULK_ITEMS} items, {segments} segment(s)");
        print_pair(name, &work, &native, &component);
    }
}

/// Two rows of the bulk table: native and the component doing the same work.
fn print_pair(endpoint: &str, work: &str, native: &Figures, component: &Figures) {
    for (contender, f) in [
        ("native, long-lived client", native),
        ("component, warm step", component),
    ] {
        println!(
            "| {endpoint} | {work} | {contender} | {} | {} | {:.2}× |",
            ms(f.p50),
            ms(f.p99),
            f.p50.as_secs_f64() / native.p50.as_secs_f64()
        );
    }
}

// ---------------------------------------------------------------- catalog work

/// One run of the Python peer of `infer-schema` (`scripts/infer_schema.py`: boto3 and a
/// json_normalize-style walk): its own time (interpreter start-up excluded) and heap peak.
fn python_infer(url: &str, size: usize) -> (Duration, u64) {
    let script = test_support::workspace().join("scripts/infer_schema.py");
    let out = Command::new(test_support::moto_python())
        .arg(script)
        .args([url, TABLE, &size.to_string()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let figures: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(figures["items"], size);
    let ms = figures["ms"].as_f64().unwrap();
    (
        Duration::from_secs_f64(ms / 1000.0),
        figures["peak_bytes"].as_u64().unwrap(),
    )
}

/// `infer-schema` over 1,000 and 10,000 sampled items against the Python peer; the
/// median of `n` runs each.
fn infer_rows(host: &Host, endpoint: (&str, &str), n: usize) {
    let (name, url) = endpoint;
    for size in [1_000usize, BULK_ITEMS] {
        let input = json!({"region": "us-east-1", "table-name": TABLE, "sample-size": size});
        let step = step_at(url, "infer-schema", &input);
        let mut peak = 0;
        let component = time(n, || {
            let (result, stats) = host.run_step_with_stats(&step);
            assert_eq!(result.unwrap()["SampledItems"], size);
            peak = stats.peak_memory_bytes;
        });
        let runs: Vec<(Duration, u64)> = (0..n).map(|_| python_infer(url, size)).collect();
        let python = figures(runs.iter().map(|r| r.0).collect());
        let heap = runs.iter().map(|r| r.1).max().unwrap_or(0);
        let per_item = |d: Duration| d.as_secs_f64() * 1e6 / size as f64;
        let mib = |bytes: u64| bytes as f64 / f64::from(1 << 20);
        println!(
            "| {name} | {size} | {} ms ({:.1} µs/item) | {:.1} MiB | {} ms ({:.1} µs/item) | {:.1} MiB | {:.2}× |",
            ms(component.p50),
            per_item(component.p50),
            mib(peak as u64),
            ms(python.p50),
            per_item(python.p50),
            mib(heap),
            component.p50.as_secs_f64() / python.p50.as_secs_f64()
        );
    }
}

// ---------------------------------------------------------------- change capture

/// Changes in the stream the stream rows read.
const STREAM_CHANGES: usize = 5_000;
/// The table whose stream they read.
const STREAM_TABLE: &str = "bench-stream";

/// A table with a stream on `moto` and `STREAM_CHANGES` puts in it.
fn fill_stream(runtime: &tokio::runtime::Runtime, host: &Host, moto: &str) {
    let create = json!({"region": "us-east-1", "table-name": STREAM_TABLE,
        "attribute-definitions": [{"AttributeName": "id", "AttributeType": "N"}],
        "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "billing-mode": "PAY_PER_REQUEST", "stream-view-type": "NEW_AND_OLD_IMAGES"});
    host.run_step(&step_at(moto, "create-table", &create))
        .unwrap();
    runtime.block_on(native_batch_write(
        &native_client(moto),
        STREAM_TABLE,
        STREAM_CHANGES,
    ));
}

/// The whole stream through `read-stream-changes`, 1,000 records a step, each step's
/// cursor fed to the next: the number of records.
fn component_stream_read(host: &Host, moto: &str) -> usize {
    let (mut count, mut cursor) = (0, Value::Null);
    loop {
        let input = json!({"region": "us-east-1", "table-name": STREAM_TABLE,
            "max-records": 1000, "cursor": cursor});
        let out = host
            .run_step(&step_at(moto, "read-stream-changes", &input))
            .unwrap();
        count += out["Records"].as_array().unwrap().len();
        cursor = out["Cursor"].clone();
        if out["More"] == false {
            return count;
        }
    }
}

/// The whole stream with native aws-sdk-dynamodbstreams, as `boto3_stream.py` reads it.
async fn native_stream_read(client: &aws_sdk_dynamodbstreams::Client) -> usize {
    use aws_sdk_dynamodbstreams::types::ShardIteratorType;
    let listed = client
        .list_streams()
        .table_name(STREAM_TABLE)
        .send()
        .await
        .unwrap();
    let arn = listed.streams()[0].stream_arn().unwrap().to_string();
    let described = client
        .describe_stream()
        .stream_arn(&arn)
        .send()
        .await
        .unwrap();
    let mut count = 0;
    for shard in described.stream_description().unwrap().shards() {
        let iterator = client
            .get_shard_iterator()
            .stream_arn(&arn)
            .shard_id(shard.shard_id().unwrap())
            .shard_iterator_type(ShardIteratorType::TrimHorizon)
            .send()
            .await
            .unwrap();
        let mut next = iterator.shard_iterator;
        while let Some(iterator) = next {
            let page = client
                .get_records()
                .shard_iterator(iterator)
                .limit(1000)
                .send()
                .await
                .unwrap();
            if page.records().is_empty() {
                break;
            }
            count += page.records().len();
            next = page.next_shard_iterator;
        }
    }
    count
}

/// The stream rows on one endpoint: the whole stream of `STREAM_CHANGES` changes read by the
/// component, by native aws-sdk-dynamodbstreams and by boto3, `n` timed reads each; records
/// per second.
fn stream_rows(runtime: &tokio::runtime::Runtime, host: &Host, endpoint: (&str, &str), n: usize) {
    let (name, url) = endpoint;
    let config = aws_sdk_dynamodbstreams::Config::builder()
        .behavior_version(aws_sdk_dynamodbstreams::config::BehaviorVersion::latest())
        .region(aws_sdk_dynamodbstreams::config::Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "AKIDBENCH",
            "bench-secret",
            None,
            None,
            "bench",
        ))
        .endpoint_url(url)
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build();
    let client = aws_sdk_dynamodbstreams::Client::from_conf(config);
    let native = time(n, || {
        assert_eq!(
            runtime.block_on(native_stream_read(&client)),
            STREAM_CHANGES
        );
    });
    let component = time(n, || {
        assert_eq!(component_stream_read(host, url), STREAM_CHANGES);
    });
    let script = test_support::workspace().join("scripts/peers/boto3_stream.py");
    let out = Command::new(test_support::moto_python())
        .arg(script)
        .args([
            url,
            STREAM_TABLE,
            &STREAM_CHANGES.to_string(),
            &n.to_string(),
        ])
        .output();
    let boto = peer_figures("boto3 stream", out);
    for (contender, f) in [
        ("native aws-sdk-dynamodbstreams", &native),
        ("component, read-stream-changes", &component),
        ("boto3 (Python trigger)", &boto),
    ] {
        println!(
            "| {name} | {STREAM_CHANGES} stream records | {contender} | {} | {} | {:.0} | {:.2}× |",
            ms(f.p50),
            ms(f.p99),
            STREAM_CHANGES as f64 / f.p50.as_secs_f64(),
            f.p50.as_secs_f64() / native.p50.as_secs_f64()
        );
    }
}

// ---------------------------------------------------------------- the peers' SDKs

/// The SDKs other platforms run doing `op` against `endpoint` with long-lived clients, `n`
/// timed calls each (in their own processes, start-up excluded): boto3 (`OpenMetadata`), the
/// JS SDK v3 client and its `DocumentClient` (Prismatic, n8n).
fn peers(op: Op, endpoint: &str, n: usize) -> Vec<(&'static str, Figures)> {
    let peers_dir = test_support::workspace().join("scripts/peers");
    let iterations = n.to_string();
    let args = [endpoint, op.name(), iterations.as_str()];
    let mut runs = vec![(
        "boto3, long-lived client",
        Command::new(test_support::moto_python())
            .arg(peers_dir.join("boto3_steps.py"))
            .args(args)
            .output(),
    )];
    for (name, flavour) in [
        ("JS SDK v3, client", "client"),
        ("JS SDK v3, DocumentClient", "doc"),
    ] {
        let output = Command::new("node")
            .arg(peers_dir.join("js_steps.mjs"))
            .args(args)
            .arg(flavour)
            .output();
        runs.push((name, output));
    }
    runs.into_iter()
        .map(|(name, output)| (name, peer_figures(name, output)))
        .collect()
}

// ---------------------------------------------------------------- the distributable build

/// The distributable build (`scripts/dist.sh`, when it was run) against the plain one:
/// sizes, and warm steps on the stub in fresh instances (where the code's speed shows).
fn dist_rows(plain: &Path, stub: &str, options: &dyn Fn(Option<PathBuf>) -> Options) {
    let dist = test_support::target_dir().join("dist/dynamodb_connector.wasm");
    if !dist.exists() {
        println!("\n(no distributable build: run scripts/dist.sh to compare it)");
        return;
    }
    println!();
    println!("| build | size | list-tables p50 ms | get-item p50 ms | upsert-item p50 ms |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (name, path) in [
        ("plain (release)", plain),
        ("distributable (jco opt -Oz)", dist.as_path()),
    ] {
        let host = Host::new(Options {
            component: path.to_path_buf(),
            reuse: Reuse::off(),
            ..options(None)
        })
        .unwrap();
        let p50 = |op: Op| {
            let step = op.step(stub);
            ms(time(400, || host.run_step(&step).map(drop).unwrap()).p50)
        };
        println!(
            "| {name} | {} bytes | {} | {} | {} |",
            std::fs::metadata(path).unwrap().len(),
            p50(Op::ListTables),
            p50(Op::GetItem),
            p50(Op::UpsertItem)
        );
    }
}

// ---------------------------------------------------------------- the service

/// A `connector-host serve` replica of `component`.
fn replica(component: &Path) -> test_support::Served {
    let manifest = test_support::manifest();
    let args = [
        "--component",
        component.to_str().unwrap(),
        "--manifest",
        manifest.to_str().unwrap(),
    ];
    test_support::Served::start(Path::new(env!("CARGO_BIN_EXE_connector-host")), &args)
}

/// Steps per second of `replicas` serve replicas answering `total` `list-tables` steps on
/// `endpoint`, sent by `clients` threads round robin over the replicas.
fn service_throughput(replicas: usize, endpoint: &str, component: &Path) -> f64 {
    const TOTAL: usize = 2_000;
    const CLIENTS: usize = 16;
    let replicas: Vec<_> = (0..replicas).map(|_| replica(component)).collect();
    let step = Op::ListTables.step(endpoint);
    let send = |i: usize| {
        let url = format!("{}/v1/steps", replicas[i % replicas.len()].url);
        ureq::post(&url).send_json(&step).unwrap();
    };
    (0..CLIENTS).for_each(send);
    let started = Instant::now();
    std::thread::scope(|s| {
        for client in 0..CLIENTS {
            let send = &send;
            s.spawn(move || (0..TOTAL / CLIENTS).for_each(|k| send(client + k)));
        }
    });
    TOTAL as f64 / started.elapsed().as_secs_f64()
}

// ---------------------------------------------------------------- measuring

fn cold_step(component: &Path, cache: &Path, step: &Value) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_connector-host"))
        .args(["step", "--component", component.to_str().unwrap()])
        .args(["--manifest", test_support::manifest().to_str().unwrap()])
        .args(["--allow-endpoint", "127.0.0.1", "-"])
        .env("CONNECTOR_HOST_CACHE_DIR", cache)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(step.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The host options of the benchmark: `component`, the workspace manifest, loopback
/// allowed, a one-minute deadline, and the compile cache in `cache_dir`.
fn bench_options(component: &Path, cache_dir: Option<PathBuf>) -> Options {
    Options {
        component: component.to_path_buf(),
        manifest: Some(test_support::manifest()),
        cache_dir,
        egress: connector_host::Egress {
            allow: vec!["127.0.0.1".into()],
            allow_any: false,
        },
        limits: Limits {
            timeout: Duration::from_mins(1),
            memory_bytes: 512 << 20,
            ..Limits::default()
        },
        ..Options::default()
    }
}

/// The table the item operations use on moto.
fn create_moto_table(runtime: &tokio::runtime::Runtime, moto: &str) {
    runtime.block_on(async {
        native_client(moto)
            .create_table()
            .table_name(TABLE)
            .attribute_definitions(
                aws_sdk_dynamodb::types::AttributeDefinition::builder()
                    .attribute_name("id")
                    .attribute_type("N".into())
                    .build()
                    .unwrap(),
            )
            .key_schema(
                aws_sdk_dynamodb::types::KeySchemaElement::builder()
                    .attribute_name("id")
                    .key_type("HASH".into())
                    .build()
                    .unwrap(),
            )
            .billing_mode("PAY_PER_REQUEST".into())
            .send()
            .await
            .unwrap();
    });
}

/// The hosts the rows measure: one that reuses instances and one that does not.
struct Hosts<'a> {
    reused: &'a Host,
    fresh: &'a Host,
}

/// The warm-step table on one endpoint: every contender of every operation. Returns the
/// instantiation times of the fresh-instance steps.
fn warm_rows(
    runtime: &tokio::runtime::Runtime,
    hosts: &Hosts,
    (endpoint_name, endpoint): (&str, &str),
    (warm_n, cold_n): (usize, usize),
    (component, cache): (&Path, &Path),
) -> Vec<Duration> {
    let mut instantiate = Vec::new();
    for op in [Op::ListTables, Op::GetItem, Op::UpsertItem] {
        let client = native_client(endpoint);
        let native = time(warm_n, || runtime.block_on(op.native(&client)));
        let fresh = time(warm_n, || {
            runtime.block_on(op.native(&native_client(endpoint)));
        });
        let step = op.step(endpoint);
        let reused = time(warm_n, || hosts.reused.run_step(&step).map(drop).unwrap());
        let warm = time(warm_n, || {
            let (result, stats) = hosts.fresh.run_step_with_stats(&step);
            result.unwrap();
            instantiate.push(stats.instantiate);
        });
        // A cold step's CPU is its child process's, which this process does not count.
        let cold = Figures {
            cpu: None,
            ..time(cold_n, || cold_step(component, cache, &step))
        };
        let mut rows = vec![
            ("native, long-lived client", native),
            ("native, fresh client", fresh),
            ("component, warm step, instance reused", reused),
            ("component, warm step, fresh instance", warm),
            ("component, cold process", cold),
        ];
        if endpoint_name == "stub" {
            rows.extend(peers(op, endpoint, warm_n));
        }
        let (native, native_cpu) = (rows[0].1.p50, rows[0].1.cpu);
        for (name, f) in &rows {
            let cpu_ratio = f.cpu.zip(native_cpu).map_or_else(
                || "–".into(),
                |(c, n)| format!("{:.2}×", c.as_secs_f64() / n.as_secs_f64()),
            );
            println!(
                "| {endpoint_name} | {} | {name} | {} | {} | {:.2}× | {} | {cpu_ratio} |",
                op.name(),
                ms(f.p50),
                ms(f.p99),
                f.p50.as_secs_f64() / native.as_secs_f64(),
                cpu_ms(f, 1),
            );
        }
    }
    instantiate
}

/// Steps per second of one and two `serve` replicas.
fn service_rows(moto: &str, component: &Path) {
    println!();
    println!("| replicas of `connector-host serve` | steps/s (list-tables on moto, 16 clients, round robin) |");
    println!("| ---: | ---: |");
    for replicas in [1, 2] {
        let rate = service_throughput(replicas, moto, component);
        println!("| {replicas} | {rate:.0} |");
    }
}

/// Size, compile, cache-load and instantiation figures.
fn start_up_rows(
    component: &Path,
    compile: Duration,
    cache_load: Duration,
    instantiate: Vec<Duration>,
) {
    println!();
    let size = std::fs::metadata(component).unwrap().len();
    println!("| figure | value |");
    println!("| --- | --- |");
    println!(
        "| component size | {size} bytes ({:.2} MB) |",
        size as f64 / 1e6
    );
    println!("| compile (no cache) + link | {} ms |", ms(compile));
    println!(
        "| load from the compile cache + link | {} ms |",
        ms(cache_load)
    );
    println!(
        "| instantiate (p50 over warm steps) | {} ms |",
        ms(figures(instantiate).p50)
    );
}

/// One fetch-all step of `action` against a fresh stub: its time and the guest's peak
/// memory, after checking it returned `expected` items (as `count` reads them).
fn fetch_all_row(
    (runtime, host): (&tokio::runtime::Runtime, &Host),
    stub: Stub,
    (action, input): (&str, &Value),
    (count, expected): (fn(&Value) -> usize, usize),
    what: &str,
) {
    let url = start_stub(runtime, stub);
    let started = Instant::now();
    let (result, stats) = host.run_step_with_stats(&step_at(&url, action, input));
    let elapsed = started.elapsed();
    assert_eq!(count(&result.unwrap()), expected);
    println!(
        "| {what} | {} ms, guest peak memory {:.1} MiB |",
        ms(elapsed),
        stats.peak_memory_bytes as f64 / f64::from(1 << 20)
    );
}

/// Memory of list-tables fetch-all over 1,000 and 10,000 tables.
fn list_memory_rows(runtime: &tokio::runtime::Runtime, host: &Host) {
    let input = json!({"region": "us-east-1", "fetch-all": true});
    let names = |out: &Value| out["TableNames"].as_array().map_or(0, Vec::len);
    for tables in [1_000usize, 10_000] {
        let what = format!(
            "list-tables fetch-all, {tables} tables ({} pages)",
            tables.div_ceil(100)
        );
        let stub = Stub { tables, items: 0 };
        let step = ("list-tables", &input);
        fetch_all_row((runtime, host), stub, step, (names, tables), &what);
    }
}

/// Memory of scan-items fetch-all over 1,000 and 10,000 items.
fn scan_memory_rows(runtime: &tokio::runtime::Runtime, host: &Host) {
    println!();
    let input = json!({"region": "us-east-1", "table-name": TABLE, "fetch-all": true});
    let count = |out: &Value| {
        out["Count"]
            .as_u64()
            .map_or(0, |n| usize::try_from(n).unwrap())
    };
    for items in [1_000usize, BULK_ITEMS] {
        let what = format!(
            "scan-items fetch-all, {items} items ({} pages)",
            items.div_ceil(SCAN_PAGE)
        );
        let stub = Stub { tables: 0, items };
        let step = ("scan-items", &input);
        fetch_all_row((runtime, host), stub, step, (count, items), &what);
    }
}

fn main() {
    // BENCH_COMPONENT measures another build of the component (e.g. other profile settings).
    let component = std::env::var_os("BENCH_COMPONENT")
        .map_or_else(|| test_support::component().to_path_buf(), PathBuf::from);
    assert!(
        component.exists(),
        "build the component first: scripts/bench.sh does"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let stub_runtime = test_support::bench::stub_runtime();
    let stub = start_stub(
        &stub_runtime,
        Stub {
            tables: 3,
            items: BULK_ITEMS,
        },
    );
    let moto = test_support::moto().to_string();
    let cache = tempfile::tempdir().unwrap();
    let options = |cache_dir: Option<PathBuf>| bench_options(&component, cache_dir);

    let started = Instant::now();
    drop(Host::new(options(None)).unwrap());
    let compile = started.elapsed();
    drop(Host::new(options(Some(cache.path().to_path_buf()))).unwrap());
    let started = Instant::now();
    let host = Host::new(options(Some(cache.path().to_path_buf()))).unwrap();
    let cache_load = started.elapsed();
    create_moto_table(&runtime, &moto);
    let fresh_host = Host::new(Options {
        reuse: Reuse::off(),
        ..options(Some(cache.path().to_path_buf()))
    })
    .unwrap();
    let hosts = Hosts {
        reused: &host,
        fresh: &fresh_host,
    };

    match std::env::var("BENCH_ONLY").as_deref() {
        Ok("streams") => return stream_table(&runtime, &host, (&stub, &moto)),
        Ok("expressions") => return expression_table(&runtime, &host, (&stub, &moto)),
        _ => {}
    }
    println!("| endpoint | operation | contender | p50 ms | p99 ms | p50 / native | CPU ms per step | CPU / native |");
    println!("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |");
    if std::env::var("BENCH_ONLY").as_deref() == Ok("warm") {
        let cold = (component.as_path(), cache.path());
        warm_rows(&runtime, &hosts, ("stub", stub.as_str()), (400, 40), cold);
        return;
    }
    let mut instantiate = Vec::new();
    for (endpoint, counts) in [
        (("stub", stub.as_str()), (400, 40)),
        (("moto", moto.as_str()), (150, 20)),
    ] {
        let cold = (component.as_path(), cache.path());
        instantiate.extend(warm_rows(&runtime, &hosts, endpoint, counts, cold));
    }
    dist_rows(&component, &stub, &options);
    service_rows(&moto, &component);
    start_up_rows(&component, compile, cache_load, instantiate);
    list_memory_rows(&runtime, &host);

    println!();
    println!("| endpoint | work | contender | p50 ms | p99 ms | p50 / native |");
    println!("| --- | --- | --- | ---: | ---: | ---: |");
    bulk(&runtime, &host, ("stub", &stub), 10);
    bulk(&runtime, &host, ("moto", &moto), 3);

    println!();
    println!("| endpoint | sampled items | infer-schema, component | guest peak memory | boto3 + Python inference | Python heap peak | component / Python |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    infer_rows(&fresh_host, ("stub", &stub), 5);
    infer_rows(&fresh_host, ("moto", &moto), 3);
    scan_memory_rows(&runtime, &host);

    println!();
    stream_table(&runtime, &host, (&stub, &moto));
    println!();
    expression_table(&runtime, &host, (&stub, &moto));
}

/// Conditional updates and filtered queries: the SDK with hand-written expressions, the
/// component with expression inputs, and with plain JSON (alone with
/// `BENCH_ONLY=expressions`).
fn expression_table(runtime: &tokio::runtime::Runtime, host: &Host, (stub, moto): (&str, &str)) {
    println!("| endpoint | work | contender | p50 ms | p99 ms | p50 / native |");
    println!("| --- | --- | --- | ---: | ---: | ---: |");
    for (name, endpoint, n) in [("stub", stub, 300), ("moto", moto, 100)] {
        let client = native_client(endpoint);
        for (work, what) in [
            ("update-item", "condition + update"),
            ("query-items", "key condition + filter"),
        ] {
            let native = time(n, || runtime.block_on(native_expression(&client, work)));
            let written = step_at(endpoint, work, &expression_input(work, false));
            let plain = step_at(endpoint, work, &expression_input(work, true));
            let rows = [
                ("native, hand-written expressions", native),
                (
                    "component, expression inputs",
                    time(n, || drop(host.run_step(&written).unwrap())),
                ),
                (
                    "component, plain JSON",
                    time(n, || drop(host.run_step(&plain).unwrap())),
                ),
            ];
            for (contender, f) in &rows {
                let ratio = f.p50.as_secs_f64() / rows[0].1.p50.as_secs_f64();
                let (p50, p99) = (ms(f.p50), ms(f.p99));
                println!("| {name} | {work}: {what} | {contender} | {p50} | {p99} | {ratio:.2}× |");
            }
        }
    }
}

/// The conditional update, or the filtered query, by hand through the SDK.
async fn native_expression(client: &aws_sdk_dynamodb::Client, work: &str) {
    let id = AttributeValue::N("1".into());
    let open = AttributeValue::S("open".into());
    if work == "update-item" {
        client
            .update_item()
            .table_name(TABLE)
            .key("id", id)
            .update_expression("SET #s = :open, #c = if_not_exists(#c, :zero) + :one")
            .condition_expression("#s <> :deleted")
            .expression_attribute_names("#s", "status")
            .expression_attribute_names("#c", "count")
            .expression_attribute_values(":open", open)
            .expression_attribute_values(":zero", AttributeValue::N("0".into()))
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .expression_attribute_values(":deleted", AttributeValue::S("deleted".into()))
            .send()
            .await
            .unwrap();
    } else {
        client
            .query()
            .table_name(TABLE)
            .key_condition_expression("id = :id")
            .filter_expression("#s = :open")
            .expression_attribute_names("#s", "status")
            .expression_attribute_values(":id", id)
            .expression_attribute_values(":open", open)
            .send()
            .await
            .unwrap();
    }
}

/// The input of `work` with expressions written out, or as plain JSON.
fn expression_input(work: &str, plain: bool) -> Value {
    let key_schema = json!([{"AttributeName": "id", "KeyType": "HASH", "AttributeType": "N"}]);
    match (work, plain) {
        ("update-item", false) => json!({"region": "us-east-1", "table-name": TABLE,
            "hash-key-value": 1, "key-schema": key_schema,
            "update-expression": "SET #s = :open, #c = if_not_exists(#c, :zero) + :one",
            "condition-expression": "#s <> :deleted",
            "expression-attribute-names": {"#s": "status", "#c": "count"},
            "expression-attribute-values": {":open": "open", ":zero": 0, ":one": 1, ":deleted": "deleted"},
            "expression-attribute-value-types": {":open": "S", ":zero": "N", ":one": "N", ":deleted": "S"}}),
        ("update-item", true) => json!({"region": "us-east-1", "table-name": TABLE,
            "hash-key-value": 1, "key-schema": key_schema,
            "update": {"set": {"status": "open"}, "increment": {"count": 1}},
            "condition": {"attr": "status", "ne": "deleted"}}),
        (_, false) => json!({"region": "us-east-1", "table-name": TABLE,
            "key-condition-expression": "id = :id", "filter-expression": "#s = :open",
            "expression-attribute-names": {"#s": "status"},
            "expression-attribute-values": {":id": 1, ":open": "open"},
            "expression-attribute-value-types": {":id": "N", ":open": "S"}}),
        (_, true) => json!({"region": "us-east-1", "table-name": TABLE,
            "key-condition": {"attr": "id", "eq": 1}, "filter": {"attr": "status", "eq": "open"}}),
    }
}

/// The change capture table (alone with `BENCH_ONLY=streams`).
fn stream_table(runtime: &tokio::runtime::Runtime, host: &Host, (stub, moto): (&str, &str)) {
    println!("| endpoint | work | contender | p50 ms | p99 ms | records/s | p50 / native |");
    println!("| --- | --- | --- | ---: | ---: | ---: | ---: |");
    stream_rows(runtime, host, ("stub", stub), 10);
    fill_stream(runtime, host, moto);
    stream_rows(runtime, host, ("moto", moto), 5);
}
