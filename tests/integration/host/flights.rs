//! One `AssumeRole` per tenant even when its steps arrive together: through a real `serve`
//! and a counting proxy in front of moto's STS that holds each role fetch 300 ms (so that
//! a tenant's three steps, sent at once, overlap it), role-arn and web-identity tenants each
//! cost one STS call, and a fetch STS refuses fails every overlapping step of its tenant as
//! `access-denied` after one request (and the next step asks again).

use crate::connector::connections::{web_identity, TOKEN};
use crate::harness::*;
use serde_json::{json, Value};
use std::time::Duration;
use test_support::{Fault, Proxy};

/// How long the proxy holds each role fetch.
const HELD: Duration = Duration::from_millis(300);

/// A role-arn tenant `n` whose STS requests go through `sts`.
fn role(sts: &Proxy, name: &str) -> Value {
    json!({"type": "role-arn", "role-arn": format!("arn:aws:iam::123456789012:role/{name}"),
           "access-key-id": "AKIDFLIGHTS", "secret-access-key": "flights-secret-value",
           "endpoint-url": moto(), "sts-endpoint-url": sts.url()})
}

/// Send each connection's three steps at once, from `clients` threads taking the
/// connections in turn: every step's (status, answer).
fn overlapping(server: &Server, connections: &[Value], clients: usize) -> Vec<(u16, Value)> {
    let each = connections.len().div_ceil(clients);
    std::thread::scope(|s| {
        let threads: Vec<_> = connections
            .chunks(each)
            .map(|mine| {
                s.spawn(move || {
                    let mut answers = Vec::new();
                    for connection in mine {
                        let step = json!({"connection": connection, "action": "list-tables",
                                          "input": {"region": "ap-southeast-7"}});
                        let together: Vec<(u16, Value)> = std::thread::scope(|t| {
                            let sent: Vec<_> = (0..3)
                                .map(|_| t.spawn(|| server.post("/v1/steps", None, &step)))
                                .collect();
                            sent.into_iter().map(|h| h.join().unwrap()).collect()
                        });
                        answers.extend(together);
                    }
                    answers
                })
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect()
    })
}

#[test]
fn fifty_role_tenants_with_overlapping_steps_assume_each_role_once() {
    let server = Server::start(&["--concurrency", "16"]);
    let sts = Proxy::start(moto());
    sts.inject_always("", "AssumeRole", Fault::Stall(HELD));
    let tenants: Vec<Value> = (0..50)
        .map(|n| role(&sts, &format!("flight-{n}")))
        .collect();
    let answers = overlapping(&server, &tenants, 4);
    assert_eq!(answers.len(), 150);
    for (status, answer) in &answers {
        assert_eq!(*status, 200, "{answer}");
    }
    assert_eq!(
        sts.operations().len(),
        50,
        "one AssumeRole per tenant for 150 steps"
    );
}

#[test]
fn twenty_web_identity_tenants_with_overlapping_steps_fetch_once_each() {
    let server = Server::start(&["--concurrency", "16"]);
    let sts = Proxy::start(moto());
    sts.inject_always("", "AssumeRoleWithWebIdentity", Fault::Stall(HELD));
    let tenants: Vec<Value> = (0..20)
        .map(|n| {
            let mut connection = web_identity(sts.url());
            connection["session-name"] = json!(format!("flight-{n}"));
            connection
        })
        .collect();
    let answers = overlapping(&server, &tenants, 4);
    for (status, answer) in &answers {
        assert_eq!(*status, 200, "{answer}");
        assert!(
            !answer.to_string().contains(TOKEN),
            "the token is never shown"
        );
    }
    assert_eq!(
        sts.operations().len(),
        20,
        "one AssumeRoleWithWebIdentity per tenant"
    );
}

#[test]
fn a_refused_fetch_fails_every_overlapping_step_after_one_request_and_is_asked_again() {
    let server = Server::start(&["--concurrency", "16"]);
    let sts = Proxy::start(moto());
    let refusal = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
        <Message>not authorized to perform sts:AssumeRole</Message></Error>\
        <RequestId>refused</RequestId></ErrorResponse>";
    let refused = Fault::After(HELD, Box::new(Fault::Page(403, refusal)));
    sts.inject_always("", "refusedtenant", refused);
    let tenant = role(&sts, "refusedtenant");
    let answers = overlapping(&server, std::slice::from_ref(&tenant), 1);
    for (status, answer) in &answers {
        assert_eq!(
            answer["error"]["kind"], "access-denied",
            "{status} {answer}"
        );
    }
    assert_eq!(
        sts.operations().len(),
        1,
        "three overlapping steps, one refused fetch"
    );
    let step = json!({"connection": tenant, "action": "list-tables",
                      "input": {"region": "ap-southeast-7"}});
    let (_, again) = server.post("/v1/steps", None, &step);
    assert_eq!(again["error"]["kind"], "access-denied", "{again}");
    assert_eq!(sts.operations().len(), 2, "the next step asks again");
}

#[test]
fn connections_that_differ_only_in_a_secret_or_an_external_id_never_share_a_fetch() {
    let server = Server::start(&["--concurrency", "16"]);
    let sts = Proxy::start(moto());
    sts.inject_always("", "AssumeRole", Fault::Stall(HELD));
    let first = role(&sts, "shared-role");
    let mut other_secret = first.clone();
    other_secret["secret-access-key"] = json!("another-secret-value");
    let mut other_external_id = first.clone();
    other_external_id["external-id"] = json!("tenant-b");
    let connections = [first, other_secret, other_external_id];
    // All nine steps at once: three per connection, the three connections together.
    let answers = overlapping(&server, &connections, 3);
    for (status, answer) in &answers {
        assert_eq!(*status, 200, "{answer}");
    }
    assert_eq!(
        sts.operations().len(),
        3,
        "one fetch per connection, none shared"
    );
    let external = sts
        .bodies("")
        .iter()
        .filter(|b| b.contains("ExternalId=tenant-b"))
        .count();
    assert_eq!(external, 1, "the external ID's tenant fetched with its own");
}
