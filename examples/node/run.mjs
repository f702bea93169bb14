// Run the connector component in Node without the service: transpiled by jco, with
// preview2-shim providing WASI (see docs/embedding.md for the two caveats: a call blocks
// the event loop, and the shim has no egress sandbox).
//
//   npx jco transpile target/wasm32-wasip2/release/dynamodb_connector.wasm -o DIR
//   node examples/node/run.mjs DIR ENDPOINT_URL
//
// It creates a table, writes and reads an item and lists the tables through the
// component's actions, and prints each output.
import { pathToFileURL } from "node:url";
import path from "node:path";

const [dir, endpointUrl] = process.argv.slice(2);
const { actions } = await import(pathToFileURL(path.join(dir, "dynamodb_connector.js")).href);

const connection = {
  tag: "access-key",
  val: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "node-example-secret", endpointUrl },
};
const region = "ap-east-2";
const table = "node-example";

// Each action returns the output as JSON text, or throws with the connector-error variant
// (`{tag: "invalid-input", val: {message, field, ...}}`) as the error's payload. The text
// is kept as it is: JSON.parse would turn a 38-digit number into a float and lose digits.
function call(name, input) {
  try {
    return actions[name](connection, input);
  } catch (error) {
    const detail = error.payload ?? error;
    throw new Error(`${name} failed: ${JSON.stringify(detail)}`);
  }
}

const steps = [
  ["createTable", {
    region, tableName: table, billingMode: "pay-per-request",
    attributeDefinitions: JSON.stringify([{ AttributeName: "id", AttributeType: "N" }]),
    keySchema: JSON.stringify([{ AttributeName: "id", KeyType: "HASH" }]),
  }],
  ["upsertItem", {
    region, tableName: table,
    value: JSON.stringify({ id: 7, name: "Rose", balance: "12345678901234567890.123456789012345678" }),
    valueTypes: JSON.stringify({ id: "N", name: "S", balance: "N" }),
  }],
  ["getItem", { region, tableName: table, hashKeyValue: "7" }],
  ["listTables", { region, fetchAll: true }],
];
for (const [name, input] of steps) {
  console.log(`{"action": ${JSON.stringify(name)}, "output": ${call(name, input)}}`);
}
