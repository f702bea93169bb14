"""One exception class per error kind (docs/errors.md), all `ConnectorError`s: catch
`ConditionalCheckFailedError`, `ThrottledError`, `InvalidInputError`... by name, or
`ConnectorError` for every one. Each carries the error object the host answers (`error`)
and its parts: `kind`, `message`, `field`, `code`, `progress` (what a step that ended early
did and what is left)."""

from __future__ import annotations

from typing import Any, Dict, Optional, Type

from ._generated import ERROR_KINDS


class ConnectorError(Exception):
    """A step that failed: `kind` says which way (one subclass per kind)."""

    kind = "host"

    def __init__(self, error: Dict[str, Any]) -> None:
        super().__init__(error.get("message", ""))
        #: The error object as the host answers it (docs/errors.md).
        self.error: Dict[str, Any] = error
        self.message: str = error.get("message", "")
        #: For `invalid-input`: the input at fault.
        self.field: Optional[str] = error.get("field")
        #: The service's error code, when the service answered.
        self.code: Optional[str] = error.get("code")
        #: What a step that ended early did and what is left, when it says.
        self.progress: Optional[Dict[str, Any]] = error.get("progress")
        #: With `Host.run_flow`: the outputs of the steps before the failure.
        self.completed: Optional[list] = None


def _class_name(kind: str) -> str:
    return "".join(part.capitalize() for part in kind.split("-")) + "Error"


_CLASSES: Dict[str, Type[ConnectorError]] = {}

for _kind in ERROR_KINDS:
    _cls = type(_class_name(_kind), (ConnectorError,), {"kind": _kind,
                "__doc__": f"A step that failed as `{_kind}` (docs/errors.md)."})
    _CLASSES[_kind] = _cls
    globals()[_cls.__name__] = _cls


def error_class(kind: str) -> Type[ConnectorError]:
    """The exception class of `kind` (`ConnectorError` for a kind this package does not
    know)."""
    return _CLASSES.get(kind, ConnectorError)


__all__ = ["ConnectorError", "error_class"] + [c.__name__ for c in _CLASSES.values()]
