"""Amazon DynamoDB connector: its actions run in process by the project's own host.

The host is the Rust runtime of `connector-host` (a native module): every step runs in a
sandboxed WebAssembly instance of the connector component shipped inside this package,
under the same egress policy, limits and secret redaction as the CLI and the service.

    from decimal import Decimal
    from dynamodb_connector import Host, ConditionalCheckFailedError

    host = Host(allow_endpoints=["127.0.0.1"])
    connection = {"type": "access-key", "access-key-id": "...", "secret-access-key": "...",
                  "endpoint-url": "http://127.0.0.1:8000"}
    tables = host.run_step(connection, "list-tables", {"region": "us-east-1"})

Values: every JSON number a step returns is a `decimal.Decimal` with exactly its digits;
numbers given as `Decimal` (or `int`) are sent with exactly theirs; `bytes` are sent as
base64 (the connector's form of a binary), sets as arrays. `typed()` turns an item read
with `item-format: DYNAMODB_JSON` into Python values: `N` a `Decimal`, `B` `bytes`, `SS`,
`NS`, `BS` sets.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
from decimal import Decimal
from typing import Any, Dict, Iterable, List, Mapping, Optional

from . import _native
from ._generated import ACTIONS, ERROR_KINDS, INPUTS, Action, Connection
from .errors import ConnectorError, error_class
from .errors import *  # noqa: F401,F403  (one class per error kind)

__all__ = ["Host", "ConnectorError", "typed", "ACTIONS", "ERROR_KINDS", "INPUTS", "Action",
           "Connection"] + [error_class(kind).__name__ for kind in ERROR_KINDS]

_HERE = os.path.dirname(os.path.abspath(__file__))


class Host:
    """A host: the component compiled once (cached on disk), steps run in sandboxed
    instances. Thread-safe: steps of several threads run at once (each releases the
    interpreter while it runs)."""

    def __init__(
        self,
        *,
        allow_endpoints: Iterable[str] = (),
        allow_any_endpoint: bool = False,
        timeout_seconds: Optional[float] = None,
        memory_bytes: Optional[int] = None,
        reuse: bool = True,
        pooled_steps: Optional[int] = None,
        cache_dir: Optional[str] = None,
        component: Optional[str] = None,
        manifest: Optional[str] = None,
    ) -> None:
        """`allow_endpoints`: the hosts, addresses or networks an endpoint override may
        reach besides the service's own (the CLI's `--allow-endpoint`); the limits and
        reuse as `connector-host` takes them; `component`/`manifest`: another build than
        the one inside the package."""
        options: Dict[str, Any] = {
            "component": component or os.path.join(_HERE, "component", "dynamodb_connector.wasm"),
            "manifest": manifest or os.path.join(_HERE, "component", "connector.toml"),
            "allow_endpoints": list(allow_endpoints),
            "allow_any_endpoint": allow_any_endpoint,
            "reuse": reuse,
        }
        for key, value in (("timeout_seconds", timeout_seconds), ("memory_bytes", memory_bytes),
                           ("pooled_steps", pooled_steps)):
            if value is not None:
                options[key] = value
        if cache_dir is not None:
            options["cache_dir"] = cache_dir
        try:
            self._native = _native.NativeHost(json.dumps(options))
        except ValueError as error:
            raise _raised(_loads(str(error))) from None

    def run_step(self, connection: Connection, action: str, input: Mapping[str, Any]) -> Any:
        """Run one action; its output, or the error kind's exception."""
        step = {"connection": connection, "action": action, "input": input}
        return _result(self._native.run_step(_dumps(step)))

    async def run_step_async(
        self, connection: Connection, action: str, input: Mapping[str, Any]
    ) -> Any:
        """`run_step` on a worker thread: the event loop goes on while the step runs, and
        concurrent steps run together."""
        return await asyncio.to_thread(self.run_step, connection, action, input)

    def run_flow(self, connection: Connection, steps: List[Mapping[str, Any]]) -> List[Dict[str, Any]]:
        """Run `steps` (each `{"name", "action", "input"}`, optionally its own
        `connection`) in order; their outputs as `[{"title", "output"}]`. The first failure
        stops the flow and is raised, with the outputs of the steps before it as
        `error.completed`."""
        flow = {"connection": connection, "steps": list(steps)}
        ran = _result(self._native.run_flow(_dumps(flow)))
        if ran["error"] is not None:
            error = _raised(ran["error"])
            error.completed = ran["steps"]
            raise error
        return ran["steps"]

    def poll(
        self, connection: Connection, action: str, input: Mapping[str, Any], state: Any = None
    ) -> Dict[str, Any]:
        """One poll of a trigger (`read-stream-changes`, `poll-new-items`): `{"records",
        "state", "more"}`; keep `state` for the next poll only once the records are
        handled."""
        step = {"connection": connection, "action": action, "input": input}
        return _result(self._native.poll(_dumps(step), _dumps(state)))

    async def poll_async(
        self, connection: Connection, action: str, input: Mapping[str, Any], state: Any = None
    ) -> Dict[str, Any]:
        """`poll` on a worker thread."""
        return await asyncio.to_thread(self.poll, connection, action, input, state)


