"""boto3 (the SDK OpenMetadata's DynamoDB connector runs) doing the benchmark's calls with a
long-lived client. Usage: boto3_steps.py ENDPOINT OPERATION ITERATIONS -> {"p50_ms",
"p99_ms"} (warm-up excluded)."""

import sys

import boto3

from timing import measure

TABLE = "bench"


def call(client, operation):
    if operation == "list-tables":
        client.list_tables()
    elif operation == "get-item":
        client.get_item(TableName=TABLE, Key={"id": {"N": "1"}})
    elif operation == "upsert-item":
        client.put_item(TableName=TABLE, Item={"id": {"N": "1"}, "name": {"S": "Rose"},
                                               "tags": {"SS": ["a", "b"]}})
    else:
        raise SystemExit(f"unknown operation {operation}")


def main():
    endpoint, operation, iterations = sys.argv[1], sys.argv[2], int(sys.argv[3])
    client = boto3.client("dynamodb", region_name="us-east-1", endpoint_url=endpoint,
                          aws_access_key_id="AKIDBENCH", aws_secret_access_key="bench-secret")
    measure(lambda: call(client, operation), iterations, max(1, iterations // 10))


if __name__ == "__main__":
    main()
