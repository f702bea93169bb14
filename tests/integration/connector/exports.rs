//! Export to and import from S3 on moto, which runs both through its own S3: an export
//! writes every item to the bucket, an import of those files creates a table holding the
//! same items, and the listings and descriptions find them. What the service refuses is
//! refused before anything is sent. moto has no `ListImports`: its paging is checked
//! against a proxy that answers the pages. (moto also requires `S3Prefix`, which the
//! service does not: the tests always give `s3-prefix`.)

use crate::harness::*;
use serde_json::{json, Value};
use test_support::{Fault, Proxy};

const REGION: &str = "us-east-1";

/// Run a boto3 snippet with an S3 client `s3` on moto besides `client`.
pub(crate) fn with_s3(snippet: &str) -> Value {
    let s3 = format!(
        "s3 = boto3.client('s3', region_name={REGION:?}, endpoint_url={:?}, \
         aws_access_key_id='AKIDBOTO', aws_secret_access_key='boto-secret')\n{snippet}",
        moto()
    );
    boto(REGION, &s3)
}

/// A moto table `name` with point-in-time recovery on and the items `ids`.
fn exportable(name: &str, ids: &[u64]) {
    create_table(REGION, name, false);
    for id in ids {
        boto(
            REGION,
            &format!(
                r#"client.put_item(TableName={name:?}, Item={{"id": {{"N": "{id}"}}, "v": {{"S": "item {id}"}}}})"#
            ),
        );
    }
    ok(
        "update-continuous-backups",
        json!({"region": REGION, "table-name": name, "point-in-time-recovery-enabled": true}),
    );
}

/// Every item of `table`, sorted by `id`, in plain JSON.
fn items_of(table: &str) -> Vec<Value> {
    let out = ok(
        "scan-items",
        json!({"region": REGION, "table-name": table, "fetch-all": true}),
    );
    let mut items = out["Items"].as_array().cloned().unwrap_or_default();
    items.sort_by_key(|i| i["id"].as_u64());
    items
}

#[test]
fn an_export_lands_in_s3_and_importing_its_files_creates_the_same_table() {
    exportable("export-source", &[1, 2, 3]);
    with_s3("s3.create_bucket(Bucket='export-landing')");
    let proxy = Proxy::start(moto());
    let exported = step_at(
        proxy.url(),
        "export-table",
        json!({"region": REGION, "table-name": "export-source", "s3-bucket": "export-landing",
               "s3-prefix": "snap", "wait": true, "timeout-seconds": 60}),
    )
    .unwrap();
    let export = &exported["ExportDescription"];
    assert_eq!(export["ExportStatus"], "COMPLETED", "{exported}");
    assert_eq!(export["ItemCount"], 3);
    assert_eq!(export["S3Bucket"], "export-landing");
    assert!(export["TableArn"]
        .as_str()
        .unwrap()
        .ends_with("table/export-source"));
    assert_eq!(proxy.count("DescribeTable"), 1, "the name became its ARN");
    assert_eq!(proxy.count("ExportTableToPointInTime"), 1);

    let files = with_s3(
        "import gzip\n\
         keys = [o['Key'] for o in s3.list_objects_v2(Bucket='export-landing', Prefix='snap/')['Contents']]\n\
         result = [gzip.decompress(s3.get_object(Bucket='export-landing', Key=k)['Body'].read()).decode() for k in keys]",
    );
    let lines: Vec<&str> = files
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f.as_str().unwrap().lines())
        .collect();
    assert_eq!(lines.len(), 3, "one line per item: {files}");

    let arn = export["ExportArn"].as_str().unwrap();
    let described = ok(
        "describe-export",
        json!({"region": REGION, "export-arn": arn}),
    );
    assert_eq!(described["ExportDescription"]["ExportArn"], arn);
    let listed = ok(
        "list-exports",
        json!({"region": REGION, "table-name": "export-source", "fetch-all": true}),
    );
    let arns: Vec<&Value> = listed["ExportSummaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["ExportArn"])
        .collect();
    assert_eq!(arns, [arn]);

    let imported = ok(
        "import-table",
        json!({"region": REGION, "s3-bucket": "export-landing", "s3-key-prefix": "snap/",
               "input-format": "DYNAMODB_JSON", "input-compression": "GZIP",
               "table-name": "export-copy", "billing-mode": "PAY_PER_REQUEST",
               "attribute-definitions": [{"AttributeName": "id", "AttributeType": "N"}],
               "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}],
               "client-token": "copy-1", "wait": true, "timeout-seconds": 60}),
    );
    let import = &imported["ImportTableDescription"];
    assert_eq!(import["ImportStatus"], "COMPLETED", "{imported}");
    assert_eq!(import["ImportedItemCount"], 3);
    assert_eq!(items_of("export-copy"), items_of("export-source"));
    let arn = import["ImportArn"].as_str().unwrap();
    let described = ok(
        "describe-import",
        json!({"region": REGION, "import-arn": arn}),
    );
    assert_eq!(described["ImportTableDescription"]["ImportArn"], arn);
}

