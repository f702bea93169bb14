//! Development tools of the connector, apart from the runtime a platform embeds: the
//! reference docs generated from `connector.toml` ([`docs`]), the JSON Schemas of the
//! connections, inputs and outputs ([`schema`]), the service's OpenAPI document ([`openapi`]), the Obelisk adapter's WIT and glue ([`obelisk`]), the shapes they share ([`shapes`]), and
//! `connector.toml` checked against the
//! component's WIT ([`check`]).

#![deny(unsafe_code)]

pub mod check;
pub mod docs;
pub mod node;
pub mod obelisk;
pub mod openapi;
pub mod python;
pub mod schema;
pub mod shapes;

/// The language packages' and the Obelisk adapter's generated files, by path from the
/// workspace root, with their text: the Python package's facts, the Node package's error
/// classes, the adapter's WIT and glue (`connector_wit` is `wit/connector.wit`).
pub fn package_files(
    manifest: &connector_manifest::Manifest,
    connector_wit: &str,
) -> Result<Vec<(&'static str, String)>, String> {
    Ok(vec![
        (
            "python/dynamodb_connector/_generated.py",
            python::render(manifest),
        ),
        ("node/errors.js", node::errors_js(manifest)),
        ("node/errors.d.ts", node::errors_dts(manifest)),
        (
            "obelisk/wit/activity.wit",
            obelisk::render_wit(connector_wit, manifest)?,
        ),
        (
            "obelisk/src/actions.rs",
            obelisk::render_rust(connector_wit, manifest)?,
        ),
    ])
}
