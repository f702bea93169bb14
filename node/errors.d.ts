// Generated from connector.toml by connector-docs: do not edit.

/** A step that failed; `kind` says which way (docs/errors.md). */
export declare class ConnectorError extends Error {
  /** The error object as the host answers it. */
  readonly error: Record<string, unknown>;
  readonly kind: ErrorKind;
  /** For invalid-input: the input at fault. */
  readonly field: string | null;
  /** The service's error code, when the service answered. */
  readonly code: string | null;
  /** What a step that ended early did and what is left. */
  readonly progress: Record<string, unknown> | null;
  /** With runFlow: the outputs of the steps before the failure. */
  completed: Array<{ title: string; output: unknown }> | null;
}

export type ErrorKind = "access-denied" | "conditional-check-failed" | "host" | "invalid-input" | "limit" | "network" | "outcome-unknown" | "resource-in-use" | "resource-not-found" | "service" | "throttled" | "timeout" | "transaction-canceled" | "trap" | "validation";

/** A step that failed as `access-denied`. */
export declare class AccessDeniedError extends ConnectorError {}
/** A step that failed as `conditional-check-failed`. */
export declare class ConditionalCheckFailedError extends ConnectorError {}
/** A step that failed as `host`. */
export declare class HostError extends ConnectorError {}
/** A step that failed as `invalid-input`. */
export declare class InvalidInputError extends ConnectorError {}
/** A step that failed as `limit`. */
export declare class LimitError extends ConnectorError {}
/** A step that failed as `network`. */
export declare class NetworkError extends ConnectorError {}
/** A step that failed as `outcome-unknown`. */
export declare class OutcomeUnknownError extends ConnectorError {}
/** A step that failed as `resource-in-use`. */
export declare class ResourceInUseError extends ConnectorError {}
/** A step that failed as `resource-not-found`. */
export declare class ResourceNotFoundError extends ConnectorError {}
/** A step that failed as `service`. */
export declare class ServiceError extends ConnectorError {}
/** A step that failed as `throttled`. */
export declare class ThrottledError extends ConnectorError {}
/** A step that failed as `timeout`. */
export declare class TimeoutError extends ConnectorError {}
/** A step that failed as `transaction-canceled`. */
export declare class TransactionCanceledError extends ConnectorError {}
/** A step that failed as `trap`. */
export declare class TrapError extends ConnectorError {}
/** A step that failed as `validation`. */
export declare class ValidationError extends ConnectorError {}
