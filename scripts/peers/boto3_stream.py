"""boto3 reading a table's whole DynamoDB stream, as a Python trigger would: the table's
stream, its shards, and GetRecords of 1,000 from TRIM_HORIZON until a page comes back empty.
Usage: boto3_stream.py ENDPOINT TABLE RECORDS ITERATIONS -> {"p50_ms", "p99_ms", "cpu_ms"} (one
warm-up read excluded; every read must see RECORDS records)."""

import sys

import boto3

from timing import measure


def read_all(streams, table):
    arn = streams.list_streams(TableName=table)["Streams"][0]["StreamArn"]
    shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    count = 0
    for shard in shards:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator, Limit=1000)
            if not page["Records"]:
                break
            count += len(page["Records"])
            iterator = page.get("NextShardIterator")
    return count


def main():
    endpoint, table, records, iterations = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    streams = boto3.client("dynamodbstreams", region_name="us-east-1", endpoint_url=endpoint,
                           aws_access_key_id="AKIDBENCH", aws_secret_access_key="bench-secret")

    def run():
        count = read_all(streams, table)
        assert count == records, count

    measure(run, iterations)


if __name__ == "__main__":
    main()
