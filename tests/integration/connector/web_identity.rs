//! Every action of the manifest, run through one `web-identity` connection (a role and an
//! `OpenID Connect` token; no AWS secret anywhere in it) on moto: one
//! `AssumeRoleWithWebIdentity`, kept for every step after it, and the token in no output.
//! moto has no `ListImports`: the proxy in front of it answers that one page.

use crate::connector::connections::{web_identity, TOKEN};
use crate::connector::exports::with_s3;
use crate::harness::*;
use connector_host::manifest::Effect;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use test_support::{Fault, Proxy};

const REGION: &str = "il-central-1";
const TABLE: &str = "behind-a-token";

/// The outputs so far, by action.
type Outputs = BTreeMap<&'static str, Value>;

/// One step: its action and its input, made from the outputs before it.
type Step = (&'static str, Box<dyn Fn(&Outputs) -> Value>);

fn fixed(action: &'static str, input: Value) -> Step {
    (action, Box::new(move |_| input.clone()))
}

/// The table's life: created with a stream and an index, administered, tagged.
fn table_steps() -> Vec<Step> {
    vec![
        fixed("test-connection", json!({})),
        fixed(
            "create-table",
            json!({"table-name": TABLE, "wait": true, "billing-mode": "PAY_PER_REQUEST",
                "stream-view-type": "NEW_AND_OLD_IMAGES",
                "attribute-definitions": [{"AttributeName": "id", "AttributeType": "N"},
                    {"AttributeName": "g", "AttributeType": "S"},
                    {"AttributeName": "t", "AttributeType": "N"}],
                "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}],
                "global-secondary-indexes": [{"IndexName": "byGroup",
                    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                        {"AttributeName": "t", "KeyType": "RANGE"}],
                    "Projection": {"ProjectionType": "ALL"}}]}),
        ),
        fixed("wait-for-table", json!({"table-name": TABLE})),
        fixed("describe-table", json!({"table-name": TABLE})),
        fixed("list-tables", json!({})),
        fixed(
            "update-table",
            json!({"table-name": TABLE, "deletion-protection": false}),
        ),
        fixed("describe-limits", json!({})),
        fixed(
            "tag-resource",
            json!({"table-name": TABLE, "tags": {"team": "data"}}),
        ),
        fixed("list-tags", json!({"table-name": TABLE})),
        fixed(
            "untag-resource",
            json!({"table-name": TABLE, "tag-keys": ["team"]}),
        ),
        fixed(
            "update-time-to-live",
            json!({"table-name": TABLE, "enabled": true, "attribute-name": "expires"}),
        ),
        fixed("describe-time-to-live", json!({"table-name": TABLE})),
    ]
}

