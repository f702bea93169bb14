//! The Python package as a user installs it: the wheel `scripts/python-package.sh` built
//! (scripts/test.sh builds it before the tests), installed into a fresh virtual environment
//! outside the source tree, runs a platform engineer's flow against moto
//! (`python_flow.py`): a 38-digit number and a binary kept exactly, the typed error of a
//! failed condition, a batch, a query, stream changes, a flow, async steps that leave the
//! event loop running, and the sandbox's refusal.

use super::{artifact, here, summary};
use crate::harness::moto;
use std::process::Command;

#[test]
fn the_installed_wheel_runs_a_users_flow_with_exact_numbers_typed_errors_and_the_sandbox() {
    let venv = tempfile::tempdir().unwrap();
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(venv.path())
        .status()
        .expect("python3 runs");
    assert!(made.success(), "python3 -m venv");
    let python = venv.path().join("bin/python");
    let installed = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-index",
            "--disable-pip-version-check",
        ])
        .arg(artifact("wheels", "whl", "scripts/python-package.sh"))
        .output()
        .unwrap();
    assert!(
        installed.status.success(),
        "pip install: {}",
        String::from_utf8_lossy(&installed.stderr)
    );
    let summary = summary(
        Command::new(&python)
            .arg(here("python_flow.py"))
            .args([moto(), "eu-south-2"])
            .current_dir(venv.path()),
    );
    assert_eq!(summary["number"], "12345678901234567890.123456789012345678");
    assert_eq!(summary["condition"], "conditional-check-failed");
    assert_eq!(
        summary["batch"]["Written"], "30",
        "every put written: {summary}"
    );
    assert_eq!(summary["refused"], "network", "{summary}");
    assert!(summary["stream"].as_u64().unwrap() >= 1, "{summary}");
}
