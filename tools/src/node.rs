//! The npm package's error classes from the manifest: `node/errors.js` (one `Error`
//! subclass per error kind, all `ConnectorError`s) and `node/errors.d.ts`, their types.

use connector_manifest::Manifest;
use std::fmt::Write as _;

/// Every error kind a step can fail with, sorted: the component's and the host's.
pub fn error_kinds(manifest: &Manifest) -> Vec<&str> {
    let mut kinds: Vec<&str> = manifest.errors.iter().map(|e| e.kind.as_str()).collect();
    kinds.extend(crate::python::HOST_KINDS);
    kinds.sort_unstable();
    kinds
}

/// `conditional-check-failed` → `ConditionalCheckFailedError`.
pub fn class_name(kind: &str) -> String {
    pascal(kind) + "Error"
}

/// `get-item` → `GetItem`.
pub(crate) fn pascal(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// The text of `node/errors.js`.
pub fn errors_js(manifest: &Manifest) -> String {
    let mut out = String::from(
        "'use strict';\n// Generated from connector.toml by connector-docs: do not edit.\n\
         // One Error subclass per error kind (docs/errors.md), all ConnectorErrors.\n\n\
         /** A step that failed; `kind` says which way. */\n\
         class ConnectorError extends Error {\n  constructor(error) {\n    \
         super(error.message || '');\n    this.name = this.constructor.name;\n    \
         /** The error object as the host answers it. */\n    this.error = error;\n    \
         this.kind = error.kind;\n    /** For invalid-input: the input at fault. */\n    \
         this.field = error.field ?? null;\n    /** The service's error code. */\n    \
         this.code = error.code ?? null;\n    \
         /** What a step that ended early did and what is left. */\n    \
         this.progress = error.progress ?? null;\n    \
         /** With runFlow: the outputs of the steps before the failure. */\n    \
         this.completed = null;\n  }\n}\n\n",
    );
    for kind in error_kinds(manifest) {
        let _ = writeln!(
            out,
            "class {} extends ConnectorError {{}}",
            class_name(kind)
        );
    }
    out.push_str("\n/** The class of each kind. */\nconst byKind = {\n");
    for kind in error_kinds(manifest) {
        let _ = writeln!(out, "  {kind:?}: {},", class_name(kind));
    }
    out.push_str("};\n\nmodule.exports = {\n  ConnectorError,\n  byKind,\n");
    for kind in error_kinds(manifest) {
        let _ = writeln!(out, "  {},", class_name(kind));
    }
    out.push_str("};\n");
    out
}

/// The text of `node/errors.d.ts`.
pub fn errors_dts(manifest: &Manifest) -> String {
    let mut out = String::from(
        "// Generated from connector.toml by connector-docs: do not edit.\n\n\
         /** A step that failed; `kind` says which way (docs/errors.md). */\n\
         export declare class ConnectorError extends Error {\n  \
         /** The error object as the host answers it. */\n  \
         readonly error: Record<string, unknown>;\n  readonly kind: ErrorKind;\n  \
         /** For invalid-input: the input at fault. */\n  readonly field: string | null;\n  \
         /** The service's error code, when the service answered. */\n  \
         readonly code: string | null;\n  \
         /** What a step that ended early did and what is left. */\n  \
         readonly progress: Record<string, unknown> | null;\n  \
         /** With runFlow: the outputs of the steps before the failure. */\n  \
         completed: Array<{ title: string; output: unknown }> | null;\n}\n\n",
    );
    let kinds = error_kinds(manifest);
    let quoted: Vec<String> = kinds.iter().map(|k| format!("{k:?}")).collect();
    let _ = writeln!(out, "export type ErrorKind = {};\n", quoted.join(" | "));
    for kind in &kinds {
        let _ = writeln!(out, "/** A step that failed as `{kind}`. */");
        let _ = writeln!(
            out,
            "export declare class {} extends ConnectorError {{}}",
            class_name(kind)
        );
    }
    out
}
