//! The catalog in OpenMetadata's shapes, parsed by OpenMetadata's own published models
//! (`openmetadata-ingestion`'s generated pydantic models, strict: unknown fields fail;
//! `tests/integration/connector/openmetadata_check.py`), over the seeded mixed table of the catalog
//! tests on moto and dynalite; and a table's tags through the tag actions.

use crate::connector::catalog::{items, seeded, ITEMS};
use crate::harness::*;
use serde_json::{json, Value};
use std::io::Write as _;
use std::process::{Command, Stdio};

/// What OpenMetadata's models say of each `(model, document)`: `None` when it parses.
fn parsed(documents: &[(&str, &Value)]) -> Vec<Option<String>> {
    let mut child = Command::new(test_support::moto_python())
        .arg(workspace().join("tests/integration/connector/openmetadata_check.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs");
    let input = Value::Array(documents.iter().map(|(m, d)| json!([m, d])).collect());
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.to_string().as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the checker failed: {stderr}");
    serde_json::from_slice(&out.stdout).expect("JSON from the checker")
}

/// Every document parses with its model.
fn assert_parses(documents: &[(&str, &Value)]) {
    for ((model, document), problem) in documents.iter().zip(parsed(documents)) {
        assert!(problem.is_none(), "{model}: {problem:?}\n{document}");
    }
}

fn om_step(endpoint: &str, action: &str, mut input: Value) -> Value {
    input["output-format"] = json!("OPENMETADATA");
    step_at(endpoint, action, input).unwrap_or_else(|e| panic!("{action}: {e:?}"))
}

fn named<'a>(columns: &'a Value, name: &str) -> &'a Value {
    let all = columns.as_array().unwrap();
    all.iter()
        .find(|c| c["name"] == name || c["Column"] == name)
        .unwrap_or_else(|| panic!("no column {name} in {columns}"))
}

/// Items of the seeded table that have `attribute`.
fn having(attribute: &str) -> u64 {
    items()
        .iter()
        .filter(|(i, _)| i.get(attribute).is_some())
        .count() as u64
}

fn catalog_in_openmetadata_shapes(endpoint: &str, table: &str) {
    seeded(endpoint, table);
    let region = "ap-southeast-7";
    let tags = json!({"team": "data.platform", "env": "prod"});
    let input = json!({"region": region, "table-name": table, "tags": tags});
    step_at(endpoint, "tag-resource", input).unwrap();
    let input =
        json!({"region": region, "table-name": table, "database-schema": "shop.default.default"});
    let schema = om_step(endpoint, "infer-schema", input.clone());
    let profile = om_step(endpoint, "profile-table", input.clone());
    let classified = om_step(endpoint, "classify-columns", input);
    let tested = om_step(endpoint, "test-connection", json!({"region": region}));
    let tags = classified["Columns"].as_array().unwrap();
    let mut documents = vec![
        ("CreateTableRequest", &schema["Table"]),
        ("CreateTableProfileRequest", &profile["Profile"]),
        ("TableProfile", &profile["Profile"]["tableProfile"]),
        ("TestConnectionResult", &tested["TestConnectionResult"]),
    ];
    let labels = tags.iter().flat_map(|c| c["Tags"].as_array().unwrap());
    documents.extend(labels.map(|l| ("TagLabel", l)));
    let columns = profile["Profile"]["columnProfile"].as_array().unwrap();
    documents.extend(columns.iter().map(|c| ("ColumnProfile", c)));
    assert_parses(&documents);
    check_table(&schema, table);
    check_profile(&profile);
    check_tags(&classified);
    let result = &tested["TestConnectionResult"];
    assert_eq!(result["status"], "Successful");
    assert_eq!(result["steps"][0]["name"], "ListTables");
    assert_eq!(result["steps"][0]["mandatory"], true);
    let text = format!("{schema}{profile}{classified}");
    assert!(
        !text.contains("user1@example.com") && !text.contains("+1 212-555"),
        "values leak"
    );
}

