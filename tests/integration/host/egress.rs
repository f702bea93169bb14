//! The operator's egress policy and the endpoint URL rules, with the real connector: what
//! a connection may name is checked before anything is sent, and what a name resolves to
//! is checked before connecting.

use crate::harness::*;
use connector_host::Egress;
use serde_json::{json, Value};
use test_support::Proxy;

/// A host of the connector with `egress` and, when given, extra service hosts in its
/// manifest.
fn host_with(egress: Egress, extra_service_hosts: &[&str]) -> Checked {
    let mut manifest = test_support::manifest();
    if !extra_service_hosts.is_empty() {
        let text = std::fs::read_to_string(&manifest).unwrap();
        let quoted: Vec<String> = extra_service_hosts
            .iter()
            .map(|h| format!("{h:?}, "))
            .collect();
        let text = text.replacen(
            "endpoint-hosts = [",
            &format!("endpoint-hosts = [{}", quoted.concat()),
            1,
        );
        let dir = tempfile::tempdir().unwrap().keep();
        manifest = dir.join("connector.toml");
        std::fs::write(&manifest, text).unwrap();
    }
    new_host(|options| {
        options.manifest = Some(manifest);
        options.egress = egress;
    })
}

fn list_tables(host: &Checked, endpoint: &str) -> Result<Value, connector_host::StepError> {
    host.run_step(
        &json!({"connection": connection(endpoint), "action": "list-tables",
                          "input": {"region": "us-east-1"}}),
    )
}

#[test]
fn by_default_a_loopback_override_is_refused_before_anything_is_sent() {
    let proxy = Proxy::start(moto());
    let error = list_tables(&host_with(Egress::default(), &[]), proxy.url()).unwrap_err();
    assert_eq!(error.kind, "network", "{error:?}");
    assert!(
        error
            .message
            .contains("egress policy does not permit connection.endpoint-url"),
        "{error:?}"
    );
    assert!(
        error
            .message
            .contains("connector-host --allow-endpoint 127.0.0.1"),
        "the refusal names the flag that allows it: {error:?}"
    );
    assert!(proxy.operations().is_empty(), "nothing reached the server");
    assert!(
        list_tables(host(), proxy.url()).is_ok(),
        "allowed when the operator says so"
    );
}

#[test]
fn private_link_local_and_metadata_overrides_need_their_own_allowance() {
    for endpoint in [
        "http://169.254.169.254",
        "http://10.0.0.1:8000",
        "http://192.168.1.10",
        "http://[fe80::1]:8000",
        "http://[fd00::1]",
        "http://localhost:8000",
    ] {
        let error = list_tables(host(), endpoint).unwrap_err();
        assert_eq!(error.kind, "network", "{endpoint}: {error:?}");
        assert!(
            error.message.contains("egress policy does not permit"),
            "{endpoint}: {error:?}"
        );
    }
}

#[test]
fn a_permitted_name_that_resolves_to_loopback_is_refused_once() {
    let proxy = Proxy::start(moto());
    let port = proxy.url().rsplit(':').next().unwrap().to_string();
    let host = host_with(Egress::default(), &["localhost"]);
    let error = list_tables(&host, &format!("http://localhost:{port}")).unwrap_err();
    assert_eq!(error.kind, "network", "{error:?}");
    assert_eq!(
        error
            .message
            .matches("egress policy does not permit")
            .count(),
        1,
        "refused once, not retried: {error:?}"
    );
    assert!(error.message.contains("localhost resolves to"), "{error:?}");
    assert!(proxy.operations().is_empty(), "nothing reached the server");
}

#[test]
fn an_ipv6_literal_endpoint_connects() {
    let proxy = Proxy::start_on("[::1]:0", moto());
    let listed = list_tables(host(), proxy.url()).expect("list-tables over IPv6");
    assert!(listed["TableNames"].is_array());
    assert_eq!(proxy.count("ListTables"), 1);
}

#[test]
fn an_upper_case_scheme_is_accepted() {
    let proxy = Proxy::start(moto());
    let endpoint = proxy.url().replace("http://", "HTTP://");
    assert!(list_tables(host(), &endpoint).is_ok());
    assert_eq!(proxy.count("ListTables"), 1);
}

#[test]
fn bad_ports_and_user_names_are_invalid_input_and_nothing_is_sent() {
    let proxy = Proxy::start(moto());
    let port = proxy.url().rsplit(':').next().unwrap().to_string();
    for endpoint in [
        "http://127.0.0.1:99999".to_string(),
        "http://127.0.0.1:65536".to_string(),
        "http://127.0.0.1:-1".to_string(),
        "http://127.0.0.1:+80".to_string(),
        format!("http://user:pw-9f3k2@127.0.0.1:{port}"),
        "http://127.0.0.1:8000/path with space".to_string(),
    ] {
        let error = list_tables(host(), &endpoint).unwrap_err();
        assert_eq!(error.kind, "invalid-input", "{endpoint}: {error:?}");
        assert_eq!(
            error.field.as_deref(),
            Some("connection.endpoint-url"),
            "{endpoint}"
        );
        assert!(!error.message.contains("pw-9f3k2"), "{error:?}");
    }
    assert!(proxy.operations().is_empty());
}
