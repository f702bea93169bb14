"""Count the requests of a moto recording (MOTO_RECORDER_FILEPATH) that name one table,
by operation, as requests per minute per replica: the lease table's cost at rest in
scripts/bench-replicas.sh. Arguments: the recording, the table, the seconds recorded, the
replicas."""

import base64
import collections
import json
import sys

recording, table, seconds, replicas = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
counts = collections.Counter()
others = collections.Counter()
with open(recording) as lines:
    for line in lines:
        entry = json.loads(line)
        body = entry.get("body") or ""
        if entry.get("body_encoded"):
            body = base64.b64decode(body).decode("utf-8", "replace")
        target = entry["headers"].get("X-Amz-Target", "?").split(".")[-1]
        (counts if f'"{table}"' in body else others)[target] += 1
per_minute = 60.0 / seconds / replicas
shown = ", ".join(f"{op} {n * per_minute:.1f}" for op, n in sorted(counts.items()))
print(f"at rest, {replicas} replicas: the lease table {sum(counts.values()) * per_minute:.1f} requests/min per replica ({shown})")
shown = ", ".join(f"{op} {n * per_minute:.1f}" for op, n in sorted(others.items()))
print(f"at rest, {replicas} replicas: the stream polls {sum(others.values()) * per_minute:.1f} requests/min per replica ({shown})")