/// The `CreateTableRequest`: schema, constraints, columns with OpenMetadata's types and
/// nested children, the table's tags.
fn check_table(schema: &Value, table: &str) {
    let table_request = &schema["Table"];
    assert_eq!(schema["TableFQN"], format!("shop.default.default.{table}"));
    assert_eq!(table_request["databaseSchema"], "shop.default.default");
    assert_eq!(
        table_request["tableConstraints"],
        json!([{"constraintType": "PRIMARY_KEY", "columns": ["id"]}])
    );
    let columns = &table_request["columns"];
    assert!(columns
        .as_array()
        .unwrap()
        .iter()
        .all(|c| !c["name"].as_str().unwrap().contains('.')));
    assert_eq!(named(columns, "id")["dataType"], "NUMBER");
    assert_eq!(named(columns, "active")["dataType"], "BOOLEAN");
    assert_eq!(named(columns, "blob")["dataType"], "BINARY");
    assert_eq!(named(columns, "note")["dataType"], "NULL");
    let tags_column = named(columns, "tags");
    assert_eq!(
        (&tags_column["dataType"], &tags_column["arrayDataType"]),
        (&json!("ARRAY"), &json!("STRING"))
    );
    assert_eq!(tags_column["dataTypeDisplay"], "set<string>");
    let address = named(columns, "address");
    assert_eq!(address["dataType"], "STRUCT");
    assert_eq!(named(&address["children"], "city")["dataType"], "STRING");
    let zip = named(&address["children"], "zip");
    assert_eq!(
        zip["dataType"], "UNION",
        "zip is a string in some items, a number in others"
    );
    let lines = named(columns, "lines");
    assert_eq!(
        (&lines["dataType"], &lines["arrayDataType"]),
        (&json!("ARRAY"), &json!("STRUCT"))
    );
    assert_eq!(named(&lines["children"], "qty")["dataType"], "NUMBER");
    let mut fqns: Vec<&str> = table_request["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tagFQN"].as_str().unwrap())
        .collect();
    fqns.sort_unstable();
    assert_eq!(
        fqns,
        [
            "DynamoDBTags.env.prod",
            "DynamoDBTags.team.\"data.platform\""
        ]
    );
}

/// The profile: the whole table sampled, absent attributes counted as nulls.
fn check_profile(profile: &Value) {
    let table_profile = &profile["Profile"]["tableProfile"];
    assert_eq!(table_profile["profileSample"], ITEMS);
    assert_eq!(table_profile["profileSampleType"], "ROWS");
    assert_eq!(
        table_profile["rowCount"], ITEMS,
        "the sample is the whole table"
    );
    let phone = named(&profile["Profile"]["columnProfile"], "phone");
    assert_eq!(
        phone["nullCount"],
        ITEMS - having("phone"),
        "absent counts as null"
    );
    assert_eq!(phone["valuesCount"], having("phone"));
    let note = named(&profile["Profile"]["columnProfile"], "note");
    assert_eq!(
        note["nullCount"], ITEMS,
        "NULL values and absent attributes"
    );
}

/// The suggested PII tags: the seeded personal columns, at most one tag each.
fn check_tags(classified: &Value) {
    let tags = classified["Columns"].as_array().unwrap();
    assert_eq!(
        named(&classified["Columns"], "email")["Tags"][0]["tagFQN"],
        "PII.Sensitive"
    );
    assert_eq!(
        named(&classified["Columns"], "firstName")["Tags"][0]["tagFQN"],
        "PII.NonSensitive"
    );
    assert_eq!(named(&classified["Columns"], "id")["Tags"], json!([]));
    assert!(
        tags.iter()
            .all(|c| c["Tags"].as_array().unwrap().len() <= 1),
        "one PII tag at most"
    );
}

