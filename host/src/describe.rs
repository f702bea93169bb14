//! What a host tells about its component: the actions and their WIT signatures, the error
//! kinds, the manifest and the contract shipped beside it.

use crate::component::Action;
use crate::{convert, manifest, Contract, ErrorKind, Host, StepError};
use serde_json::{Map, Value};

impl Host {
    /// The action names the component exports, sorted.
    pub fn actions(&self) -> Vec<String> {
        let mut names: Vec<String> = self.component.actions().keys().cloned().collect();
        names.sort();
        names
    }

    /// Every error kind a step of this component can end in: the host's own, and the case
    /// names of the actions' error variants (read from the component's types), sorted.
    pub fn error_kinds(&self) -> Vec<String> {
        let host = ErrorKind::HOST_KINDS.iter().map(|k| k.as_str().to_string());
        let mut kinds: Vec<String> = self
            .component_error_kinds()
            .into_iter()
            .chain(host)
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }

    /// The cases of the component's error variant, as its actions return them.
    pub fn component_error_kinds(&self) -> Vec<String> {
        let actions = self.component.actions().values();
        let mut kinds: Vec<String> = actions
            .flat_map(|a| a.error_cases.iter().cloned())
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }

    /// Whether the component exports an action of this name.
    pub fn has_action(&self, name: &str) -> bool {
        self.component.actions().contains_key(name)
    }

    /// Every action's parameters and their WIT types as JSON (see [`convert::describe`]):
    /// `{"list-tables": {"connection": {...}, "input": {"record": {...}}}, ...}`.
    pub fn signatures(&self) -> Value {
        let mut actions: Vec<_> = self.component.actions().iter().collect();
        actions.sort_by_key(|(name, _)| name.as_str());
        let signature = |action: &Action| {
            let params = action
                .params
                .iter()
                .map(|(p, ty)| (p.clone(), convert::describe(ty)));
            Value::Object(params.collect())
        };
        actions
            .into_iter()
            .map(|(name, action)| (name.clone(), signature(action)))
            .collect::<Map<_, _>>()
            .into()
    }

    /// The manifest the host enforces (endpoints, triggers, what each action does).
    pub fn manifest(&self) -> &manifest::Manifest {
        &self.manifest
    }

    /// The connector's key in its manifest, e.g. `dynamodb`.
    pub fn connector_key(&self) -> &str {
        &self.manifest.key
    }

    /// The connector's schemas and OpenAPI document, shipped beside the manifest.
    pub fn contract(&self) -> Contract {
        Contract::beside(&self.manifest_path)
    }

    /// The whole manifest as JSON (what platforms read: actions, inputs, labels, defaults).
    pub fn manifest_document(&self) -> Result<Value, StepError> {
        let text = std::fs::read_to_string(&self.manifest_path).map_err(|e| {
            let path = self.manifest_path.display();
            StepError::new(ErrorKind::Host, format!("cannot read {path}: {e}"))
        })?;
        let document: toml::Value = toml::from_str(&text).map_err(|e| {
            StepError::new(
                ErrorKind::Host,
                format!("{}: {e}", self.manifest_path.display()),
            )
        })?;
        serde_json::to_value(document).map_err(|e| StepError::new(ErrorKind::Host, e.to_string()))
    }
}
