// A platform engineer's flow through the installed `dynamodb-connector` npm package,
// against the moto server at argv[2] in region argv[3]: create a table (with a stream),
// write and read an item with a 38-digit number and a binary, a plain-JSON conditional
// update that fails its condition, a batch write, a query, the stream's changes, a flow,
// concurrent steps that leave the event loop running, and a sandbox refusal. Prints one
// JSON summary line; exits non-zero on the first thing that is not as a user expects.
import assert from 'node:assert/strict';
import dc from 'dynamodb-connector';

const [url, region] = process.argv.slice(2);
const host = new dc.Host({ allowEndpoints: ['127.0.0.1'] });
const conn = { type: 'access-key', 'access-key-id': 'AKIDNODE', 'secret-access-key': 'node-secret',
  'endpoint-url': url, 'streams-endpoint-url': url };
const table = 'node-orders';
const base = { region, 'table-name': table };
const summary = {};

await host.runStep(conn, 'create-table', {
  ...base, 'key-schema': [{ AttributeName: 'id', KeyType: 'HASH' }],
  'attribute-definitions': [{ AttributeName: 'id', AttributeType: 'S' }],
  'stream-view-type': 'NEW_AND_OLD_IMAGES', wait: true });

const big = new dc.LosslessNumber('12345678901234567890.123456789012345678');
const blob = Buffer.from([0, 255, 1, 254]);
await host.runStep(conn, 'upsert-item', {
  ...base, value: { id: 'a', total: big, blob, small: 42 },
  'value-types': { id: 'S', total: 'N', blob: 'B', small: 'N' } });
const read = await host.runStep(conn, 'get-item', { ...base, 'hash-key-value': 'a' });
assert.ok(dc.isLosslessNumber(read.Item.total), 'a 38-digit number is no float');
assert.equal(read.Item.total.value, big.value);
assert.equal(read.Item.small, 42, 'a safe number is a number');
assert.deepEqual(Buffer.from(read.Item.blob, 'base64'), blob);
summary.number = read.Item.total.value;

try {
  await host.runStep(conn, 'update-item', { ...base, 'hash-key-value': 'a',
    update: { set: { status: 'shipped' } }, condition: { attr: 'status', eq: 'paid' } });
  throw new Error('the conditional update did not fail');
} catch (error) {
  assert.ok(error instanceof dc.ConditionalCheckFailedError, String(error));
  assert.ok(error instanceof dc.ConnectorError && error instanceof Error);
  summary.condition = error.kind;
}

const puts = Array.from({ length: 30 }, (_, i) => ({ put: { id: `b${i}`, n: i } }));
const written = await host.runStep(conn, 'batch-write-items', { region, requests: { [table]: puts } });
summary.written = written.Written;

const queried = await host.runStep(conn, 'query-items', { ...base, 'key-condition': { attr: 'id', eq: 'b7' } });
assert.deepEqual(queried.Items.map((i) => i.id), ['b7']);

const polled = await host.poll(conn, 'read-stream-changes', base);
assert.ok(polled.records.length > 0 && polled.records[0].EventName === 'INSERT');
summary.stream = polled.records.length;
const again = await host.poll(conn, 'read-stream-changes', base, polled.state);
assert.ok(!again.records.some((r) => r.EventName === 'INSERT' && r.Keys.id === 'a'));

const ran = await host.runFlow(conn, [
  { name: 'all', action: 'scan-items', input: { ...base, 'fetch-all': true } },
  { name: 'one', action: 'get-item', input: { ...base, 'hash-key-value': 'b1' } }]);
summary.flow = ran.map((s) => s.title);
try {
  await host.runFlow(conn, [{ name: 'ok', action: 'list-tables', input: { region } },
    { name: 'bad', action: 'get-item', input: { region } }]);
  throw new Error('the bad flow did not fail');
} catch (error) {
  assert.ok(error instanceof dc.InvalidInputError, String(error));
  assert.equal(error.completed.length, 1);
}

let ticks = 0;
const ticker = setInterval(() => { ticks += 1; }, 1);
const gets = await Promise.all(Array.from({ length: 8 }, (_, i) =>
  host.runStep(conn, 'get-item', { ...base, 'hash-key-value': `b${i}` })));
clearInterval(ticker);
assert.deepEqual(gets.map((g) => g.Item.n), [0, 1, 2, 3, 4, 5, 6, 7]);
summary.ticks = ticks;

const strict = new dc.Host();
try {
  await strict.runStep(conn, 'list-tables', { region });
  throw new Error('the sandbox let a loopback endpoint through');
} catch (error) {
  assert.ok(error instanceof dc.NetworkError, String(error));
  assert.match(error.message, /allow-endpoint/);
  assert.ok(!JSON.stringify(error.error).includes('node-secret'));
  summary.refused = error.kind;
}
console.log(JSON.stringify(summary));
