//! Instance reuse: consecutive steps of one connection share an instance, which keeps its
//! clients and assumed credentials; steps of different connections never do; an instance
//! is dropped after a timeout; reuse can be turned off. A tenant whose instance is gone
//! gets its assumed credentials back from the host's kept state, within its byte budget.

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
    // No kept state: a fresh instance shows as a new AssumeRole.
    let host = new_host(|o| {
        o.limits.timeout = Duration::from_secs(2);
        o.reuse.max_state_bytes = 0;
    });
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
            max_state_bytes: 0,
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

/// `tenants` role connections, each with its own key and role, all through `sts`.
fn tenants(sts: &Proxy, tenants: usize) -> Vec<Value> {
    (0..tenants)
        .map(|t| {
            let mut connection = role(sts, moto());
            connection["access-key-id"] = json!(format!("AKIDTENANT{t:04}"));
            connection["role-arn"] = json!(format!("arn:aws:iam::123456789012:role/tenant-{t}"));
            connection
        })
        .collect()
}

#[test]
fn tenants_whose_instances_were_evicted_get_their_kept_credentials_back() {
    // Two kept instances for 20 tenants, round robin: every step finds its instance gone.
    let host = new_host(|o| o.reuse.max_instances = 2);
    let sts = Proxy::start(moto());
    let connections = tenants(&sts, 20);
    for _ in 0..3 {
        for connection in &connections {
            list(&host, connection).unwrap();
        }
    }
    assert_eq!(
        sts.operations().len(),
        20,
        "one AssumeRole per tenant for 60 steps"
    );
    let (states, bytes) = host.kept_states();
    assert_eq!(states, 20);
    assert!(bytes < 20 * 2048, "about a kilobyte each: {bytes}");
}

#[test]
fn kept_state_stays_within_its_byte_budget_least_recently_used_first() {
    let budget = 4096;
    let host = new_host(|o| {
        o.reuse.max_instances = 1;
        o.reuse.max_state_bytes = budget;
    });
    let sts = Proxy::start(moto());
    let connections = tenants(&sts, 12);
    for connection in connections.iter().chain(&connections) {
        list(&host, connection).unwrap();
        assert!(host.kept_states().1 <= budget);
    }
    let (states, _) = host.kept_states();
    assert!(
        (1..12).contains(&states),
        "{states} states within {budget} bytes"
    );
    // Round robin over more tenants than the budget holds: each state went before its
    // tenant came back, so every second step assumed its role again.
    assert_eq!(sts.operations().len(), 24);
}
