// Must not compile: a misspelled input key of get-item.
import { Host } from 'dynamodb-connector';

const host = new Host();
const conn = { type: 'access-key' as const };
host.runStep(conn, 'get-item', { region: 'us-east-1', 'tabel-name': 't', 'hash-key-value': '1' });