/// Items written and read every way, then the change capture and the catalog.
fn item_steps() -> Vec<Step> {
    let item = |id: u64| json!({"put": {"id": id, "g": "a", "t": id}});
    vec![
        fixed(
            "upsert-item",
            json!({"table-name": TABLE, "value": {"id": 1, "g": "a", "t": 1},
                "value-types": {"id": "N", "g": "S", "t": "N"}}),
        ),
        fixed(
            "update-item",
            json!({"table-name": TABLE, "hash-key-value": "1", "update-expression": "SET v = :v",
                "expression-attribute-values": {":v": "b"},
                "expression-attribute-value-types": {":v": "S"}}),
        ),
        fixed(
            "batch-write-items",
            json!({"requests": {TABLE: [item(2), item(3)]}}),
        ),
        fixed(
            "get-item",
            json!({"table-name": TABLE, "hash-key-value": "1"}),
        ),
        fixed(
            "batch-get-items",
            json!({"keys": {TABLE: [{"id": 1}, {"id": 2}]}}),
        ),
        fixed(
            "query-items",
            json!({"table-name": TABLE, "key-condition-expression": "id = :id",
                "expression-attribute-values": {":id": 2},
                "expression-attribute-value-types": {":id": "N"}}),
        ),
        fixed("scan-items", json!({"table-name": TABLE, "segments": 2})),
        fixed(
            "transact-get-items",
            json!({"gets": [{"table-name": TABLE, "key": {"id": 1}}]}),
        ),
        fixed(
            "transact-write-items",
            json!({"actions": [{"table-name": TABLE, "delete": {"id": 3}}]}),
        ),
        fixed(
            "raw-request",
            json!({"statement": format!("SELECT * FROM \"{TABLE}\"")}),
        ),
        fixed(
            "batch-execute-statement",
            json!({"statements": [{"statement": format!("SELECT * FROM \"{TABLE}\" WHERE id = ?"),
                "parameters": [1]}]}),
        ),
        fixed(
            "execute-transaction",
            json!({"statements": [{"statement": format!("UPDATE \"{TABLE}\" SET v = ? WHERE id = ?"),
                "parameters": ["c", 1]}]}),
        ),
        fixed(
            "delete-item",
            json!({"table-name": TABLE, "hash-key-value": "2"}),
        ),
        fixed(
            "poll-new-items",
            json!({"table-name": TABLE, "index-name": "byGroup", "partition-value": "a"}),
        ),
        fixed("list-streams", json!({"table-name": TABLE})),
        (
            "describe-stream",
            Box::new(
                |o: &Outputs| json!({"stream-arn": o["list-streams"]["Streams"][0]["StreamArn"]}),
            ),
        ),
        fixed("read-stream-changes", json!({"table-name": TABLE})),
        fixed("infer-schema", json!({"table-name": TABLE})),
        fixed("profile-table", json!({"table-name": TABLE})),
        fixed("classify-columns", json!({"table-name": TABLE})),
        fixed("catalog-sweep", json!({"max-tables": 1})),
    ]
}

