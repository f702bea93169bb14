//! Shared set-up of the integration tests and the benchmark: where the workspace and the
//! target directory are, the component built once per process, a private compile cache,
//! free ports, moto and dynalite servers that stop when the process ends, a proxy that
//! counts the requests passing through it, and `connector-host serve` processes.

#![deny(unsafe_code)]

pub mod bench;
pub mod contract;
mod proxy;
mod served;
mod servers;

pub use proxy::{Fault, Proxy};
pub use served::Served;
pub use servers::{dynalite, free_port, moto, moto_python, own_moto, slow_dynalite};

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The workspace root.
pub fn workspace() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
}

/// Cargo's target directory (`CARGO_TARGET_DIR` when set).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace().join("target"), PathBuf::from)
}

/// The packages of the release wasm32-wasip2 build `scripts/test.sh` makes before the tests:
/// the connector, the Obelisk adapter and the hostile test guest, in one cargo invocation
/// (the guest and the adapter compile on the second core while the connector's link-time
/// optimisation holds the first). Every test-time build names the same packages, so it does
/// nothing after that script: a build of fewer packages may unify other features, compile
/// again, and hold the tests that wait on cargo's lock meanwhile.
pub const WASM_PACKAGES: [&str; 7] = [
    "-p",
    "dynamodb-connector",
    "-p",
    "dynamodb-activity",
    "-p",
    "hostile-guest",
    "--lib",
];

/// Build [`WASM_PACKAGES`] (release, wasm32-wasip2) and return
/// `target/wasm32-wasip2/release/FILE`. Cargo does nothing when they are up to date.
pub fn build_component(file: &str) -> PathBuf {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--target", "wasm32-wasip2"])
        .args(WASM_PACKAGES)
        .current_dir(workspace())
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo build {WASM_PACKAGES:?} succeeds");
    target_dir().join("wasm32-wasip2/release").join(file)
}

/// The connector component: `$CONNECTOR_COMPONENT` when set (e.g. the distributable build
/// of `scripts/dist.sh`), else built once per process (release, wasm32-wasip2).
pub fn component() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| match std::env::var_os("CONNECTOR_COMPONENT") {
        Some(path) => PathBuf::from(path),
        None => build_component("dynamodb_connector.wasm"),
    })
}

/// The hostile test guest (tests/hostile-guest), built once per process.
pub fn hostile_guest() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| build_component("hostile_guest.wasm"))
}

/// The connector's manifest.
pub fn manifest() -> PathBuf {
    workspace().join("connector.toml")
}

/// A compile-cache directory private to this process.
pub fn cache_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
        .path()
}
