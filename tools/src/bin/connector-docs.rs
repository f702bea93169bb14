//! `connector-docs`: regenerate `docs/` from `connector.toml` and the demo's recorded run
//! (`examples/demo-output.json`), and the JSON Schemas under `schemas/` from
//! `connector.toml`, and the language packages' generated facts
//! (`python/dynamodb_connector/_generated.py`, `node/errors.js`, `node/errors.d.ts`), and the
//! Obelisk adapter's WIT and glue (`obelisk/wit/activity.wit`, `obelisk/src/actions.rs`). `--check` only reports stale files (exit 1).

use connector_manifest::Manifest;
use connector_tools::{docs, openapi, schema};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn read(root: &Path, file: &str) -> Result<String, String> {
    std::fs::read_to_string(root.join(file)).map_err(|e| format!("cannot read {file}: {e}"))
}

/// The pages that differ from what is on disk, written unless `check`.
fn regenerate(root: &Path, check: bool) -> Result<usize, String> {
    let manifest = Manifest::parse(&read(root, "connector.toml")?)
        .map_err(|e| format!("connector.toml: {e}"))?;
    let wit = read(root, "wit/connector.wit")?;
    let examples = serde_json::from_str(&read(root, "examples/demo-output.json")?)
        .map_err(|e| format!("examples/demo-output.json: {e}"))?;
    let guides = docs::guides(&root.join("docs")).map_err(|e| format!("docs/: {e}"))?;
    let groups = docs::groups(&root.join("src/actions"), &manifest)?;
    let pages = docs::render(&manifest, &examples, &guides, &groups)
        .into_iter()
        .map(|(path, text)| (format!("docs/{path}"), text));
    let source = |file: &str| -> Result<serde_json::Value, String> {
        serde_json::from_str(&read(root, file)?).map_err(|e| format!("{file}: {e}"))
    };
    let shapes = schema::Shapes::new(
        &source("schemas/shapes.json")?,
        &source("schemas/outputs.json")?,
    )?;
    let mut schemas = schema::render(&manifest, &shapes);
    let openapi = openapi::render(&manifest, &shapes);
    schemas.insert("openapi.json".into(), schema::pretty(&openapi));
    let schemas = schemas
        .into_iter()
        .map(|(path, text)| (format!("schemas/{path}"), text));
    let packages = connector_tools::package_files(&manifest, &wit)?
        .into_iter()
        .map(|(path, text)| (path.to_string(), text));
    let mut stale = 0;
    for (path, text) in pages.chain(schemas).chain(packages) {
        let file = root.join(&path);
        if std::fs::read_to_string(&file).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        stale += 1;
        if check {
            eprintln!("stale: {path}");
            continue;
        }
        let written = std::fs::create_dir_all(file.parent().unwrap_or(root))
            .and_then(|()| std::fs::write(&file, text));
        written.map_err(|e| format!("cannot write {path}: {e}"))?;
        eprintln!("wrote {path}");
    }
    Ok(stale)
}

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    match regenerate(&root, check) {
        Ok(stale) if check && stale > 0 => {
            eprintln!("run `cargo run -p connector-tools --bin connector-docs` to regenerate");
            ExitCode::FAILURE
        }
        Ok(_) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("connector-docs: {message}");
            ExitCode::FAILURE
        }
    }
}
