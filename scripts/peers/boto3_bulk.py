"""boto3 doing the bulk benchmark's work with a long-lived client.

Usage: boto3_bulk.py ENDPOINT WORK ITERATIONS STYLE -> {"p50_ms", "p99_ms", "cpu_ms"} (one warm-up run
excluded). WORK: write (10,000 puts), get (10,000 keys), scan1, scan4 (10,000 items).
STYLE: sequential (the Table resource's batch_writer for writes; one request after another
otherwise) or threads (a pool of 8 threads, one request each; one thread per scan segment).
"""

import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

from timing import measure

TABLE = "bulk"
ITEMS = 10_000
THREADS = 8


def session_args(endpoint):
    return dict(region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="AKIDBENCH",
                aws_secret_access_key="bench", config=Config(max_pool_connections=THREADS * 2))


def chunks(values, size):
    return [values[i:i + size] for i in range(0, len(values), size)]


def write_batch(client, chunk):
    pending = {TABLE: chunk}
    while pending:
        pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def get_batch(client, chunk):
    wanted, found = {TABLE: {"Keys": chunk}}, 0
    while wanted:
        out = client.batch_get_item(RequestItems=wanted)
        found += len(out["Responses"].get(TABLE, []))
        wanted = out.get("UnprocessedKeys") or {}
    return found


def scan_segment(client, segment, total):
    args, count = dict(TableName=TABLE, Segment=segment, TotalSegments=total), 0
    while True:
        page = client.scan(**args)
        count += page["Count"]
        if "LastEvaluatedKey" not in page:
            return count
        args["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def run(resource, client, pool, work, style):
    if work == "write" and style == "sequential":
        with resource.Table(TABLE).batch_writer() as batch:
            for i in range(ITEMS):
                batch.put_item(Item={"id": i, "name": f"item-{i}", "total": "12.50"})
        return
    if work == "write":
        puts = [{"PutRequest": {"Item": {"id": {"N": str(i)}, "name": {"S": f"item-{i}"},
                                         "total": {"N": "12.50"}}}} for i in range(ITEMS)]
        list(pool.map(lambda c: write_batch(client, c), chunks(puts, 25)))
        return
    if work == "get":
        keys = chunks([{"id": {"N": str(i)}} for i in range(ITEMS)], 100)
        mapper = pool.map if style == "threads" else map
        assert sum(mapper(lambda c: get_batch(client, c), keys)) == ITEMS
        return
    total = 1 if work == "scan1" else 4
    mapper = pool.map if style == "threads" else map
    assert sum(mapper(lambda s: scan_segment(client, s, total), range(total))) == ITEMS


def main():
    endpoint, work, iterations, style = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    resource = boto3.resource("dynamodb", **session_args(endpoint))
    client = boto3.client("dynamodb", **session_args(endpoint))
    with ThreadPoolExecutor(THREADS) as pool:
        measure(lambda: run(resource, client, pool, work, style), iterations)


if __name__ == "__main__":
    main()
