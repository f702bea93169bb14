//! Instance reuse: consecutive steps of one connection share an instance, which keeps its
//! clients and assumed credentials; steps of different connections never do; an instance
//! is dropped after a timeout; reuse can be turned off.

use crate::harness::*;
use connector_host::Reuse;
use serde_json::{json, Value};
use std::time::Duration;
use test_support::{Fault, Proxy};

/// A role connection whose STS requests go through `sts` and `DynamoDB`'s to `dynamodb`.
fn role(sts: &Proxy, dynamodb: &str) -> Value {
    json!({"type": "role-arn", "role-arn": "arn:aws:iam::123456789012:role/reuse",
           "access-key-id": "AKIDREUSE", "secret-access-key": "reuse-secret-value",
           "endpoint-url": dynamodb, "sts-endpoint-url": sts.url()})
}

fn list(host: &Checked, connection: &Value) -> Result<Value, connector_host::StepError> {
    host.run_step(&json!({"connection": connection, "action": "list-tables",
                          "input": {"region": "mx-central-1"}}))
}

#[test]
fn a_thousand_role_arn_steps_send_one_assume_role() {
    let host = new_host(|_| {});
    let sts = Proxy::start(moto());
    let connection = role(&sts, moto());
    for step in 0..1000 {
        list(&host, &connection).unwrap_or_else(|e| panic!("step {step}: {e:?}"));
    }
    assert_eq!(sts.operations().len(), 1, "one AssumeRole for 1,000 steps");
}

#[test]
fn without_reuse_every_step_assumes_the_role_again() {
    let host = new_host(|o| o.reuse = Reuse::off());
    let sts = Proxy::start(moto());
    let connection = role(&sts, moto());
    for _ in 0..5 {
        list(&host, &connection).unwrap();
    }
    assert_eq!(sts.operations().len(), 5);
}

#[test]
fn steps_of_two_connections_never_share_an_instance() {
    let host = new_host(|_| {});
    let (a, b) = (Proxy::start(moto()), Proxy::start(moto()));
    // Each connection may reach only its own endpoint: a client kept for the other one
    // would send to an origin the host refuses for this step.
    let (first, second) = (connection(a.url()), connection(b.url()));
    for _ in 0..10 {
        list(&host, &first).unwrap();
        list(&host, &second).unwrap();
    }
    assert_eq!(a.count("ListTables"), 10);
    assert_eq!(b.count("ListTables"), 10);
    let mut other_secret = first.clone();
    other_secret["secret-access-key"] = json!("another-secret-value");
    list(&host, &other_secret).unwrap();
    assert_eq!(a.count("ListTables"), 11);
}

#[test]
fn an_instance_is_dropped_after_a_timeout() {
    let host = new_host(|o| o.limits.timeout = Duration::from_secs(2));
    let sts = Proxy::start(moto());
    let dynamodb = Proxy::start(moto());
    let connection = role(&sts, dynamodb.url());
    list(&host, &connection).unwrap();
    list(&host, &connection).unwrap();
    assert_eq!(
        sts.operations().len(),
        1,
        "the second step reused the instance"
    );
    dynamodb.inject_on("ListTables", [Fault::Stall(Duration::from_secs(4))]);
    let timed_out = list(&host, &connection).unwrap_err();
    assert_eq!(timed_out.kind, "timeout", "{timed_out:?}");
    list(&host, &connection).unwrap();
    assert_eq!(
        sts.operations().len(),
        2,
        "a fresh instance assumed the role again"
    );
}

#[test]
fn an_instance_runs_at_most_max_steps() {
    let host = new_host(|o| {
        o.reuse = Reuse {
            max_steps: 3,
            ..Reuse::default()
        }
    });
    let sts = Proxy::start(moto());
    let connection = role(&sts, moto());
    for _ in 0..7 {
        list(&host, &connection).unwrap();
    }
    assert_eq!(sts.operations().len(), 3, "instances of 3, 3 and 1 steps");
}
