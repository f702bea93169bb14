//! Backups and point-in-time recovery on moto: an on-demand backup made, described, listed
//! (per table, by type, cut at max-items with its cursor) and restored into a new table with an
//! override, then deleted; point-in-time recovery turned on and a table restored to the
//! latest restorable time. What the steps say is checked against boto3 and the restored
//! tables' items; refusals name their field with nothing sent (the proxy counts).

use crate::harness::*;
use serde_json::{json, Value};
use test_support::Proxy;

const REGION: &str = "eu-south-2";

/// A table `name` with the items `{"id": 0..count}`.
fn table_with_items(name: &str, count: u64) {
    create_table(REGION, name, false);
    let puts: Vec<Value> = (0..count).map(|i| json!({"put": {"id": i}})).collect();
    ok(
        "batch-write-items",
        json!({"region": REGION, "requests": {name: puts}}),
    );
}

/// The ids of `table`'s items, sorted, as boto3 scans them.
fn ids(table: &str) -> Vec<u64> {
    let snippet = format!(
        r#"
pages = client.get_paginator("scan").paginate(TableName={table:?})
result = sorted(int(item["id"]["N"]) for page in pages for item in page["Items"])
"#
    );
    serde_json::from_value(boto(REGION, &snippet)).expect("ids")
}

fn backup(table: &str, name: &str) -> Value {
    ok(
        "create-backup",
        json!({"region": REGION, "table-name": table, "backup-name": name}),
    )["BackupDetails"]
        .clone()
}

