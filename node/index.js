'use strict';
// Amazon DynamoDB connector for Node: the project's host runtime as a native addon
// (napi-rs), the connector component inside this package. Every step runs in a sandboxed
// WebAssembly instance under the same egress policy, limits and secret redaction as
// `connector-host`, on libuv's worker pool: the event loop never waits for a step.
//
// Numbers: a number that converts to a JavaScript number without losing a digit is a
// `number`; any other (a 38-digit DynamoDB number) is a `LosslessNumber` (lossless-json:
// `.value` holds its exact text), never a rounded float. Give such numbers as a
// `LosslessNumber`, a `bigint` or `new LosslessNumber("…")`. Buffers are sent as base64 (the
// connector's binaries), Sets as arrays.

const path = require('node:path');
const { LosslessNumber, isLosslessNumber, parse, stringify } = require('lossless-json');
const { NativeHost } = require('./native/dynamodb_connector.node');

const errors = require('./errors');

function raised(body) {
  const error = body && body.error ? body.error : body;
  const Class = errors.byKind[error.kind] || errors.ConnectorError;
  return new Class(error);
}

/** A number as JavaScript holds it without loss, else its exact text. */
function number(text) {
  const n = Number(text);
  const exact = /^-?\d+$/.test(text) ? Number.isSafeInteger(n) : String(n) === text;
  return exact ? n : new LosslessNumber(text);
}

function encode(key, value) {
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    return Buffer.from(value).toString('base64');
  }
  if (value instanceof Set) return [...value];
  return value;
}

function dumps(value) {
  return stringify(value, encode);
}

function result(text) {
  const answer = parse(text, null, number);
  if (answer.ok) return answer.value;
  throw raised(answer.value);
}

class Host {
  /**
   * A host: the component compiled once (cached on disk), steps run in sandboxed instances.
   * Options: `allowEndpoints` (the CLI's --allow-endpoint), `allowAnyEndpoint`,
   * `timeoutSeconds`, `memoryBytes`, `reuse`, `pooledSteps`, `cacheDir`, `component`,
   * `manifest`.
   */
  constructor(options = {}) {
    const here = path.join(__dirname, 'component');
    const given = {
      component: options.component || path.join(here, 'dynamodb_connector.wasm'),
      manifest: options.manifest || path.join(here, 'connector.toml'),
      allow_endpoints: options.allowEndpoints || [],
      allow_any_endpoint: Boolean(options.allowAnyEndpoint),
      reuse: options.reuse !== false,
    };
    const optional = {
      timeout_seconds: options.timeoutSeconds, memory_bytes: options.memoryBytes,
      pooled_steps: options.pooledSteps, cache_dir: options.cacheDir,
    };
    for (const [key, value] of Object.entries(optional)) {
      if (value !== undefined) given[key] = value;
    }
    try {
      this.native = new NativeHost(JSON.stringify(given));
    } catch (error) {
      throw raised(JSON.parse(error.message));
    }
  }

  /** Run one action: a promise of its output, or of the error kind's `Error`. */
  async runStep(connection, action, input) {
    return result(await this.native.runStep(dumps({ connection, action, input })));
  }

  /**
   * Run `steps` (each `{name, action, input}`, optionally its own `connection`) in order:
   * their outputs as `[{title, output}]`. The first failure is thrown, with the outputs of
   * the steps before it as `error.completed`.
   */
  async runFlow(connection, steps) {
    const ran = result(await this.native.runFlow(dumps({ connection, steps })));
    if (ran.error) {
      const error = raised(ran.error);
      error.completed = ran.steps;
      throw error;
    }
    return ran.steps;
  }

  /** One poll of a trigger: `{records, state, more}`; keep `state` once the records are handled. */
  async poll(connection, action, input, state = null) {
    return result(await this.native.poll(dumps({ connection, action, input }), dumps(state)));
  }
}

const { byKind, ...classes } = errors;
module.exports = { Host, LosslessNumber, isLosslessNumber, ...classes };
