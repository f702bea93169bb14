"""moto's request recorder (MOTO_RECORDER_FILEPATH), read: `requests(recording)` yields each
recorded request's operation and body. Run as a script, it counts the requests that name
one table, by operation, as requests per minute per replica: the lease table's cost at rest
in scripts/bench-replicas.sh. Arguments: the recording, the table, the seconds recorded,
the replicas."""

import base64
import collections
import json
import sys


def requests(recording):
    """Each recorded request's operation (`X-Amz-Target`'s last part) and body."""
    with open(recording) as lines:
        for line in lines:
            entry = json.loads(line)
            body = entry.get("body") or ""
            if entry.get("body_encoded"):
                body = base64.b64decode(body).decode("utf-8", "replace")
            yield entry["headers"].get("X-Amz-Target", "?").split(".")[-1], body


if __name__ == "__main__":
    recording, table, seconds, replicas = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    counts = collections.Counter()
    others = collections.Counter()
    for target, body in requests(recording):
        (counts if f'"{table}"' in body else others)[target] += 1
    per_minute = 60.0 / seconds / replicas
    for what, counted in (("the lease table", counts), ("the stream polls", others)):
        shown = ", ".join(f"{op} {n * per_minute:.1f}" for op, n in sorted(counted.items()))
        print(f"at rest, {replicas} replicas: {what} {sum(counted.values()) * per_minute:.1f} "
              f"requests/min per replica ({shown})")
