//! Connections: role-arn through STS `AssumeRole`, test-connection, and no secret printed.

use crate::harness::*;
use serde_json::{json, Value};

const ROLE: &str = "arn:aws:iam::123456789012:role/integration";

pub(crate) fn role_connection(sts: &str) -> Value {
    json!({
        "type": "role-arn",
        "role-arn": ROLE,
        "access-key-id": ACCESS_KEY,
        "secret-access-key": SECRET,
        "session-token": "FwoGZXIvYXdzEXAMPLESESSIONTOKEN",
        "external-id": "tenant-42",
        "session-name": "workflow-7",
        "duration-seconds": 900,
        "endpoint-url": moto(),
        "sts-endpoint-url": sts,
    })
}

fn run(connection: Value, action: &str, input: Value) -> Result<Value, connector_host::StepError> {
    host().run_step(&json!({"connection": connection, "action": action, "input": input}))
}

#[test]
fn role_arn_lists_tables_through_sts() {
    create_table("us-isob-west-1", "behind-a-role", false);
    let listed = run(
        role_connection(moto()),
        "list-tables",
        json!({"region": "us-isob-west-1"}),
    )
    .unwrap();
    assert_eq!(listed["TableNames"], json!(["behind-a-role"]));
}

#[test]
fn test_connection_reports_what_it_verified() {
    let checked = run(
        connection(moto()),
        "test-connection",
        json!({"region": "us-east-1"}),
    )
    .unwrap();
    assert_eq!(checked["Connection"], "access-key");
    assert_eq!(checked["CredentialsAccepted"], true);
    let checked = run(
        role_connection(moto()),
        "test-connection",
        json!({"region": "us-east-1"}),
    )
    .unwrap();
    assert_eq!(checked["Connection"], "role-arn");
    assert!(
        checked["AssumedRoleArn"]
            .as_str()
            .unwrap()
            .contains("integration/workflow-7"),
        "{checked}"
    );
}

#[test]
fn test_connection_unreachable_is_network() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dead = format!("http://127.0.0.1:{port}");
    let error = run(
        connection(&dead),
        "test-connection",
        json!({"region": "us-east-1"}),
    )
    .unwrap_err();
    assert_eq!(error.kind, "network", "{error:?}");
    let error = run(
        role_connection(&dead),
        "test-connection",
        json!({"region": "us-east-1"}),
    )
    .unwrap_err();
    assert_eq!(error.kind, "network", "{error:?}");
    assert!(
        error.message.contains("assuming role"),
        "the error says it came from STS: {error:?}"
    );
}

#[test]
fn role_arn_inputs_are_checked() {
    let mut bad = role_connection(moto());
    bad["duration-seconds"] = json!(60);
    let error = run(bad, "list-tables", json!({"region": "us-east-1"})).unwrap_err();
    assert_eq!(error.field.as_deref(), Some("connection.duration-seconds"));
    let mut bad = role_connection(moto());
    bad["role-arn"] = json!("");
    let error = run(bad, "list-tables", json!({"region": "us-east-1"})).unwrap_err();
    assert_eq!(error.field.as_deref(), Some("connection.role-arn"));
}

#[test]
fn no_output_or_log_carries_a_secret() {
    let steps = [
        json!({"connection": role_connection(moto()), "action": "test-connection", "input": {"region": "us-east-1"}}),
        json!({"connection": connection(moto()), "action": "describe-table", "input": {"region": "us-east-1", "table-name": "missing"}}),
        json!({"connection": connection("http://127.0.0.1:9"), "action": "list-tables", "input": {"region": "us-east-1"}}),
        json!({"connection": connection(moto()), "action": "list-tables", "input": {"region": "bad region"}}),
    ];
    for step in steps {
        let (_, stdout, stderr) = cli(&["step", "-"], &step.to_string());
        for secret in [SECRET, "FwoGZXIvYXdzEXAMPLESESSIONTOKEN"] {
            assert!(
                !stdout.contains(secret) && !stderr.contains(secret),
                "{step}: {stdout}{stderr}"
            );
        }
        let error = host().run_step(&step).err();
        assert!(!format!("{error:?}").contains(SECRET));
    }
}

