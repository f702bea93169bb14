"""Steps per second of one `connector-host serve` for 1,000 role-arn tenants x 5
`list-tables` steps on moto (its STS included), 16 client threads taking the steps in
order (a tenant's five steps are neighbours, so they overlap), and the AssumeRole calls
moto's recorder counted. Arguments: the serve URL, the moto URL, the recording file.
Run by scripts/bench-sts-tenants.sh (docs/performance.md)."""

import concurrent.futures
import json
import sys
import time
import urllib.request

from moto_recording import requests

serve, moto, recording = sys.argv[1:4]
TENANTS, STEPS, CLIENTS = 1000, 5, 16


def step(tenant):
    connection = {"type": "role-arn", "role-arn": f"arn:aws:iam::123456789012:role/bench-{tenant}",
                  "access-key-id": "AKIDBENCHSTS", "secret-access-key": "bench-sts-secret",
                  "endpoint-url": moto, "sts-endpoint-url": moto}
    body = json.dumps({"connection": connection, "action": "list-tables",
                       "input": {"region": "us-east-1"}}).encode()
    request = urllib.request.Request(f"{serve}/v1/steps", data=body,
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as answer:
        return answer.status


def recorder(action):
    urllib.request.urlopen(urllib.request.Request(f"{moto}/moto-api/recorder/{action}", method="POST"))


recorder("reset-recording")
recorder("start-recording")
work = [t for t in range(TENANTS) for _ in range(STEPS)]
start = time.monotonic()
with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
    statuses = list(pool.map(step, work))
elapsed = time.monotonic() - start
recorder("stop-recording")
assumed = sum(body.startswith("Action=AssumeRole") for _, body in requests(recording))
failed = sum(1 for s in statuses if s != 200)
print(f"{len(work) / elapsed:.0f} steps/s ({len(work)} steps in {elapsed:.1f} s, {failed} failed), {assumed} AssumeRole")
