//! Table actions: lifecycle, paging, billing modes and their errors.

use crate::harness::*;
use serde_json::{json, Value};

#[test]
fn table_lifecycle() {
    let region = "eu-west-1";
    let created = create_table(region, "lifecycle", true);
    assert_eq!(created["TableDescription"]["TableName"], "lifecycle");
    assert_eq!(
        created["TableDescription"]["ProvisionedThroughput"]["ReadCapacityUnits"], 5,
        "PROVISIONED with the default 5 read units"
    );
    let described = ok(
        "describe-table",
        json!({"region": region, "table-name": "lifecycle"}),
    );
    assert_eq!(described["Table"]["KeySchema"][1]["KeyType"], "RANGE");
    assert_eq!(described["Table"]["TableStatus"], "ACTIVE");
    let listed = ok("list-tables", json!({"region": region}));
    assert!(listed["TableNames"]
        .as_array()
        .unwrap()
        .contains(&json!("lifecycle")));
    let deleted = ok(
        "delete-table",
        json!({"region": region, "table-name": "lifecycle"}),
    );
    assert_eq!(deleted["TableDescription"]["TableName"], "lifecycle");
    let gone = fails(
        "describe-table",
        json!({"region": region, "table-name": "lifecycle"}),
    );
    assert_eq!(gone.kind, "resource-not-found");
}

