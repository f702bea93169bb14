// The JS SDK v3's DocumentClient doing the bulk benchmark's work with a long-lived client.
// Usage: node js_bulk.mjs ENDPOINT WORK ITERATIONS STYLE -> {"p50_ms", "p99_ms", "cpu_ms"} (one
// warm-up run excluded). WORK: write, get, scan1, scan4 (10,000 items); STYLE: sequential
// (one request after another) or inflight (8 requests in flight; scan segments together).
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { measure } from "./timing.mjs";

const [endpoint, work, iterationsText, style] = process.argv.slice(2);
const TABLE = "bulk";
const ITEMS = 10_000;
const IN_FLIGHT = style === "inflight" ? 8 : 1;
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({
  region: "us-east-1",
  endpoint,
  credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "bench" },
}));

const chunks = (values, size) => {
  const out = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
};

// Run `jobs` (functions returning promises) with IN_FLIGHT at once; their results.
async function pooled(jobs) {
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return results;
}

async function writeBatch(chunk) {
  let pending = { [TABLE]: chunk };
  while (pending && Object.keys(pending).length) {
    pending = (await doc.send(new BatchWriteCommand({ RequestItems: pending }))).UnprocessedItems;
  }
}

async function getBatch(chunk) {
  let wanted = { [TABLE]: { Keys: chunk } };
  let found = 0;
  while (wanted && Object.keys(wanted).length) {
    const out = await doc.send(new BatchGetCommand({ RequestItems: wanted }));
    found += (out.Responses[TABLE] || []).length;
    wanted = out.UnprocessedKeys;
  }
  return found;
}

async function scanSegment(segment, total) {
  let start;
  let count = 0;
  do {
    const page = await doc.send(new ScanCommand({
      TableName: TABLE, Segment: segment, TotalSegments: total, ExclusiveStartKey: start,
    }));
    count += page.Count;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

const ids = Array.from({ length: ITEMS }, (_, i) => i);
const sum = (values) => values.reduce((a, b) => a + b, 0);

async function run() {
  if (work === "write") {
    const puts = ids.map((i) => ({ PutRequest: { Item: { id: i, name: `item-${i}`, total: 12.5 } } }));
    await pooled(chunks(puts, 25).map((c) => () => writeBatch(c)));
  } else if (work === "get") {
    const found = await pooled(chunks(ids.map((id) => ({ id })), 100).map((c) => () => getBatch(c)));
    if (sum(found) !== ITEMS) throw new Error(`read ${sum(found)}`);
  } else {
    const total = work === "scan1" ? 1 : 4;
    const segments = Array.from({ length: total }, (_, s) => s);
    const counts = style === "inflight"
      ? await Promise.all(segments.map((s) => scanSegment(s, total)))
      : await pooled(segments.map((s) => () => scanSegment(s, total)));
    if (sum(counts) !== ITEMS) throw new Error(`scanned ${sum(counts)}`);
  }
}

await measure(run, Number(iterationsText));