#[test]
fn catalog_outputs_parse_with_openmetadatas_own_models_on_moto() {
    catalog_in_openmetadata_shapes(moto(), "om-catalog");
}

#[test]
fn catalog_outputs_parse_with_openmetadatas_own_models_on_dynalite() {
    catalog_in_openmetadata_shapes(dynalite(), "om-catalog-dynalite");
}

#[test]
fn a_failed_openmetadata_connection_test_reports_the_step_and_no_secret() {
    let proxy = Proxy::start(moto());
    proxy.inject_on(
        "ListTables",
        std::iter::repeat_n(test_support::Fault::EchoHeaders, 4),
    );
    let token = "IQoJb3JpZ2luX2VjEOM-session-token-never-shown";
    let mut connection = connection(proxy.url());
    connection["session-token"] = json!(token);
    let step = json!({"connection": connection, "action": "test-connection",
        "input": {"region": "us-east-1", "output-format": "OPENMETADATA"}});
    let out = host().run_step(&step).expect("a test result, not an error");
    let result = &out["TestConnectionResult"];
    assert_parses(&[("TestConnectionResult", result)]);
    assert_eq!(result["status"], "Failed");
    assert_eq!(
        result["steps"].as_array().unwrap().len(),
        1,
        "nothing after ListTables"
    );
    assert_eq!(result["steps"][0]["passed"], false);
    let text = out.to_string();
    assert!(!text.contains(token) && !text.contains(SECRET), "{text}");
    let mut bad = step;
    bad["input"]["region"] = json!("");
    let error = host()
        .run_step(&bad)
        .expect_err("a malformed input is no test result");
    assert_eq!(error.field.as_deref(), Some("region"), "{error:?}");
}

#[test]
fn tags_round_trip_through_the_tag_actions() {
    let region = "ap-southeast-7";
    create_table(region, "om-tags", false);
    let at = |extra: Value| {
        let mut input = extra;
        input["region"] = json!(region);
        input["table-name"] = json!("om-tags");
        input
    };
    let tagged = ok(
        "tag-resource",
        at(json!({"tags": {"env": "prod", "team": "data"}})),
    );
    assert_eq!(tagged["Tagged"], 2);
    let listed = ok("list-tags", at(json!({})));
    let arn = listed["ResourceArn"].as_str().unwrap();
    assert!(arn.ends_with("table/om-tags"), "{arn}");
    let mut tags = listed["Tags"].as_array().unwrap().clone();
    tags.sort_by_key(|t| t["Key"].to_string());
    assert_eq!(
        tags,
        [
            json!({"Key": "env", "Value": "prod"}),
            json!({"Key": "team", "Value": "data"})
        ]
    );
    let seen = boto(
        region,
        &format!("result = client.list_tags_of_resource(ResourceArn={arn:?})['Tags']"),
    );
    assert_eq!(seen.as_array().unwrap().len(), 2, "{seen}");
    let untagged = ok("untag-resource", at(json!({"tag-keys": ["env"]})));
    assert_eq!(untagged["Untagged"], 1);
    let listed = ok("list-tags", at(json!({})));
    assert_eq!(listed["Tags"], json!([{"Key": "team", "Value": "data"}]));
}

#[test]
fn bad_tags_are_refused_naming_the_field_with_nothing_sent() {
    let proxy = Proxy::start(moto());
    let many: serde_json::Map<String, Value> =
        (0..51).map(|i| (format!("k{i}"), json!("v"))).collect();
    for (action, input, field) in [
        (
            "tag-resource",
            json!({"tags": {"aws:owner": "x"}}),
            "tags.aws:owner",
        ),
        ("tag-resource", json!({"tags": {"env": 3}}), "tags.env"),
        ("tag-resource", json!({"tags": {}}), "tags"),
        ("tag-resource", json!({"tags": many}), "tags"),
        ("tag-resource", json!({"tags": ["env"]}), "tags"),
        ("untag-resource", json!({"tag-keys": []}), "tag-keys"),
        (
            "untag-resource",
            json!({"tag-keys": ["a", "a"]}),
            "tag-keys[1]",
        ),
        ("untag-resource", json!({"tag-keys": [""]}), "tag-keys[0]"),
    ] {
        let mut input = input;
        input["region"] = json!("ap-southeast-7");
        input["table-name"] = json!("om-tags");
        let error = step_at(proxy.url(), action, input.clone()).expect_err(&input.to_string());
        assert_eq!(error.kind, "invalid-input", "{input}");
        assert_eq!(error.field.as_deref(), Some(field), "{input}");
    }
    assert!(
        proxy.operations().is_empty(),
        "nothing sent: {:?}",
        proxy.operations()
    );
}