#[test]
fn creating_an_existing_table_is_resource_in_use() {
    create_table("eu-west-2", "twice", false);
    let error = fails(
        "create-table",
        json!({"region": "eu-west-2", "table-name": "twice",
               "attribute-definitions": [{"AttributeName": "id", "AttributeType": "N"}],
               "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}]}),
    );
    assert_eq!(error.kind, "resource-in-use");
    assert_eq!(error.code.as_deref(), Some("ResourceInUseException"));
}

#[test]
fn pay_per_request_sends_no_capacity() {
    let created = ok(
        "create-table",
        json!({"region": "eu-central-1", "table-name": "ondemand",
               "attribute-definitions": [{"AttributeName": "id", "AttributeType": "S"}],
               "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}],
               "billing-mode": "PAY_PER_REQUEST", "read-capacity-units": 7}),
    );
    let table = &created["TableDescription"];
    assert_eq!(
        table["BillingModeSummary"]["BillingMode"],
        "PAY_PER_REQUEST"
    );
    assert_ne!(table["ProvisionedThroughput"]["ReadCapacityUnits"], 7);
}

#[test]
fn provisioned_capacity_is_sent() {
    let created = ok(
        "create-table",
        json!({"region": "eu-north-1", "table-name": "provisioned",
               "attribute-definitions": "[{\"AttributeName\": \"id\", \"AttributeType\": \"S\"}]",
               "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}],
               "read-capacity-units": "11", "write-capacity-units": 3}),
    );
    let throughput = &created["TableDescription"]["ProvisionedThroughput"];
    assert_eq!(throughput["ReadCapacityUnits"], 11);
    assert_eq!(throughput["WriteCapacityUnits"], 3);
}

#[test]
fn list_tables_pages() {
    let region = "ap-southeast-2";
    for i in 0..230 {
        create_table(region, &format!("paged-{i:03}"), false);
    }
    let all = ok("list-tables", json!({"region": region, "fetch-all": true}));
    let names = all["TableNames"].as_array().unwrap();
    assert_eq!(names.len(), 230);
    assert!(all.get("LastEvaluatedTableName").is_none());

    let first = ok("list-tables", json!({"region": region}));
    let page = first["TableNames"].as_array().unwrap();
    assert!(page.len() <= 100 && !page.is_empty());
    assert_eq!(first["LastEvaluatedTableName"], *page.last().unwrap());
    assert_eq!(page[..], names[..page.len()]);
}

#[test]
fn bad_inputs_are_refused_before_sending() {
    let region = "sa-east-1";
    let cases: &[(&str, Value, &str)] = &[
        (
            "create-table",
            json!({"region": region, "table-name": "x", "attribute-definitions": "[", "key-schema": []}),
            "attribute-definitions",
        ),
        (
            "create-table",
            json!({"region": region, "table-name": "x", "attribute-definitions": [{"AttributeName": "id", "AttributeType": "Q"}], "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}]}),
            "attribute-definitions[0].AttributeType",
        ),
        (
            "create-table",
            json!({"region": region, "table-name": "x", "attribute-definitions": [{"AttributeName": "id", "AttributeType": "S"}], "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}], "billing-mode": "FREE"}),
            "billing-mode",
        ),
        (
            "create-table",
            json!({"region": region, "table-name": "x", "attribute-definitions": [{"AttributeName": "id", "AttributeType": "S"}], "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}], "read-capacity-units": 0}),
            "read-capacity-units",
        ),
        (
            "list-tables",
            json!({"region": region, "fetch-all": "maybe"}),
            "fetch-all",
        ),
        (
            "list-tables",
            json!({"region": region, "fetchAll": true}),
            "fetchAll",
        ),
        (
            "describe-table",
            json!({"region": region, "table-name": " "}),
            "table-name",
        ),
        ("describe-table", json!({"table-name": "x"}), "region"),
    ];
    for (action, input, field) in cases {
        let error = fails(action, input.clone());
        assert_eq!(error.kind, "invalid-input", "{action} {input}");
        assert_eq!(
            error.field.as_deref(),
            Some(*field),
            "{action} {input}: {error:?}"
        );
    }
    let listed = ok("list-tables", json!({"region": region}));
    assert_eq!(listed["TableNames"], json!([]), "nothing was created");
}

#[test]
fn unreachable_endpoint_is_network() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let error = host()
        .run_step(&json!({
            "connection": connection(&format!("http://127.0.0.1:{port}")),
            "action": "list-tables",
            "input": {"region": "us-east-1"}
        }))
        .unwrap_err();
    assert_eq!(error.kind, "network", "{error:?}");
}

#[test]
fn wrong_credentials_type_is_named() {
    let error = host()
        .run_step(&json!({
            "connection": {"type": "password", "user": "x"},
            "action": "list-tables",
            "input": {"region": "us-east-1"}
        }))
        .unwrap_err();
    assert_eq!(error.kind, "invalid-input");
    assert_eq!(error.field.as_deref(), Some("connection.type"));
}

#[test]
fn describe_limits_matches_an_independent_client() {
    let region = "ap-south-2";
    let limits = ok("describe-limits", json!({"region": region}));
    let expected = boto(
        region,
        r#"
out = client.describe_limits()
result = {k: out[k] for k in ["AccountMaxReadCapacityUnits", "AccountMaxWriteCapacityUnits",
                              "TableMaxReadCapacityUnits", "TableMaxWriteCapacityUnits"]}
"#,
    );
    assert_eq!(limits, expected);
    let error = fails("describe-limits", json!({"region": "Not A Region"}));
    assert_eq!(error.field.as_deref(), Some("region"), "{error:?}");
}

/// A `create-table` input of a table `name` keyed by `customerId` and `createdAt`, with
/// `email` and `createdAt` defined, and `extra` members.
fn full_table(name: &str, extra: Value) -> Value {
    let mut input = json!({"region": "ca-west-1", "table-name": name,
        "attribute-definitions": [{"AttributeName": "customerId", "AttributeType": "N"},
            {"AttributeName": "createdAt", "AttributeType": "S"},
            {"AttributeName": "email", "AttributeType": "S"}],
        "key-schema": [{"AttributeName": "customerId", "KeyType": "HASH"},
            {"AttributeName": "createdAt", "KeyType": "RANGE"}],
        "billing-mode": "PAY_PER_REQUEST"});
    for (k, v) in extra.as_object().unwrap() {
        input[k] = v.clone();
    }
    input
}

fn by_email(throughput: bool) -> Value {
    let mut index = json!({"IndexName": "byEmail",
        "KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["name"]}});
    if throughput {
        index["ProvisionedThroughput"] = json!({"ReadCapacityUnits": 2, "WriteCapacityUnits": 3});
    }
    index
}

fn by_date() -> Value {
    json!({"IndexName": "byEmailLocal",
        "KeySchema": [{"AttributeName": "customerId", "KeyType": "HASH"},
            {"AttributeName": "email", "KeyType": "RANGE"}],
        "Projection": {"ProjectionType": "KEYS_ONLY"}})
}

#[test]
fn a_table_is_created_with_indexes_encryption_tags_and_protection_and_sends_its_class() {
    // moto keeps no table class or on-demand throughput: those are checked as sent.
    let proxy = test_support::Proxy::start(moto());
    step_at(
        proxy.url(),
        "create-table",
        full_table(
            "full-definition",
            json!({"global-secondary-indexes": [by_email(false)],
                "local-secondary-indexes": [by_date()], "sse-type": "AWS_MANAGED",
                "tags": {"team": "payments"}, "table-class": "STANDARD_INFREQUENT_ACCESS",
                "deletion-protection": true, "max-read-request-units": 1000}),
        ),
    )
    .expect("created");
    let sent: Value = serde_json::from_str(&proxy.bodies("CreateTable")[0]).unwrap();
    assert_eq!(sent["TableClass"], "STANDARD_INFREQUENT_ACCESS");
    assert_eq!(
        sent["OnDemandThroughput"],
        json!({"MaxReadRequestUnits": 1000})
    );
    let seen = boto(
        "ca-west-1",
        r#"
t = client.describe_table(TableName="full-definition")["Table"]
tags = client.list_tags_of_resource(ResourceArn=t["TableArn"])["Tags"]
result = {"global": [(i["IndexName"], i["Projection"]) for i in t["GlobalSecondaryIndexes"]],
          "local": [i["IndexName"] for i in t["LocalSecondaryIndexes"]],
          "sse": t.get("SSEDescription", {}).get("SSEType"),
          "protected": t.get("DeletionProtectionEnabled"),
          "tags": tags}
"#,
    );
    assert_eq!(
        seen["global"],
        json!([["byEmail", {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["name"]}]])
    );
    assert_eq!(seen["local"], json!(["byEmailLocal"]));
    assert_eq!(seen["sse"], "KMS");
    assert_eq!(seen["protected"], true);
    assert_eq!(seen["tags"], json!([{"Key": "team", "Value": "payments"}]));
    let changed = step_at(
        proxy.url(),
        "update-table",
        json!({"region": "ca-west-1", "table-name": "full-definition", "table-class": "STANDARD"}),
    )
    .expect("updated");
    assert!(changed["TableDescription"].is_object());
    let sent: Value = serde_json::from_str(&proxy.bodies("UpdateTable")[0]).unwrap();
    assert_eq!(sent["TableClass"], "STANDARD");
}

#[test]
fn table_definitions_the_service_would_refuse_are_refused_naming_the_field() {
    let proxy = test_support::Proxy::start(moto());
    let hash_only = json!({"key-schema": [{"AttributeName": "customerId", "KeyType": "HASH"}],
        "attribute-definitions": [{"AttributeName": "customerId", "AttributeType": "N"},
            {"AttributeName": "email", "AttributeType": "S"}]});
    let mut lsi_without_range = hash_only.clone();
    lsi_without_range["local-secondary-indexes"] = json!([by_date()]);
    let mut undefined = by_email(false);
    undefined["KeySchema"] = json!([{"AttributeName": "phone", "KeyType": "HASH"}]);
    let mut other_hash = by_date();
    other_hash["KeySchema"][0]["AttributeName"] = json!("email");
    let cases = [
        (
            json!({"global-secondary-indexes": [undefined]}),
            "global-secondary-indexes[0].KeySchema",
        ),
        (
            json!({"global-secondary-indexes": [by_email(true)]}),
            "global-secondary-indexes[0].ProvisionedThroughput",
        ),
        (
            json!({"billing-mode": "PROVISIONED", "global-secondary-indexes": [by_email(false)]}),
            "global-secondary-indexes[0].ProvisionedThroughput",
        ),
        (lsi_without_range, "local-secondary-indexes"),
        (
            json!({"local-secondary-indexes": [other_hash]}),
            "local-secondary-indexes[0].KeySchema",
        ),
        (json!({}), "attribute-definitions"),
        (
            json!({"billing-mode": "PROVISIONED", "max-read-request-units": 10,
            "global-secondary-indexes": [by_email(true)]}),
            "max-read-request-units",
        ),
        (
            json!({"sse-type": "KMS", "global-secondary-indexes": [by_email(false)]}),
            "kms-key-id",
        ),
        (
            json!({"tags": {"aws:owner": "x"}, "global-secondary-indexes": [by_email(false)]}),
            "tags.aws:owner",
        ),
        (
            json!({"table-class": "COLD", "global-secondary-indexes": [by_email(false)]}),
            "table-class",
        ),
    ];
    for (extra, field) in cases {
        let input = full_table("refused", extra.clone());
        let error =
            step_at(proxy.url(), "create-table", input).expect_err(&format!("{extra} is refused"));
        assert_eq!(error.field.as_deref(), Some(field), "{extra}: {error:?}");
    }
    let update = |extra: Value| {
        let mut input = json!({"region": "ca-west-1", "table-name": "t"});
        for (k, v) in extra.as_object().unwrap() {
            input[k] = v.clone();
        }
        step_at(proxy.url(), "update-table", input).expect_err("refused")
    };
    let error = update(json!({"replica-updates": [{"Create": {"KMSMasterKeyId": "k"}}]}));
    assert_eq!(
        error.field.as_deref(),
        Some("replica-updates[0].Create.RegionName"),
        "{error:?}"
    );
    let error = update(
        json!({"billing-mode": "PROVISIONED", "read-capacity-units": 1,
        "write-capacity-units": 1, "max-write-request-units": 5}),
    );
    assert_eq!(
        error.field.as_deref(),
        Some("max-write-request-units"),
        "{error:?}"
    );
    assert_eq!(proxy.operations(), Vec::<String>::new(), "nothing was sent");
}
