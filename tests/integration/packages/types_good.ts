// Compiles under `tsc --strict` against the installed package's types: an action's input
// as its schema says, its output typed (TableNames: string[]), an error class by kind.
import { Host, ConditionalCheckFailedError } from 'dynamodb-connector';

const host = new Host({ allowEndpoints: ['127.0.0.1'] });
const conn = { type: 'access-key' as const, 'access-key-id': 'a', 'secret-access-key': 'b' };

export async function names(): Promise<string[]> {
  const out = await host.runStep(conn, 'list-tables', { region: 'us-east-1' });
  try {
    await host.runStep(conn, 'get-item', { region: 'us-east-1', 'table-name': 't', 'hash-key-value': '1' });
  } catch (e) {
    if (e instanceof ConditionalCheckFailedError) return [e.kind];
  }
  return out.TableNames;
}