/// Three small tables in a region of their own.
fn sweep_region(endpoint: &str) -> &'static str {
    let region = "mx-central-1";
    for (name, n) in [("sweep-a", 3), ("sweep-b", 1), ("sweep-c", 2)] {
        let mut input = simple_table(region, name, false);
        input["billing-mode"] = json!("PAY_PER_REQUEST");
        step_at(endpoint, "create-table", input).unwrap();
        let puts: Vec<Value> = (0..n)
            .map(|i| json!({"put": {"id": i, "owner": format!("user{i}@example.com")}}))
            .collect();
        let requests = json!({"region": region, "requests": {name: puts}});
        step_at(endpoint, "batch-write-items", requests).unwrap();
    }
    region
}

#[test]
fn a_sweep_walks_every_table_in_openmetadata_shapes_and_reports_the_one_it_could_not_read() {
    let proxy = Proxy::start(moto());
    let region = sweep_region(moto());
    proxy.inject_on(
        "DescribeTable",
        [test_support::Fault::Refuse("AccessDeniedException")],
    );
    let sweep = |cursor: Value| {
        let input = json!({"region": region, "max-tables": 2, "cursor": cursor});
        step_at(proxy.url(), "catalog-sweep", input).unwrap()
    };
    let first = sweep(Value::Null);
    assert_eq!(
        (&first["More"], &first["Cursor"]),
        (&json!(true), &json!("sweep-b"))
    );
    let failed = first["Failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{first}");
    assert_eq!(
        (&failed[0]["TableName"], &failed[0]["Error"]["Kind"]),
        (&json!("sweep-a"), &json!("access-denied"))
    );
    let second = sweep(first["Cursor"].clone());
    assert_eq!(second["More"], false);
    assert!(second.get("Cursor").is_none());
    let tables: Vec<&Value> = [&first, &second]
        .iter()
        .flat_map(|out| out["Tables"].as_array().unwrap())
        .collect();
    let names: Vec<&str> = tables
        .iter()
        .map(|t| t["Table"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["sweep-b", "sweep-c"],
        "every table but the refused one, in order"
    );
    let mut documents = Vec::new();
    for table in &tables {
        documents.push(("CreateTableRequest", &table["Table"]));
        documents.push(("CreateTableProfileRequest", &table["Profile"]));
        let columns = table["ColumnTags"].as_array().unwrap();
        documents.extend(
            columns
                .iter()
                .flat_map(|c| c["Tags"].as_array().unwrap())
                .map(|t| ("TagLabel", t)),
        );
    }
    assert_parses(&documents);
    let c = tables[1];
    assert_eq!(c["SampledItems"], 2);
    assert_eq!(c["Profile"]["tableProfile"]["rowCount"], 2);
    assert_eq!(
        named(&c["ColumnTags"], "owner")["Tags"][0]["tagFQN"],
        "PII.Sensitive"
    );
    assert!(
        !format!("{first}{second}").contains("user0@example.com"),
        "no value shown"
    );
    let error = step_at(
        moto(),
        "catalog-sweep",
        json!({"region": region, "max-tables": 21}),
    )
    .unwrap_err();
    assert_eq!(error.field.as_deref(), Some("max-tables"));
}
