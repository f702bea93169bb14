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
