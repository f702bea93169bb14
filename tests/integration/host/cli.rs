//! The `connector-host` command line: exit codes, stdout and stderr.

use crate::harness::*;
use serde_json::{json, Value};

fn step_document(action: &str, input: Value) -> String {
    json!({"connection": connection(moto()), "action": action, "input": input}).to_string()
}

#[test]
fn step_prints_output_and_exits_0() {
    component();
    create_table("ca-central-1", "cli-table", false);
    let (code, stdout, stderr) = cli(
        &["step", "-"],
        &step_document("list-tables", json!({"region": "ca-central-1"})),
    );
    assert_eq!(code, 0, "{stderr}");
    let output: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(output["TableNames"], json!(["cli-table"]));
    assert!(!stdout.contains(SECRET) && !stderr.contains(SECRET));
}

#[test]
fn step_file_argument_works() {
    component();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("step.json");
    std::fs::write(
        &file,
        step_document("list-tables", json!({"region": "us-isob-east-1"})),
    )
    .unwrap();
    let (code, stdout, _) = cli(
        &[
            "step",
            "--component",
            component().to_str().unwrap(),
            "--manifest",
            test_support::manifest().to_str().unwrap(),
            file.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&stdout).unwrap()["TableNames"],
        json!([])
    );
}

#[test]
fn failing_step_prints_error_and_exits_1() {
    component();
    let (code, stdout, stderr) = cli(
        &["step", "-"],
        &step_document(
            "describe-table",
            json!({"region": "ca-central-1", "table-name": "missing"}),
        ),
    );
    assert_eq!(code, 1);
    let output: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(output["error"]["kind"], "resource-not-found");
    assert_eq!(output["error"]["code"], "ResourceNotFoundException");
    assert!(!stdout.contains(SECRET) && !stderr.contains(SECRET));
}

#[test]
fn malformed_step_document_exits_1() {
    component();
    let (code, stdout, _) = cli(&["step", "-"], "{\"action\": ");
    assert_eq!(code, 1);
    let output: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(output["error"]["kind"], "invalid-input");
    assert!(output["error"]["message"]
        .as_str()
        .unwrap()
        .contains("not valid JSON"));

    let (code, stdout, _) = cli(
        &["step", "-"],
        &json!({"action": "drop-everything"}).to_string(),
    );
    assert_eq!(code, 1);
    assert!(stdout.contains("is not an action"));
}

#[test]
fn bad_command_line_exits_2() {
    for args in [
        &["step"][..],
        &["frobnicate", "x"],
        &["step", "--nope", "x"],
    ] {
        let (code, stdout, stderr) = cli(args, "");
        assert_eq!(code, 2, "{args:?}");
        assert!(stdout.is_empty());
        assert!(stderr.to_lowercase().contains("usage"), "{stderr}");
    }
}

