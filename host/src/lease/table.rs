//! The lease table: reached through the trigger's connection and region, checked for its
//! key (or created) before anything is delivered, its rows read one or many at a time.

use super::LeaseOptions;
use crate::error::{ErrorKind, StepError};
use crate::Host;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;

/// The lease table as one replica reaches it: through the trigger's connection and region.
pub struct LeaseTable {
    options: LeaseOptions,
    connection: Value,
    region: Value,
}

/// The lease table's key schema, given to each item step so that none reads it first.
pub(crate) fn key_schema() -> Value {
    json!([{"AttributeName": "lease", "KeyType": "HASH", "AttributeType": "S"}])
}

impl LeaseTable {
    /// The lease table of `step` (its connection and region), checked (created when
    /// absent): an error naming `--worker-id` or `--lease-table`, the table and what is
    /// missing, before anything is delivered.
    pub fn new(host: &Host, step: &Value, options: LeaseOptions) -> Result<LeaseTable, StepError> {
        let worker = &options.worker;
        if worker.is_empty() || worker.len() > 128 || worker.chars().any(char::is_control) {
            return Err(StepError::invalid(
                "--worker-id",
                "must be 1 to 128 characters without control characters",
            ));
        }
        let table = LeaseTable {
            options,
            connection: step["connection"].clone(),
            region: step["input"]["region"].clone(),
        };
        table.ensure(host)?;
        Ok(table)
    }

    /// This replica's worker id.
    pub fn worker(&self) -> &str {
        &self.options.worker
    }

    /// How long a lease whose fence stands still is held.
    pub fn duration(&self) -> Duration {
        self.options.duration
    }

    pub(crate) fn run(
        &self,
        host: &Host,
        action: &str,
        mut input: Value,
    ) -> Result<Value, StepError> {
        input["region"] = self.region.clone();
        input["table-name"] = Value::from(self.options.table.as_str());
        host.run_step(&json!({"connection": self.connection, "action": action, "input": input}))
    }

    /// The lease table, checked for its key, or created (and waited for) when absent.
    fn ensure(&self, host: &Host) -> Result<(), StepError> {
        let table = &self.options.table;
        let described = match self.run(host, "describe-table", json!({})) {
            Ok(described) => described,
            Err(e) if e.kind == "resource-not-found" => {
                let create = json!({"attribute-definitions": [{"AttributeName": "lease", "AttributeType": "S"}],
                    "key-schema": [{"AttributeName": "lease", "KeyType": "HASH"}],
                    "billing-mode": "PAY_PER_REQUEST", "wait": true});
                let created = self.run(host, "create-table", create);
                if created.as_ref().is_err_and(|e| e.kind == "resource-in-use") {
                    // Another replica is creating it: wait for it to be active.
                    let wait = json!({"until": "ACTIVE"});
                    return self.run(host, "wait-for-table", wait).map(|_| ());
                }
                return created.map(|_| ()).map_err(|e| {
                    StepError::new(
                        e.kind,
                        format!(
                            "cannot create the lease table {table} ({}): create it with the \
                             key lease (S), or allow dynamodb:CreateTable",
                            e.message
                        ),
                    )
                });
            }
            Err(e) => {
                return Err(StepError::new(
                    e.kind,
                    format!(
                        "cannot read the lease table {table} ({}): the trigger's credentials \
                         need dynamodb:DescribeTable, GetItem, PutItem and UpdateItem on it",
                        e.message
                    ),
                ))
            }
        };
        let keys = &described["Table"]["KeySchema"];
        if *keys != json!([{"AttributeName": "lease", "KeyType": "HASH"}]) {
            return Err(StepError::invalid(
                "--lease-table",
                format!("table {table} is not a lease table: its key must be lease (S) alone"),
            ));
        }
        Ok(())
    }

    /// The rows of `keys` as they are (strongly consistent reads), by key; a key without a
    /// row is absent.
    pub fn rows(&self, host: &Host, keys: &[String]) -> Result<HashMap<String, Value>, StepError> {
        let mut rows = HashMap::new();
        for chunk in keys.chunks(100) {
            let keys: Vec<Value> = chunk.iter().map(|k| json!({"lease": k})).collect();
            let input = json!({"keys": {&self.options.table: keys}, "consistent-read": true,
                               "region": self.region});
            let step = json!({"connection": self.connection, "action": "batch-get-items",
                              "input": input});
            let mut read = host.run_step(&step)?;
            if read["Remainder"].as_object().is_some_and(|r| !r.is_empty()) {
                return Err(StepError::new(
                    ErrorKind::Component("throttling".into()),
                    format!(
                        "the lease table {} throttled a read of its rows",
                        self.options.table
                    ),
                ));
            }
            let items = read["Responses"][&self.options.table].take();
            for item in items.as_array().into_iter().flatten() {
                if let Some(key) = item["lease"].as_str() {
                    rows.insert(key.to_string(), item.clone());
                }
            }
        }
        Ok(rows)
    }

    /// The row `key` as it is (a strongly consistent read; `null` when there is none).
    pub(crate) fn row(&self, host: &Host, key: &str) -> Result<Value, StepError> {
        let read = json!({"hash-key-value": key, "key-schema": key_schema(),
                          "consistent-read": true});
        Ok(self.run(host, "get-item", read)?["Item"].take())
    }
}
