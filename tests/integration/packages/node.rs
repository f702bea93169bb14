//! The npm package as a user installs it: the tarball `scripts/node-package.sh` packed
//! (scripts/test.sh packs it before the tests), installed into a fresh folder outside the
//! source tree, runs a platform engineer's flow against moto (`node_flow.mjs`: a 38-digit
//! number kept as a `LosslessNumber`, a binary, the typed error of a failed condition, a
//! batch, a query, stream changes, a flow, steps in parallel with the event loop ticking,
//! the sandbox's refusal); and its TypeScript types take a right input and refuse a wrong
//! one under `tsc --strict`.

use super::{artifact, here, summary};
use crate::harness::moto;
use std::path::Path;
use std::process::{Command, Output};

/// A fresh folder with the packed tarball installed as a user installs it.
fn installed() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let tarball = artifact("npm", "tgz", "scripts/node-package.sh");
    let run = |args: &[&str]| -> Output {
        Command::new("npm")
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("npm runs")
    };
    let manifest = r#"{"name": "a-users-app", "private": true}"#;
    std::fs::write(dir.path().join("package.json"), manifest).unwrap();
    // Offline: its one dependency (lossless-json) is in npm's cache from scripts/setup.sh.
    let added = run(&[
        "install",
        "--offline",
        "--no-audit",
        "--no-fund",
        tarball.to_str().unwrap(),
    ]);
    assert!(
        added.status.success(),
        "npm install: {}",
        String::from_utf8_lossy(&added.stderr)
    );
    dir
}

#[test]
fn the_installed_package_runs_a_users_flow_with_lossless_numbers_typed_errors_and_the_sandbox() {
    let dir = installed();
    std::fs::copy(here("node_flow.mjs"), dir.path().join("flow.mjs")).unwrap();
    let summary = summary(
        Command::new("node")
            .args(["flow.mjs", moto(), "eu-west-3"])
            .current_dir(dir.path()),
    );
    assert_eq!(summary["number"], "12345678901234567890.123456789012345678");
    assert_eq!(summary["condition"], "conditional-check-failed");
    assert_eq!(summary["written"], 30, "{summary}");
    assert_eq!(summary["refused"], "network", "{summary}");
    assert!(
        summary["ticks"].as_u64().unwrap() > 0,
        "the event loop ran: {summary}"
    );
}

#[test]
fn the_packages_types_take_a_right_input_and_refuse_a_misspelled_one() {
    let dir = installed();
    let tsc = |file: &str| -> Output {
        std::fs::copy(here(file), dir.path().join(file)).unwrap();
        let tsc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../node_modules/.bin/tsc");
        Command::new(tsc)
            .args(["--noEmit", "--strict", "--module", "nodenext"])
            .args(["--moduleResolution", "nodenext", "--target", "es2022", file])
            .current_dir(dir.path())
            .output()
            .expect("tsc runs")
    };
    let good = tsc("types_good.ts");
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stdout)
    );
    let bad = tsc("types_bad.ts");
    let said = String::from_utf8_lossy(&bad.stdout);
    assert!(!bad.status.success(), "a misspelled input compiled");
    assert!(said.contains("'tabel-name'"), "{said}");
}
