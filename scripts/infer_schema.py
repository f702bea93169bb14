"""The peer of `infer-schema` in the benchmark: what a Python catalog does (OpenMetadata's
DynamoDB connector samples with boto3): scan up to N items with boto3, flatten nested maps
into dotted columns as pandas.json_normalize does, and count each column's types, items and
an example. Pure Python (no pandas dependency), so the figure is a floor for a pandas run.

Usage: infer_schema.py ENDPOINT TABLE SAMPLE_SIZE -> prints {"ms", "items", "columns",
"peak_bytes"} (time and Python heap peak of sampling plus inference, interpreter start-up
excluded)."""

import json
import sys
import time
import tracemalloc
from collections import defaultdict

import boto3


def walk(path, value, visit):
    (code, inner), = value.items()
    visit(path, code, inner)
    if code == "M":
        for name, member in sorted(inner.items()):
            walk(f"{path}.{name}", member, visit)
    elif code == "L":
        for member in inner:
            walk(f"{path}[]", member, visit)


def infer(endpoint, table, size):
    client = boto3.client("dynamodb", region_name="us-east-1", endpoint_url=endpoint,
                          aws_access_key_id="AKIDBENCH", aws_secret_access_key="bench-secret")
    items, start = [], None
    while len(items) < size:
        kwargs = {"TableName": table, "Limit": size}
        if start:
            kwargs["ExclusiveStartKey"] = start
        page = client.scan(**kwargs)
        items.extend(page["Items"])
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    items = items[:size]
    columns = defaultdict(lambda: {"types": defaultdict(int), "items": 0, "example": None})
    for item in items:
        seen = set()

        def visit(path, code, inner):
            column = columns[path]
            column["types"][code] += 1
            if path not in seen:
                seen.add(path)
                column["items"] += 1
            if column["example"] is None and code in ("S", "N", "BOOL"):
                column["example"] = inner

        for name, value in sorted(item.items()):
            walk(name, value, visit)
    return items, columns


def main():
    endpoint, table, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    tracemalloc.start()
    started = time.perf_counter()
    items, columns = infer(endpoint, table, size)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    print(json.dumps({"ms": elapsed * 1000, "items": len(items), "columns": len(columns),
                      "peak_bytes": peak}))


if __name__ == "__main__":
    main()