#[test]
fn an_export_that_fails_while_waited_for_is_an_error_with_its_failure_code() {
    exportable("export-nowhere", &[1]);
    let error = fails(
        "export-table",
        json!({"region": REGION, "table-name": "export-nowhere", "s3-bucket": "no-such-bucket",
               "s3-prefix": "p", "wait": true, "timeout-seconds": 60}),
    );
    assert_eq!(error.kind, "service", "{error:?}");
    assert_eq!(error.code.as_deref(), Some("S3NoSuchBucket"));
    assert!(
        error.message.contains("ended without completing"),
        "{error:?}"
    );
    assert!(
        !error.message.contains("bucket does not exist"),
        "the job's FailureMessage stays out of the error: {error:?}"
    );
}

#[test]
fn an_export_of_a_table_without_recovery_is_refused_by_the_service() {
    create_table(REGION, "export-no-pitr", false);
    let error = fails(
        "export-table",
        json!({"region": REGION, "table-name": "export-no-pitr", "s3-bucket": "any",
               "s3-prefix": "p"}),
    );
    assert_eq!(error.kind, "validation", "{error:?}");
    assert_eq!(
        error.code.as_deref(),
        Some("PointInTimeRecoveryUnavailableException")
    );
}

/// `base` with the members of `extra` added (or replaced).
fn merged(base: Value, extra: Value) -> Value {
    let mut all = base;
    all.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    all
}

