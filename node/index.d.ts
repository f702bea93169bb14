// The API of the `dynamodb-connector` npm package (index.js). The actions' input and
// output types are generated from the published JSON Schemas (actions.d.ts); the error
// classes from the manifest (errors.d.ts).
import { LosslessNumber, isLosslessNumber } from 'lossless-json';
import type { Actions } from './actions';

export { LosslessNumber, isLosslessNumber };
export * from './errors';
export type { Actions } from './actions';

/** The name of an action. */
export type Action = keyof Actions;

/** A connection (docs/connections): its `type` and that type's fields. */
export type Connection = { type: 'access-key' | 'role-arn' | 'web-identity' } & Record<string, unknown>;

/** The options of a host: the CLI's. */
export interface HostOptions {
  /** Hosts, addresses or networks an endpoint override may reach (`--allow-endpoint`). */
  allowEndpoints?: string[];
  /** Every destination (development only). */
  allowAnyEndpoint?: boolean;
  /** A step's deadline (300 by default). */
  timeoutSeconds?: number;
  /** The most linear memory a step's instance may grow to. */
  memoryBytes?: number;
  /** `false`: a fresh instance for every step. */
  reuse?: boolean;
  /** Steps that may run at once on pooled instance slots. */
  pooledSteps?: number;
  /** The compile cache; `null`: compile in every process. */
  cacheDir?: string | null;
  /** Another component build than the one in the package. */
  component?: string;
  /** Its manifest. */
  manifest?: string;
}

/** One step of a flow. */
export interface FlowStep<A extends Action = Action> {
  name?: string;
  action: A;
  input: Actions[A]['input'];
  connection?: Connection;
}

/** A poll of a trigger. */
export interface Polled {
  records: unknown[];
  state: unknown;
  more: boolean;
}

/**
 * A host: the component compiled once (cached on disk), steps run in sandboxed instances
 * on libuv's worker pool (the event loop never waits). A number that would lose a digit as
 * a JavaScript number comes back as a `LosslessNumber`.
 */
export declare class Host {
  constructor(options?: HostOptions);
  /** Run one action: its output, or the error kind's `Error` subclass. */
  runStep<A extends Action>(connection: Connection, action: A, input: Actions[A]['input']): Promise<Actions[A]['output']>;
  /** Run steps in order: their outputs; the first failure is thrown with `completed`. */
  runFlow(connection: Connection, steps: FlowStep[]): Promise<Array<{ title: string; output: unknown }>>;
  /** One poll of a trigger (`read-stream-changes`, `poll-new-items`). */
  poll<A extends 'read-stream-changes' | 'poll-new-items'>(connection: Connection, action: A, input: Actions[A]['input'], state?: unknown): Promise<Polled>;
}