/// A token as an OIDC provider issues one (a JWT's three parts).
pub(crate) const TOKEN: &str =
    "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6d2YifQ.c2lnbmF0dXJlLXZhbHVl";

/// A web-identity connection: a role and a token, no AWS key.
pub(crate) fn web_identity(sts: &str) -> Value {
    json!({"type": "web-identity", "role-arn": ROLE, "web-identity-token": TOKEN,
        "session-name": "workload-3", "duration-seconds": 900,
        "policy-arns": "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess",
        "endpoint-url": moto(), "sts-endpoint-url": sts})
}

#[test]
fn a_web_identity_token_is_never_shown_even_when_sts_echoes_it() {
    let sts = test_support::Proxy::start(moto());
    sts.inject(vec![test_support::Fault::EchoBody; 3]);
    let step = json!({"connection": web_identity(sts.url()), "action": "list-tables",
        "input": {"region": "il-central-1"}});
    let error = host().run_step(&step).expect_err("STS refuses");
    assert_eq!(error.kind, "validation", "{error:?}");
    assert!(error.message.contains("[redacted]"), "{error:?}");
    assert!(!format!("{error:?}").contains(TOKEN), "{error:?}");
    sts.inject(vec![test_support::Fault::EchoBody; 3]);
    let (_, stdout, stderr) = cli(&["step", "-"], &step.to_string());
    assert!(
        !stdout.contains(TOKEN) && !stderr.contains(TOKEN),
        "{stdout}{stderr}"
    );
    let mut bad = web_identity(moto());
    bad["policy-arns"] = json!("AmazonDynamoDBFullAccess");
    let error = run(bad, "list-tables", json!({"region": "il-central-1"})).unwrap_err();
    assert_eq!(error.field.as_deref(), Some("connection.policy-arns"));
    let mut bad = web_identity(moto());
    bad["web-identity-token"] = json!("");
    let error = run(bad, "list-tables", json!({"region": "il-central-1"})).unwrap_err();
    assert_eq!(
        error.field.as_deref(),
        Some("connection.web-identity-token")
    );
}

#[test]
fn checks_that_need_no_answer_refuse_before_any_request_sts_included() {
    let proxy = test_support::Proxy::start(moto());
    let mut role = role_connection(proxy.url());
    role["endpoint-url"] = json!(proxy.url());
    let mut token = web_identity(proxy.url());
    token["endpoint-url"] = json!(proxy.url());
    let key = json!([{"AttributeName": "id", "KeyType": "HASH", "AttributeType": "N"}]);
    let region = "eu-north-1";
    let cases = [
        (
            "tag-resource",
            json!({"region": region, "table-name": "",
                                "tags": [{"Key": "team", "Value": "data"}]}),
            "table-name",
        ),
        (
            "untag-resource",
            json!({"region": region, "table-name": "", "tag-keys": ["team"]}),
            "table-name",
        ),
        (
            "list-tags",
            json!({"region": region, "table-name": ""}),
            "table-name",
        ),
        (
            "get-item",
            json!({"region": region, "table-name": "t", "hash-key-value": "carol",
                            "key-schema": key}),
            "hash-key-value",
        ),
        (
            "poll-new-items",
            json!({"region": region, "table-name": "t", "index-name": "a/b",
                                  "partition-value": "p"}),
            "index-name",
        ),
        (
            "update-time-to-live",
            json!({"region": region, "table-name": "t", "enabled": true,
                                       "attribute-name": "x".repeat(300)}),
            "attribute-name",
        ),
    ];
    for connection in [&role, &token] {
        for (action, input, field) in &cases {
            let error = run(connection.clone(), action, input.clone()).unwrap_err();
            let context = format!("{} {action}: {error:?}", connection["type"]);
            assert_eq!(error.kind, "invalid-input", "{context}");
            assert_eq!(error.field.as_deref(), Some(*field), "{context}");
            assert_eq!(proxy.operations(), Vec::<String>::new(), "{context}");
        }
    }
}
