//! `query-parameters`: further request fields by their AWS API names, each checked.

#[allow(clippy::wildcard_imports)]
use super::*;

/// `query-parameters`: further request fields by their AWS API names, each checked for
/// its type; an unknown name is an error, never silently dropped.
pub struct Params {
    field: String,
    members: serde_json::Map<String, Value>,
}

impl Params {
    /// `return-values-on-condition-failure` of an entry (a transaction's action, a
    /// statement): `all-old` (or `ALL_OLD`) puts the item in its cancellation reason.
    pub fn on_condition_failure(&self) -> Result<Option<ReturnValuesOnConditionCheckFailure>> {
        let choice = self.choice(
            "return-values-on-condition-failure",
            &["all-old", "none", "ALL_OLD", "NONE"],
        )?;
        Ok(choice
            .filter(|c| c.eq_ignore_ascii_case("all-old") || c == "ALL_OLD")
            .map(|_| ReturnValuesOnConditionCheckFailure::AllOld))
    }

    /// Parse the object in `text`, allowing only the names in `known`.
    pub fn parse(field: &str, text: Option<&str>, known: &[&str]) -> Result<Params> {
        match opt_json(field, text)? {
            None => Params::of(field, serde_json::Map::new(), known),
            Some(Value::Object(members)) => Params::of(field, members, known),
            Some(_) => Err(Error::invalid(
                field,
                "must be a JSON object of AWS request fields",
            )),
        }
    }

    /// A JSON array input of 1 to `max` objects (e.g. a transaction's actions), each
    /// checked like `query-parameters` and named `field[i]` in errors.
    pub fn entries(field: &str, text: &str, max: usize, known: &[&str]) -> Result<Vec<Params>> {
        let Value::Array(items) = json(field, text)? else {
            return Err(Error::invalid(field, "must be a JSON array"));
        };
        if items.is_empty() || items.len() > max {
            return Err(Error::invalid(
                field,
                format!("must hold 1 to {max} entries, not {}", items.len()),
            ));
        }
        items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                let at = format!("{field}[{i}]");
                match item {
                    Value::Object(members) => Params::of(&at, members, known),
                    _ => Err(Error::invalid(at, "must be a JSON object")),
                }
            })
            .collect()
    }

    /// A JSON object member (e.g. of an entry), checked like `query-parameters`.
    pub fn object(field: &str, value: Option<&Value>, known: &[&str]) -> Result<Params> {
        match value {
            Some(Value::Object(members)) => Params::of(field, members.clone(), known),
            _ => Err(Error::invalid(field, "must be a JSON object")),
        }
    }

    fn of(field: &str, members: serde_json::Map<String, Value>, known: &[&str]) -> Result<Params> {
        if let Some(unknown) = members.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(Error::invalid(
                format!("{field}.{unknown}"),
                format!(
                    "is not a supported request field (supported: {})",
                    known.join(", ")
                ),
            ));
        }
        Ok(Params {
            field: field.to_string(),
            members,
        })
    }

    /// Where a member sits, for errors: `query-parameters.Limit`, `actions[2].put`.
    pub fn at(&self, name: &str) -> String {
        format!("{}.{name}", self.field)
    }

    /// Where this object sits, e.g. `actions[2]`.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// A string member that must be present and not empty.
    pub fn required(&self, name: &str) -> Result<String> {
        match self.string(name)? {
            Some(s) if !s.trim().is_empty() => Ok(s),
            _ => Err(Error::invalid(self.at(name), "is required")),
        }
    }

    /// The raw JSON of `name`, if given.
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.members.get(name).filter(|v| !v.is_null())
    }

    /// A string field.
    pub fn string(&self, name: &str) -> Result<Option<String>> {
        match self.value(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Error::invalid(self.at(name), "must be a string")),
        }
    }

    /// One of the `allowed` strings.
    pub fn choice(&self, name: &str, allowed: &[&str]) -> Result<Option<String>> {
        match self.string(name)? {
            Some(s) if !allowed.contains(&s.as_str()) => Err(Error::invalid(
                self.at(name),
                format!("must be one of {}", allowed.join(", ")),
            )),
            other => Ok(other),
        }
    }

    /// `ReturnConsumedCapacity`, when given: `INDEXES`, `TOTAL` or `NONE`.
    pub fn consumed_capacity(
        &self,
    ) -> Result<Option<aws_sdk_dynamodb::types::ReturnConsumedCapacity>> {
        let choice = self.choice("ReturnConsumedCapacity", &["INDEXES", "TOTAL", "NONE"])?;
        Ok(choice
            .as_deref()
            .map(aws_sdk_dynamodb::types::ReturnConsumedCapacity::from))
    }

    /// A boolean field.
    pub fn bool(&self, name: &str) -> Result<Option<bool>> {
        match self.value(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(Error::invalid(self.at(name), "must be true or false")),
        }
    }

    /// A positive whole number.
    pub fn positive(&self, name: &str) -> Result<Option<i32>> {
        match self.value(name) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .filter(|n| *n >= 1)
                .map(Some)
                .ok_or_else(|| {
                    Error::invalid(self.at(name), "must be a whole number of at least 1")
                }),
        }
    }
}
