// The conformance matrix's jco driver: each call of CALLS (the export and its arguments as
// the project's host converted them, in neutral form) made on the component transpiled by
// jco in DIR; one outcome per line: {"ok": OUTPUT TEXT} or {"err": {kind, message, field, code}}.
//
//   node tests/conformance/jco.mjs DIR CALLS
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, callsFile] = process.argv.slice(2);
const { actions } = await import(pathToFileURL(path.join(dir, 'dynamodb_connector.js')).href);
const calls = JSON.parse(readFileSync(callsFile, 'utf8'));

const camel = (name) => name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());

/** A neutral value as jco takes it. */
function lower(v) {
  if ('string' in v) return v.string;
  if ('bool' in v) return v.bool;
  if ('int' in v) return v.int;
  if ('u64' in v) return BigInt(v.u64);
  if ('enum' in v) return v.enum;
  if ('option' in v) return v.option === null ? undefined : lower(v.option);
  if ('list' in v) return v.list.map(lower);
  if ('bytes' in v) return Uint8Array.from(Buffer.from(v.bytes, 'base64'));
  if ('record' in v) return Object.fromEntries(v.record.map(([k, f]) => [camel(k), lower(f)]));
  if ('variant' in v) return { tag: v.variant, val: v.payload === null ? undefined : lower(v.payload) };
  throw new Error(`no neutral form ${JSON.stringify(v)}`);
}

for (const call of calls) {
  let outcome;
  try {
    const text = actions[camel(call.action)](...call.args.map(lower));
    outcome = { ok: text };
  } catch (error) {
    const payload = error.payload;
    if (!payload || !payload.tag) throw error;
    const info = payload.val;
    outcome = { err: { kind: payload.tag, message: info.message, field: info.field ?? null,
      code: info.code ?? null } };
  }
  console.log(JSON.stringify(outcome));
}