#[test]
fn a_backup_is_listed_described_restored_with_an_override_and_deleted() {
    table_with_items("bk-source", 30);
    let first = backup("bk-source", "bk-first");
    let second = backup("bk-source", "bk-second");
    assert_eq!(first["BackupName"], "bk-first");
    assert_eq!(first["BackupType"], "USER");
    let arn = first["BackupArn"].as_str().expect("an ARN").to_string();

    let described = ok(
        "describe-backup",
        json!({"region": REGION, "backup-arn": arn}),
    );
    let description = &described["BackupDescription"];
    assert_eq!(description["BackupDetails"]["BackupArn"], arn.as_str());
    assert_eq!(description["SourceTableDetails"]["TableName"], "bk-source");

    let all = ok(
        "list-backups",
        json!({"region": REGION, "table-name": "bk-source", "backup-type": "USER", "fetch-all": true}),
    );
    let listed: Vec<&str> = all["BackupSummaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["BackupArn"].as_str().unwrap())
        .collect();
    let by_boto = boto(
        REGION,
        r#"result = [b["BackupArn"] for b in client.list_backups(TableName="bk-source", BackupType="USER")["BackupSummaries"]]"#,
    );
    assert_eq!(json!(listed), by_boto, "the same backups as boto3 lists");
    assert!(
        listed.contains(&arn.as_str()) && listed.contains(&second["BackupArn"].as_str().unwrap())
    );

    let page = ok(
        "list-backups",
        json!({"region": REGION, "table-name": "bk-source", "max-items": 1}),
    );
    assert_eq!(page["BackupSummaries"].as_array().unwrap().len(), 1);
    let cursor = page["LastEvaluatedBackupArn"].as_str().expect("a cursor");
    assert_eq!(
        cursor, listed[0],
        "the cursor resumes after the last backup returned"
    );
    let none = ok("list-backups", json!({"region": "eusc-de-east-1"}));
    assert_eq!(
        none["BackupSummaries"],
        json!([]),
        "an empty listing: {none}"
    );
    // moto ignores ExclusiveStartBackupArn; what a step sends is checked at the proxy.
    let proxy = Proxy::start(moto());
    step_at(
        proxy.url(),
        "list-backups",
        json!({"region": REGION, "table-name": "bk-source", "exclusive-start-backup-arn": cursor}),
    )
    .expect("a listing");
    let sent: Value = serde_json::from_str(&proxy.bodies("ListBackups")[0]).unwrap();
    assert_eq!(sent["ExclusiveStartBackupArn"], cursor);
    assert_eq!(sent["BackupType"], Value::Null, "no type unless asked");

    let restored = ok(
        "restore-table-from-backup",
        json!({"region": REGION, "backup-arn": arn, "target-table-name": "bk-restored",
            "billing-mode-override": "PAY_PER_REQUEST", "wait": true}),
    );
    assert_eq!(restored["TableDescription"]["TableName"], "bk-restored");
    assert_eq!(restored["TableDescription"]["TableStatus"], "ACTIVE");
    assert_eq!(ids("bk-restored"), (0..30).collect::<Vec<_>>());

    let deleted = ok(
        "delete-backup",
        json!({"region": REGION, "backup-arn": arn}),
    );
    assert_eq!(
        deleted["BackupDescription"]["BackupDetails"]["BackupArn"],
        arn.as_str()
    );
    let gone = fails(
        "describe-backup",
        json!({"region": REGION, "backup-arn": arn}),
    );
    assert_eq!(gone.kind, "resource-not-found", "{gone:?}");
}

#[test]
fn point_in_time_recovery_is_turned_on_and_a_table_restored_to_the_latest_time() {
    table_with_items("pitr-source", 12);
    let off = ok(
        "describe-continuous-backups",
        json!({"region": REGION, "table-name": "pitr-source"}),
    );
    let status = |out: &Value| {
        out["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
            ["PointInTimeRecoveryStatus"]
            .clone()
    };
    assert_eq!(status(&off), "DISABLED");
    let on = ok(
        "update-continuous-backups",
        json!({"region": REGION, "table-name": "pitr-source",
            "point-in-time-recovery-enabled": true, "recovery-period-in-days": 7}),
    );
    assert_eq!(status(&on), "ENABLED");
    let by_boto = boto(
        REGION,
        r#"result = client.describe_continuous_backups(TableName="pitr-source")["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]"#,
    );
    assert_eq!(by_boto, "ENABLED");
    let restored = ok(
        "restore-table-to-point-in-time",
        json!({"region": REGION, "source-table-name": "pitr-source",
            "target-table-name": "pitr-restored", "use-latest-restorable-time": true,
            "wait": true}),
    );
    assert_eq!(restored["TableDescription"]["TableName"], "pitr-restored");
    assert_eq!(ids("pitr-restored"), (0..12).collect::<Vec<_>>());
}

#[test]
fn backup_and_restore_refusals_name_their_field_and_send_nothing() {
    let proxy = Proxy::start(moto());
    let arn = "arn:aws:dynamodb:eu-south-2:123456789012:table/t/backup/01";
    let restore = |extra: Value| {
        let mut input = json!({"region": REGION, "backup-arn": arn, "target-table-name": "t2"});
        for (k, v) in extra.as_object().unwrap() {
            input[k] = v.clone();
        }
        ("restore-table-from-backup", input)
    };
    let pitr = |extra: Value| {
        let mut input =
            json!({"region": REGION, "source-table-name": "t", "target-table-name": "t2"});
        for (k, v) in extra.as_object().unwrap() {
            input[k] = v.clone();
        }
        ("restore-table-to-point-in-time", input)
    };
    let gsi = json!([{"IndexName": "byEmail",
        "KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"},
        "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}]);
    let cases = [
        (
            (
                "create-backup",
                json!({"region": REGION, "table-name": "t", "backup-name": "a!"}),
            ),
            "backup-name",
        ),
        (
            restore(json!({"billing-mode-override": "PAY_PER_REQUEST",
                "read-capacity-units-override": 5, "write-capacity-units-override": 5})),
            "read-capacity-units-override",
        ),
        (
            restore(json!({"write-capacity-units-override": 5})),
            "read-capacity-units-override",
        ),
        (
            restore(json!({"billing-mode-override": "PAY_PER_REQUEST",
                "global-secondary-index-override": gsi})),
            "global-secondary-index-override[0].ProvisionedThroughput",
        ),
        (
            restore(json!({"global-secondary-index-override": [{"IndexName": "x"}]})),
            "global-secondary-index-override[0].KeySchema",
        ),
        (
            restore(json!({"sse-type-override": "KMS"})),
            "kms-key-id-override",
        ),
        (
            restore(json!({"sse-type-override": "AWS_OWNED", "kms-key-id-override": "k"})),
            "kms-key-id-override",
        ),
        (pitr(json!({})), "restore-date-time"),
        (
            pitr(json!({"restore-date-time": "2026-12-01T10:00:00Z",
                "use-latest-restorable-time": true})),
            "restore-date-time",
        ),
        (
            pitr(json!({"restore-date-time": "yesterday"})),
            "restore-date-time",
        ),
        (
            (
                "list-backups",
                json!({"region": REGION, "time-range-lower-bound": "12/01/2026"}),
            ),
            "time-range-lower-bound",
        ),
        (
            (
                "update-continuous-backups",
                json!({"region": REGION, "table-name": "t",
                "point-in-time-recovery-enabled": true, "recovery-period-in-days": 36}),
            ),
            "recovery-period-in-days",
        ),
        (
            (
                "update-continuous-backups",
                json!({"region": REGION, "table-name": "t",
                "point-in-time-recovery-enabled": false, "recovery-period-in-days": 7}),
            ),
            "recovery-period-in-days",
        ),
    ];
    for ((action, input), field) in cases {
        let error = step_at(proxy.url(), action, input.clone())
            .expect_err(&format!("{action} {input} is refused"));
        assert_eq!(error.kind, "invalid-input", "{action} {input}: {error:?}");
        assert_eq!(
            error.field.as_deref(),
            Some(field),
            "{action} {input}: {error:?}"
        );
    }
    assert_eq!(proxy.operations(), Vec::<String>::new(), "nothing was sent");
}
