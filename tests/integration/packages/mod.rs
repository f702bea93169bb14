//! The packages as users install them: the Python wheel and the npm tarball.

mod node;
mod python;

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

/// The one artifact ending `.EXT` under `target/DIR`, which `script` builds.
fn artifact(dir: &str, ext: &str, script: &str) -> PathBuf {
    let dir = test_support::target_dir().join(dir);
    let found = std::fs::read_dir(&dir).ok().into_iter().flatten().flatten();
    let mut found: Vec<PathBuf> = found
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one .{ext} in {}: build it with {script}",
        dir.display()
    );
    found.remove(0)
}

/// A file of this folder.
fn here(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/integration/packages")
        .join(file)
}

/// Run a user's flow (`command`, against moto, with the tests' compile cache): the JSON
/// summary it printed; its output when it failed.
fn summary(command: &mut Command) -> Value {
    let ran = command
        .env("CONNECTOR_HOST_CACHE_DIR", test_support::cache_dir())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&ran.stdout);
    assert!(
        ran.status.success(),
        "the flow failed: {stdout}{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    serde_json::from_str(stdout.trim()).expect("a JSON summary")
}