/// A step and the field its refusal names.
type Refusal = ((&'static str, Value), &'static str);

/// `export-table` inputs the service would refuse.
fn export_refusals() -> Vec<Refusal> {
    let export = |extra: Value| {
        let base = json!({"region": REGION, "table-name": "t", "s3-bucket": "b"});
        ("export-table", merged(base, extra))
    };
    let incremental = |extra: Value| {
        let base = json!({"export-type": "INCREMENTAL_EXPORT",
            "export-from-time": "2026-12-01T09:00:00Z", "export-to-time": "2026-12-01T10:00:00Z"});
        export(merged(base, extra))
    };
    vec![
        (
            export(json!({"export-type": "INCREMENTAL_EXPORT",
            "export-to-time": "2026-12-01T10:00:00Z"})),
            "export-from-time",
        ),
        (
            incremental(json!({"export-time": "2026-12-01T10:00:00Z"})),
            "export-time",
        ),
        (
            incremental(json!({"export-to-time": "2026-12-01T09:10:00Z"})),
            "export-to-time",
        ),
        (
            incremental(json!({"export-to-time": "2026-12-02T09:00:01Z"})),
            "export-to-time",
        ),
        (
            export(json!({"export-view-type": "NEW_IMAGE"})),
            "export-view-type",
        ),
        (export(json!({"export-time": "yesterday"})), "export-time"),
        (
            export(json!({"s3-sse-kms-key-id": "alias/k"})),
            "s3-sse-kms-key-id",
        ),
        (
            export(json!({"s3-bucket-owner": "12345"})),
            "s3-bucket-owner",
        ),
        (
            export(json!({"client-token": "x".repeat(65)})),
            "client-token",
        ),
        (
            export(json!({"wait": true, "timeout-seconds": 0})),
            "timeout-seconds",
        ),
        (export(json!({"s3-bucket": " "})), "s3-bucket"),
    ]
}

/// `import-table` and listing inputs the service would refuse.
fn import_refusals() -> Vec<Refusal> {
    let import = |extra: Value| {
        let base = json!({"region": REGION, "s3-bucket": "b", "input-format": "DYNAMODB_JSON",
            "table-name": "t", "billing-mode": "PAY_PER_REQUEST",
            "attribute-definitions": [{"AttributeName": "id", "AttributeType": "N"}],
            "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}]});
        ("import-table", merged(base, extra))
    };
    let email_index = json!([{"IndexName": "byEmail",
        "KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"}}]);
    vec![
        (import(json!({"csv-delimiter": ";"})), "csv-delimiter"),
        (
            import(json!({"input-format": "CSV", "csv-delimiter": ";;"})),
            "csv-delimiter",
        ),
        (
            import(json!({"input-format": "CSV", "csv-headers": {"a": 1}})),
            "csv-headers",
        ),
        (
            import(json!({"input-format": "CSV", "csv-headers": ["id", ""]})),
            "csv-headers[1]",
        ),
        (
            import(json!({"key-schema": [{"AttributeName": "id", "KeyType": "SORT"}]})),
            "key-schema",
        ),
        (
            import(json!({"global-secondary-indexes": email_index})),
            "global-secondary-indexes[0]",
        ),
        (
            import(json!({"billing-mode": "PROVISIONED", "read-capacity-units": 0})),
            "read-capacity-units",
        ),
        (import(json!({"sse-type": "KMS"})), "kms-key-id"),
        (
            ("list-exports", json!({"region": REGION, "page-size": 26})),
            "page-size",
        ),
        (
            ("list-imports", json!({"region": REGION, "page-size": 0})),
            "page-size",
        ),
        (
            (
                "describe-export",
                json!({"region": REGION, "export-arn": ""}),
            ),
            "export-arn",
        ),
        (
            (
                "describe-import",
                json!({"region": REGION, "import-arn": ""}),
            ),
            "import-arn",
        ),
    ]
}

#[test]
fn what_the_service_would_refuse_is_refused_naming_the_field_with_nothing_sent() {
    let proxy = Proxy::start(moto());
    for ((action, input), field) in export_refusals().into_iter().chain(import_refusals()) {
        let Err(error) = step_at(proxy.url(), action, input.clone()) else {
            panic!("{action} {input} was sent");
        };
        assert_eq!(error.kind, "invalid-input", "{action} {input}: {error:?}");
        assert!(
            error.field.as_deref().is_some_and(|f| f.starts_with(field)),
            "{action} {input}: {error:?} should name {field}"
        );
    }
    assert!(
        proxy.operations().is_empty(),
        "nothing sent: {:?}",
        proxy.operations()
    );
}

#[test]
fn list_imports_follows_next_token_to_the_last_page() {
    let proxy = Proxy::start(moto());
    let summary = |n: u32| {
        json!({"ImportArn": format!("arn:aws:dynamodb:{REGION}:123456789012:table/t/import/{n}"),
        "ImportStatus": "COMPLETED", "TableArn": format!("arn:aws:dynamodb:{REGION}:123456789012:table/t"),
        "S3BucketSource": {"S3Bucket": "b"}, "InputFormat": "CSV"})
    };
    let first = json!({"ImportSummaryList": [summary(1), summary(2)], "NextToken": "page-2"});
    let last = json!({"ImportSummaryList": [summary(3)]});
    proxy.inject_on(
        "ListImports",
        [
            Fault::Answer(first.to_string()),
            Fault::Answer(last.to_string()),
        ],
    );
    let out = step_at(
        proxy.url(),
        "list-imports",
        json!({"region": REGION, "page-size": 2, "fetch-all": true}),
    )
    .unwrap();
    assert_eq!(
        out["ImportSummaryList"],
        json!([summary(1), summary(2), summary(3)])
    );
    assert!(out.get("NextToken").is_none(), "{out}");
    let bodies = proxy.bodies("ListImports");
    assert_eq!(bodies.len(), 2);
    assert!(bodies[0].contains(r#""PageSize":2"#), "{}", bodies[0]);
    assert!(
        bodies[1].contains(r#""NextToken":"page-2""#),
        "{}",
        bodies[1]
    );

    proxy.inject_on("ListImports", [Fault::Answer(first.to_string())]);
    let one = step_at(proxy.url(), "list-imports", json!({"region": REGION})).unwrap();
    assert_eq!(one["NextToken"], "page-2");
    assert_eq!(one["ImportSummaryList"].as_array().map(Vec::len), Some(2));
}
