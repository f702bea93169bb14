//! The packages as users install them: the Python wheel and the npm tarball.

mod node;
mod python;

use std::path::PathBuf;

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