def typed(value: Any) -> Any:
    """A DynamoDB JSON value (`{"N": "1"}`, an item of them, a list of items) as Python
    values: `N` → `Decimal`, `B` → `bytes`, `SS`/`NS`/`BS` → sets, `M`/`L` → dict/list,
    `BOOL`, `NULL` → bool, None."""
    if isinstance(value, list):
        return [typed(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (code, inner), = value.items()
        if code == "S":
            return inner
        if code == "N":
            return Decimal(str(inner))
        if code == "B":
            return base64.b64decode(inner)
        if code == "BOOL":
            return bool(inner)
        if code == "NULL":
            return None
        if code == "SS":
            return set(inner)
        if code == "NS":
            return {Decimal(str(n)) for n in inner}
        if code == "BS":
            return {base64.b64decode(b) for b in inner}
        if code == "L":
            return [typed(v) for v in inner]
        if code == "M":
            return {k: typed(v) for k, v in inner.items()}
    return {k: typed(v) for k, v in value.items()}


def _dumps(value: Any) -> str:
    """JSON text of a Python value, numbers with exactly their digits."""
    parts: List[str] = []
    _write(value, parts)
    return "".join(parts)


def _write(value: Any, out: List[str]) -> None:
    if value is None or isinstance(value, (bool, str)):
        out.append(json.dumps(value))
    elif isinstance(value, (int, Decimal)):
        if isinstance(value, Decimal) and not value.is_finite():
            raise ValueError(f"{value} is not a number DynamoDB stores")
        out.append(str(value))
    elif isinstance(value, float):
        out.append(json.dumps(value))  # its shortest exact text; NaN and infinities refused
        if out[-1] in ("NaN", "Infinity", "-Infinity"):
            raise ValueError(f"{value} is not a number DynamoDB stores")
    elif isinstance(value, (bytes, bytearray, memoryview)):
        out.append(json.dumps(base64.b64encode(bytes(value)).decode("ascii")))
    elif isinstance(value, Mapping):
        out.append("{")
        for i, (key, member) in enumerate(value.items()):
            if not isinstance(key, str):
                raise TypeError(f"object keys must be strings, not {type(key).__name__}")
            out.append(("," if i else "") + json.dumps(key) + ":")
            _write(member, out)
        out.append("}")
    elif isinstance(value, (list, tuple, set, frozenset)):
        out.append("[")
        members = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        for i, member in enumerate(members):
            if i:
                out.append(",")
            _write(member, out)
        out.append("]")
    else:
        raise TypeError(f"{type(value).__name__} is not a JSON value")


def _loads(text: str) -> Any:
    return json.loads(text, parse_float=Decimal, parse_int=Decimal)


def _result(answer: Any) -> Any:
    ok, text = answer
    value = _loads(text)
    if ok:
        return value
    raise _raised(value)


def _raised(error: Dict[str, Any]) -> ConnectorError:
    body = error.get("error", error)
    return error_class(body.get("kind", "host"))(body)
