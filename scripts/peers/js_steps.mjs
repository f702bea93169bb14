// The JS SDK v3 (what Prismatic's and n8n's DynamoDB connectors run) doing the benchmark's
// calls with long-lived clients: the plain client, or the DocumentClient (`doc`).
// Usage: node js_steps.mjs ENDPOINT OPERATION ITERATIONS [doc] -> {"p50_ms", "p99_ms", "cpu_ms"}.
import { DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { measure } from "./timing.mjs";

const [endpoint, operation, iterationsText, flavour] = process.argv.slice(2);
const iterations = Number(iterationsText);
const TABLE = "bench";
const client = new DynamoDBClient({
  region: "us-east-1",
  endpoint,
  credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "bench-secret" },
});
const doc = DynamoDBDocumentClient.from(client);

function command() {
  if (operation === "list-tables") return [client, new ListTablesCommand({})];
  if (flavour === "doc") {
    if (operation === "get-item") return [doc, new GetCommand({ TableName: TABLE, Key: { id: 1 } })];
    if (operation === "upsert-item") {
      return [doc, new PutCommand({ TableName: TABLE, Item: { id: 1, name: "Rose", tags: new Set(["a", "b"]) } })];
    }
  } else {
    if (operation === "get-item") return [client, new GetItemCommand({ TableName: TABLE, Key: { id: { N: "1" } } })];
    if (operation === "upsert-item") {
      return [client, new PutItemCommand({
        TableName: TABLE,
        Item: { id: { N: "1" }, name: { S: "Rose" }, tags: { SS: ["a", "b"] } },
      })];
    }
  }
  throw new Error(`unknown operation ${operation}`);
}

async function call() {
  const [sender, cmd] = command();
  await sender.send(cmd);
}

await measure(call, iterations, Math.max(1, Math.floor(iterations / 10)));