/// Backups, restores, exports and imports.
fn protection_steps() -> Vec<Step> {
    let backup = |o: &Outputs| o["create-backup"]["BackupDetails"]["BackupArn"].clone();
    vec![
        fixed(
            "update-continuous-backups",
            json!({"table-name": TABLE, "point-in-time-recovery-enabled": true}),
        ),
        fixed("describe-continuous-backups", json!({"table-name": TABLE})),
        fixed(
            "create-backup",
            json!({"table-name": TABLE, "backup-name": "token-backup"}),
        ),
        (
            "describe-backup",
            Box::new(move |o: &Outputs| json!({"backup-arn": backup(o)})),
        ),
        fixed("list-backups", json!({"table-name": TABLE})),
        (
            "restore-table-from-backup",
            Box::new(
                move |o: &Outputs| json!({"backup-arn": backup(o), "target-table-name": "token-restored"}),
            ),
        ),
        fixed(
            "restore-table-to-point-in-time",
            json!({"source-table-name": TABLE, "target-table-name": "token-pitr",
                "use-latest-restorable-time": true}),
        ),
        (
            "delete-backup",
            Box::new(move |o: &Outputs| json!({"backup-arn": backup(o)})),
        ),
        fixed(
            "export-table",
            json!({"table-name": TABLE, "s3-bucket": "token-exports", "s3-prefix": "t",
                "wait": true, "timeout-seconds": 60}),
        ),
        (
            "describe-export",
            Box::new(
                |o: &Outputs| json!({"export-arn": o["export-table"]["ExportDescription"]["ExportArn"]}),
            ),
        ),
        fixed("list-exports", json!({"table-name": TABLE})),
        fixed(
            "import-table",
            json!({"s3-bucket": "token-exports", "s3-key-prefix": "t/", "input-format": "DYNAMODB_JSON",
                "input-compression": "GZIP", "table-name": "token-imported",
                "billing-mode": "PAY_PER_REQUEST", "wait": true, "timeout-seconds": 60,
                "attribute-definitions": [{"AttributeName": "id", "AttributeType": "N"}],
                "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}]}),
        ),
        (
            "describe-import",
            Box::new(
                |o: &Outputs| json!({"import-arn": o["import-table"]["ImportTableDescription"]["ImportArn"]}),
            ),
        ),
        fixed("list-imports", json!({})),
        fixed("delete-table", json!({"table-name": TABLE})),
    ]
}

/// Whether an action of `effect` (the manifest's `read`, `add` or `change`) may send the
/// operation `op`: a read only reads; an add also creates, restores into a new table,
/// exports or imports into a new table, and tags what it creates. None of those operations
/// can change an existing item or table (`CreateTable` of a name in use fails), so an add
/// that sends nothing else leaves what exists as it was.
fn allowed_by(effect: Effect, target: &str) -> bool {
    let op = target.rsplit('.').next().unwrap_or(target);
    let read = ["Describe", "List", "Get"]
        .iter()
        .any(|p| op.starts_with(p))
        || ["Query", "Scan", "BatchGetItem", "TransactGetItems"].contains(&op);
    let adds = ["Create", "Restore", "Export", "Import"]
        .iter()
        .any(|p| op.starts_with(p));
    match effect {
        Effect::Read => read,
        Effect::Add => read || adds,
        Effect::Change => true,
    }
}

/// Every action of the manifest, once each, through one web-identity connection: each
/// works, and what each sends keeps to its manifest `effect` (a `read` action sends only
/// reads, an `add` action only reads and creations), so MCP's hints are proven.
#[test]
fn a_web_identity_connection_runs_every_action_with_no_aws_secret() {
    with_s3("s3.create_bucket(Bucket='token-exports')");
    let (sts, data) = (Proxy::start(moto()), Proxy::start(moto()));
    data.inject_on(
        "ListImports",
        [Fault::Answer(json!({"ImportSummaryList": []}).to_string())],
    );
    let host = new_host(|_| {});
    let mut connection = web_identity(sts.url());
    connection["endpoint-url"] = json!(data.url());
    connection["streams-endpoint-url"] = json!(moto());
    let steps: Vec<Step> = [table_steps(), item_steps(), protection_steps()]
        .into_iter()
        .flatten()
        .collect();
    let manifest = connector_host::manifest::Manifest::parse(
        &std::fs::read_to_string(test_support::manifest()).unwrap(),
    )
    .unwrap();
    let mut outputs = Outputs::new();
    let mut wrong_hints = Vec::new();
    for (action, input) in &steps {
        let mut input = input(&outputs);
        input["region"] = json!(REGION);
        let step = json!({"connection": connection, "action": action, "input": input});
        let before = data.operations().len();
        let out = host
            .run_step(&step)
            .unwrap_or_else(|e| panic!("{action}: {e:?}"));
        outputs.insert(action, out);
        let effect = manifest.actions.iter().find(|a| a.key == *action);
        let effect = effect.map_or(Effect::Change, connector_host::manifest::Action::effect);
        let sent = data.operations().split_off(before);
        let beyond = sent.iter().filter(|op| !allowed_by(effect, op));
        wrong_hints.extend(beyond.map(|op| format!("{action} (effect {effect:?}) sent {op}")));
    }
    assert!(
        wrong_hints.is_empty(),
        "the manifest's effects must hold: {wrong_hints:#?}"
    );
    let every: BTreeSet<&str> = manifest.actions.iter().map(|a| a.key.as_str()).collect();
    let ran: BTreeSet<&str> = outputs.keys().copied().collect();
    assert_eq!(ran, every, "every action of the manifest ran");
    assert_eq!(outputs["test-connection"]["Connection"], "web-identity");
    assert_eq!(
        outputs["scan-items"]["Count"], 3,
        "the scan saw the three items"
    );
    assert_eq!(
        outputs["export-table"]["ExportDescription"]["ExportStatus"],
        "COMPLETED"
    );
    assert_eq!(
        sts.operations().len(),
        1,
        "one AssumeRoleWithWebIdentity, kept after"
    );
    let sent = sts.bodies("").concat();
    assert!(sent.contains("Action=AssumeRoleWithWebIdentity"), "{sent}");
    assert!(
        !format!("{outputs:?}").contains(TOKEN),
        "no output shows the token"
    );
}
