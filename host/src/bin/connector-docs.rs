//! `connector-docs`: regenerate `docs/` from `connector.toml` and the demo's recorded run
//! (`examples/demo-output.json`). `--check` only reports stale pages (exit 1).

use connector_host::{docs, manifest::Manifest};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let manifest = std::fs::read_to_string(root.join("connector.toml")).expect("connector.toml");
    let manifest = Manifest::parse(&manifest).expect("a valid connector.toml");
    let examples = std::fs::read_to_string(root.join("examples/demo-output.json"))
        .expect("examples/demo-output.json");
    let examples = serde_json::from_str(&examples).expect("valid JSON examples");
    let mut stale = 0;
    for (path, text) in docs::render(&manifest, &examples) {
        let file = root.join("docs").join(&path);
        if std::fs::read_to_string(&file).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        stale += 1;
        if check {
            eprintln!("stale: docs/{path}");
        } else {
            std::fs::create_dir_all(file.parent().expect("a folder")).expect("docs folder");
            std::fs::write(&file, text).expect("docs written");
            eprintln!("wrote docs/{path}");
        }
    }
    if check && stale > 0 {
        eprintln!("run `cargo run -p connector-host --bin connector-docs` to regenerate");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
