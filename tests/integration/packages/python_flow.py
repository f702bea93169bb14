"""A platform engineer's flow through the installed `dynamodb-connector` wheel, against
the moto server at argv[1]: create a table (with a stream), write and read an item with a
38-digit number and a binary, a plain-JSON conditional update that fails its condition, a
batch write, a query, the stream's changes, a flow, concurrent async steps that leave the
event loop running, and a sandbox refusal. Prints one JSON summary line; exits non-zero on
the first thing that is not as a user expects."""

import asyncio
import json
import sys
import time
from decimal import Decimal

import dynamodb_connector as dc

url, region = sys.argv[1], sys.argv[2]
host = dc.Host(allow_endpoints=["127.0.0.1"])
conn = {"type": "access-key", "access-key-id": "AKIDPYTHON", "secret-access-key": "py-secret",
        "endpoint-url": url, "streams-endpoint-url": url}
table = "py-orders"
base = {"region": region, "table-name": table}
summary = {}

host.run_step(conn, "create-table", {
    **base, "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "attribute-definitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "stream-view-type": "NEW_AND_OLD_IMAGES", "wait": True})

big = Decimal("12345678901234567890.123456789012345678")
blob = bytes([0, 255, 1, 254])
host.run_step(conn, "upsert-item", {
    **base, "value": {"id": "a", "total": big, "blob": blob, "tags": {"x", "y"}},
    "value-types": {"id": "S", "total": "N", "blob": "B", "tags": "SS"}})
read = host.run_step(conn, "get-item", {**base, "hash-key-value": "a",
                                        "item-format": "DYNAMODB_JSON"})
item = dc.typed(read["Item"])
assert item["total"] == big and str(item["total"]) == str(big), item["total"]
assert item["blob"] == blob, item["blob"]
assert item["tags"] == {"x", "y"}, item["tags"]
plain = host.run_step(conn, "get-item", {**base, "hash-key-value": "a"})
assert isinstance(plain["Item"]["total"], Decimal) and plain["Item"]["total"] == big
summary["number"] = str(item["total"])

try:
    host.run_step(conn, "update-item", {
        **base, "hash-key-value": "a", "update": {"set": {"status": "shipped"}},
        "condition": {"attr": "status", "eq": "paid"}})
    raise SystemExit("the conditional update did not fail")
except dc.ConditionalCheckFailedError as error:
    assert isinstance(error, dc.ConnectorError) and error.kind == "conditional-check-failed"
    summary["condition"] = error.kind

puts = [{"put": {"id": f"b{i}", "n": i}} for i in range(30)]
written = host.run_step(conn, "batch-write-items", {"region": region, "requests": {table: puts}})
summary["batch"] = written

queried = host.run_step(conn, "query-items", {**base, "key-condition": {"attr": "id", "eq": "b7"}})
assert [i["id"] for i in queried["Items"]] == ["b7"], queried
assert queried["Items"][0]["n"] == 7

polled = host.poll(conn, "read-stream-changes", base)
events = [r["EventName"] for r in polled["records"]]
summary["stream"] = len(events)
assert events and events[0] == "INSERT", events
again = host.poll(conn, "read-stream-changes", base, polled["state"])
assert not any(r["Keys"] == {"id": "a"} and r["EventName"] == "INSERT" for r in again["records"])

ran = host.run_flow(conn, [
    {"name": "count", "action": "scan-items", "input": {**base, "fetch-all": True}},
    {"name": "one", "action": "get-item", "input": {**base, "hash-key-value": "b1"}}])
summary["flow"] = [step["title"] for step in ran]
try:
    host.run_flow(conn, [{"name": "ok", "action": "list-tables", "input": {"region": region}},
                         {"name": "bad", "action": "get-item", "input": {"region": region}}])
    raise SystemExit("the bad flow did not fail")
except dc.InvalidInputError as error:
    assert len(error.completed) == 1 and error.field, (error.completed, error.field)


async def concurrently():
    ticks = 0
    done = False

    async def ticker():
        nonlocal ticks
        while not done:
            ticks += 1
            await asyncio.sleep(0.001)

    tick = asyncio.create_task(ticker())
    gets = [host.run_step_async(conn, "get-item", {**base, "hash-key-value": f"b{i}"})
            for i in range(8)]
    got = await asyncio.gather(*gets)
    done = True
    await tick
    return got, ticks

got, ticks = asyncio.run(concurrently())
assert [g["Item"]["n"] for g in got] == list(range(8)), got
assert ticks > 0, "the event loop was held"
summary["async_ticks"] = ticks

strict = dc.Host()
try:
    strict.run_step(conn, "list-tables", {"region": region})
    raise SystemExit("the sandbox let a loopback endpoint through")
except dc.ConnectorError as error:
    assert "allow-endpoint" in error.message or "allow" in error.message, error.message
    assert "py-secret" not in json.dumps(error.error)
    summary["refused"] = error.kind

print(json.dumps(summary, default=str))
