//! A `connector-host serve` process of the component under test, and its requests.

use super::*;
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;
use test_support::Served;

/// A `serve` process of the component under test.
pub(crate) struct Server(pub(crate) Served);

impl std::ops::Deref for Server {
    type Target = Served;

    fn deref(&self) -> &Served {
        &self.0
    }
}

impl Server {
    /// Start `connector-host serve` with the component under test and `args` added.
    pub(crate) fn start(args: &[&str]) -> Server {
        Server::start_under(&[], args)
    }

    /// [`Server::start`] under a wrapping command (see [`Served::start_under`]).
    pub(crate) fn start_under(wrapper: &[&str], args: &[&str]) -> Server {
        Server::start_env(wrapper, args, &[])
    }

    /// [`Server::start`] with `env` set for the service.
    pub(crate) fn start_with_env(args: &[&str], env: &[(&str, String)]) -> Server {
        Server::start_env(&[], args, env)
    }

    /// `binary serve` with only `args` (its component and manifest among them).
    pub(crate) fn start_binary(binary: &Path, args: &[&str]) -> Server {
        Server(Served::start_with_env(&[], binary, args, &[]))
    }

    fn start_env(wrapper: &[&str], args: &[&str], env: &[(&str, String)]) -> Server {
        let component = component().to_str().unwrap().to_string();
        let manifest = test_support::manifest();
        let mut all = vec![
            "--component",
            &component,
            "--manifest",
            manifest.to_str().unwrap(),
        ];
        all.extend_from_slice(args);
        let binary = Path::new(env!("CARGO_BIN_EXE_connector-host"));
        Server(Served::start_with_env(wrapper, binary, &all, env))
    }

    /// POST `body` to `path` with an optional bearer token: (status, JSON answer).
    pub(crate) fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        let authorization = token.map(|token| format!("Bearer {token}"));
        self.post_authorized(path, authorization.as_deref(), body)
    }

    /// POST `body` to `path` with an optional `Authorization` value: (status, JSON answer).
    pub(crate) fn post_authorized(
        &self,
        path: &str,
        authorization: Option<&str>,
        body: &Value,
    ) -> (u16, Value) {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_mins(1)))
            .build()
            .new_agent();
        let mut request = agent.post(&format!("{}{path}", self.url));
        if let Some(authorization) = authorization {
            request = request.header("Authorization", authorization);
        }
        let mut response = request
            .header("Content-Type", "application/json")
            .send(body.to_string())
            .expect("an HTTP answer");
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        let answer = serde_json::from_str(&text).unwrap_or(Value::String(text));
        if path == "/v1/steps" && answer.is_object() {
            test_support::contract::check_answer(body["action"].as_str(), &answer);
        }
        if let Some(steps) = answer.get("steps").and_then(Value::as_array) {
            check_flow_steps(steps);
        }
        (status, answer)
    }

    pub(crate) fn step(&self, endpoint: &str, action: &str, input: Value) -> (u16, Value) {
        let step = json!({"connection": connection(endpoint), "action": action, "input": input});
        self.post("/v1/steps", None, &step)
    }

    /// Send the service SIGTERM.
    pub(crate) fn terminate(&self) {
        sigterm(self.0.child.id());
    }

    pub(crate) fn get(&self, path: &str) -> (u16, String) {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .new_agent();
        let mut response = agent.get(&format!("{}{path}", self.url)).call().unwrap();
        let status = response.status().as_u16();
        (
            status,
            response.body_mut().read_to_string().unwrap_or_default(),
        )
    }
}