#[test]
fn flow_runs_steps_in_order() {
    component();
    let flow = json!({
        "connection": connection(moto()),
        "steps": [
            {"name": "make", "action": "create-table", "input": {"region": "me-south-1", "table-name": "flowed",
              "attribute-definitions": [{"AttributeName": "id", "AttributeType": "S"}],
              "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}], "billing-mode": "PAY_PER_REQUEST"}},
            {"name": "see", "action": "list-tables", "input": {"region": "me-south-1"}},
            {"name": "drop", "action": "delete-table", "input": {"region": "me-south-1", "table-name": "flowed"}}
        ]
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("flow.json");
    std::fs::write(&file, flow.to_string()).unwrap();
    let (code, stdout, stderr) = cli(&["flow", file.to_str().unwrap()], "");
    assert_eq!(code, 0, "{stdout}{stderr}");
    let make = stdout
        .find("1. make (create-table)")
        .expect("first step named");
    let see = stdout
        .find("2. see (list-tables)")
        .expect("second step named");
    let drop = stdout
        .find("3. drop (delete-table)")
        .expect("third step named");
    assert!(make < see && see < drop);
    assert!(stdout.contains("\"flowed\""));
}

/// Run `examples/NAME` through `connector-host flow --json` against moto; the flow as run
/// and its record (every step's name, action, input and output).
fn run_example(name: &str) -> (Value, Vec<Value>) {
    component();
    let text = std::fs::read_to_string(workspace().join("examples").join(name)).unwrap();
    let mut flow: Value = serde_json::from_str(&text).unwrap();
    flow["connection"]["endpoint-url"] = json!(moto());
    flow["connection"]["streams-endpoint-url"] = json!(moto());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, flow.to_string()).unwrap();
    let (code, stdout, stderr) = cli(&["flow", "--json", file.to_str().unwrap()], "");
    assert_eq!(code, 0, "{stdout}{stderr}");
    (flow, serde_json::from_str(&stdout).unwrap())
}

/// The output of the first step of `action` in a flow's record.
fn output_of(record: &[Value], action: &str) -> Value {
    let step = record.iter().find(|s| s["action"] == action);
    step.map(|s| s["output"].clone()).unwrap()
}

#[test]
fn the_bulk_flow_example_writes_scans_transacts_and_reads_back() {
    let (_, record) = run_example("bulk-flow.json");
    let output = |action: &str| output_of(&record, action);
    assert_eq!(
        output("batch-write-items"),
        json!({"Written": 313, "Unprocessed": {}, "NotSent": {}, "Unknown": {}, "Remainder": {}})
    );
    let scan = output("scan-items");
    assert_eq!(scan["Count"], 300);
    let mut ids: Vec<u64> = scan["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["orderId"].as_u64().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, (1..=300).collect::<Vec<_>>(), "each order once");
    let transaction = output("transact-write-items");
    assert_eq!(transaction["Actions"], 2);
    let stock = &transaction["Expressions"][1];
    assert_eq!(stock["ConditionExpression"], "#n0 >= :v0");
    assert_eq!(stock["ExpressionAttributeNames"], json!({"#n0": "qty"}));
    let snapshot = output("transact-get-items");
    assert_eq!(snapshot["Responses"][0]["total"], "12.50");
    assert_eq!(snapshot["Responses"][1], json!({"sku": "SKU-3", "qty": 48}));
    let read = &output("batch-get-items")["Responses"]["bulk-orders"];
    assert_eq!(read.as_array().map(Vec::len), Some(3));
}

#[test]
fn the_change_capture_example_reads_each_change_of_its_orders_once() {
    let (_, record) = run_example("changes-flow.json");
    let streams = output_of(&record, "list-streams");
    assert_eq!(streams["Streams"][0]["TableName"], "change-orders");
    let changes = output_of(&record, "read-stream-changes");
    let seen: Vec<(&str, u64)> = changes["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["EventName"].as_str().unwrap(),
                r["Keys"]["orderId"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![("INSERT", 1), ("INSERT", 2), ("MODIFY", 1), ("REMOVE", 2)]
    );
    let shipped = &changes["Records"][2];
    assert_eq!(
        (
            &shipped["OldImage"]["status"],
            &shipped["NewImage"]["status"]
        ),
        (&json!("placed"), &json!("shipped"))
    );
    assert_eq!(changes["More"], false);
}

#[test]
fn the_catalog_flow_example_infers_profiles_classifies_and_administers() {
    let (flow, record) = run_example("catalog-flow.json");
    let output = |action: &str| output_of(&record, action);
    let people = flow["steps"][2]["input"]["requests"]["catalog-customers"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        output("create-table")["TableDescription"]["TableStatus"],
        "ACTIVE"
    );
    assert_eq!(output("infer-schema")["SampledItems"], people);
    let classified = output("classify-columns");
    let tags = |path: &str| {
        let columns = classified["Columns"].as_array().unwrap();
        let column = columns.iter().find(|c| c["Path"] == path).unwrap();
        column["Tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["Kind"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(tags("email"), [json!("email-address")]);
    assert_eq!(tags("card"), [json!("credit-card-number")]);
    assert_eq!(tags("dateOfBirth"), [json!("date-of-birth")]);
    assert_eq!(tags("address.city"), Vec::<Value>::new());
    let scores = output("profile-table")["Columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["Path"] == "score")
        .unwrap()["Number"]
        .clone();
    assert_eq!(scores["Count"], people);
    assert_eq!(output("delete-table")["Deleted"], true);
}
