"""The conformance matrix's wasmtime-py driver: each call of CALLS (the export and its
arguments as the project's host converted them, in neutral form) made on COMPONENT under
wasmtime-py (`pip install wasmtime`: its component linker with WASI P2 and wasi:http);
one outcome per line: {"ok": OUTPUT TEXT} or {"err": {kind, message, field, code}}.

    python tests/conformance/wasmtime_py.py COMPONENT INTERFACE CALLS [activity]

With `activity`, COMPONENT is the Obelisk adapter (docs/obelisk.md): each call's first
argument, the connection, is given as the environment variables the adapter reads (those
of the first call; an empty field is left unset), and the other arguments as the call's.
"""

import base64
import json
import sys

import wasmtime
from wasmtime import component as cm

path, interface, calls_file = sys.argv[1:4]
activity = sys.argv[4:5] == ["activity"]
calls = json.load(open(calls_file))
# The access-key connection's fields as the adapter's environment variables.
ENVIRONMENT = {
    "access-key-id": "AWS_ACCESS_KEY_ID",
    "secret-access-key": "AWS_SECRET_ACCESS_KEY",
    "session-token": "AWS_SESSION_TOKEN",
    "endpoint-url": "AWS_ENDPOINT_URL_DYNAMODB",
    "streams-endpoint-url": "AWS_ENDPOINT_URL_DYNAMODB_STREAMS",
}
# wasmtime's compile cache: each run compiles a component once per version.
config = wasmtime.Config()
config.cache = True
engine = wasmtime.Engine(config)
store = wasmtime.Store(engine)
wasi = wasmtime.WasiConfig()
if activity:
    connection = calls[0]["args"][0]
    assert connection["variant"] == "access-key", connection
    fields = {name: field for name, field in connection["payload"]["record"]}
    wasi.env = [
        (var, fields[name].get("string") or (fields[name].get("option") or {}).get("string"))
        for name, var in ENVIRONMENT.items()
        if fields[name].get("string") or (fields[name].get("option") or {}).get("string")
    ]
store.set_wasi(wasi)
store.set_wasi_http()
linker = cm.Linker(engine)
linker.add_wasip2()
linker.add_wasi_http()
component = cm.Component.from_file(engine, path)
instance = linker.instantiate(store, component)
exported = instance.get_export_index(store, interface)


def lower(v):
    """A neutral value as wasmtime-py takes it."""
    if "string" in v:
        return v["string"]
    if "bool" in v:
        return v["bool"]
    if "int" in v:
        return v["int"]
    if "u64" in v:
        return int(v["u64"])
    if "enum" in v:
        return v["enum"]
    if "option" in v:
        return None if v["option"] is None else lower(v["option"])
    if "list" in v:
        return [lower(x) for x in v["list"]]
    if "bytes" in v:
        return base64.b64decode(v["bytes"])
    if "record" in v:
        record = cm.Record()
        for name, field in v["record"]:
            setattr(record, name, lower(field))
        return record
    if "variant" in v:
        return cm.Variant(v["variant"], None if v["payload"] is None else lower(v["payload"]))
    raise ValueError(f"no neutral form {v}")


for call in calls:
    func = instance.get_func(store, instance.get_export_index(store, call["action"], exported))
    args = call["args"][1:] if activity else call["args"]
    result = func(store, *[lower(a) for a in args])
    func.post_return(store)
    if isinstance(result, str):
        outcome = {"ok": result}
    else:
        info = result.payload
        outcome = {"err": {"kind": result.tag, "message": info.message,
                           "field": getattr(info, "field"), "code": getattr(info, "code")}}
    print(json.dumps(outcome))
