'use strict';
// Generated from connector.toml by connector-docs: do not edit.
// One Error subclass per error kind (docs/errors.md), all ConnectorErrors.

/** A step that failed; `kind` says which way. */
class ConnectorError extends Error {
  constructor(error) {
    super(error.message || '');
    this.name = this.constructor.name;
    /** The error object as the host answers it. */
    this.error = error;
    this.kind = error.kind;
    /** For invalid-input: the input at fault. */
    this.field = error.field ?? null;
    /** The service's error code. */
    this.code = error.code ?? null;
    /** What a step that ended early did and what is left. */
    this.progress = error.progress ?? null;
    /** With runFlow: the outputs of the steps before the failure. */
    this.completed = null;
  }
}

class AccessDeniedError extends ConnectorError {}
class ConditionalCheckFailedError extends ConnectorError {}
class HostError extends ConnectorError {}
class InvalidInputError extends ConnectorError {}
class LimitError extends ConnectorError {}
class NetworkError extends ConnectorError {}
class OutcomeUnknownError extends ConnectorError {}
class ResourceInUseError extends ConnectorError {}
class ResourceNotFoundError extends ConnectorError {}
class ServiceError extends ConnectorError {}
class ThrottledError extends ConnectorError {}
class TimeoutError extends ConnectorError {}
class TransactionCanceledError extends ConnectorError {}
class TrapError extends ConnectorError {}
class ValidationError extends ConnectorError {}

/** The class of each kind. */
const byKind = {
  "access-denied": AccessDeniedError,
  "conditional-check-failed": ConditionalCheckFailedError,
  "host": HostError,
  "invalid-input": InvalidInputError,
  "limit": LimitError,
  "network": NetworkError,
  "outcome-unknown": OutcomeUnknownError,
  "resource-in-use": ResourceInUseError,
  "resource-not-found": ResourceNotFoundError,
  "service": ServiceError,
  "throttled": ThrottledError,
  "timeout": TimeoutError,
  "transaction-canceled": TransactionCanceledError,
  "trap": TrapError,
  "validation": ValidationError,
};

module.exports = {
  ConnectorError,
  byKind,
  AccessDeniedError,
  ConditionalCheckFailedError,
  HostError,
  InvalidInputError,
  LimitError,
  NetworkError,
  OutcomeUnknownError,
  ResourceInUseError,
  ResourceNotFoundError,
  ServiceError,
  ThrottledError,
  TimeoutError,
  TransactionCanceledError,
  TrapError,
  ValidationError,
};
