//! The compile cache: a second start loads the compiled code through the key kept beside
//! it, and a component replaced at the same path is compiled again, never served stale.

use crate::harness::*;
use connector_host::{Host, Options};
use std::path::Path;

fn start(component: &Path, cache: &Path) -> Host {
    Host::new(Options {
        component: component.to_path_buf(),
        manifest: None,
        cache_dir: Some(cache.to_path_buf()),
        pooled_steps: 0,
        ..Options::default()
    })
    .expect("the host starts")
}

fn files(dir: &Path, extension: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| n.ends_with(extension))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_replaced_component_is_compiled_again() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let wasm = dir.path().join("c.wasm");
    std::fs::copy(component(), &wasm).unwrap();
    std::fs::copy(
        workspace().join("connector.toml"),
        dir.path().join("c.toml"),
    )
    .unwrap();

    assert!(start(&wasm, &cache)
        .actions()
        .contains(&"get-item".to_string()));
    let compiled = files(&cache, ".cwasm");
    let keys = files(&cache.join("stat"), ".key");
    assert_eq!(
        (compiled.len(), keys.len()),
        (1, 1),
        "{compiled:?} {keys:?}"
    );
    let key = std::fs::read_to_string(cache.join("stat").join(&keys[0])).unwrap();
    assert_eq!(
        format!("{key}.cwasm"),
        compiled[0],
        "the kept key names the compiled code"
    );
    assert!(start(&wasm, &cache)
        .actions()
        .contains(&"get-item".to_string()));
    assert_eq!(
        files(&cache, ".cwasm"),
        compiled,
        "a second start compiles nothing"
    );

    let hostile = test_support::build_component(&["-p", "hostile-guest"], "hostile_guest.wasm");
    std::fs::copy(hostile, &wasm).unwrap();
    std::fs::copy(
        workspace().join("tests/hostile-guest/connector.toml"),
        dir.path().join("c.toml"),
    )
    .unwrap();
    assert_eq!(
        start(&wasm, &cache).actions(),
        ["crash", "fetch", "probe", "remember", "spin"]
    );
    assert_eq!(
        files(&cache, ".cwasm").len(),
        2,
        "the new component was compiled"
    );
}

#[test]
fn the_first_start_says_it_is_compiling_and_where_it_caches_and_the_next_is_silent() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let hostile = test_support::build_component(&["-p", "hostile-guest"], "hostile_guest.wasm");
    let manifest = workspace().join("tests/hostile-guest/connector.toml");
    let args = [
        "step",
        "--component",
        hostile.to_str().unwrap(),
        "--manifest",
        manifest.to_str().unwrap(),
        "--cache-dir",
        cache.to_str().unwrap(),
        "-",
    ];
    let (_, _, first) = cli(&args, "{}");
    assert!(first.contains("compiling the component"), "{first}");
    assert!(
        first.contains(&format!("cached in {}", cache.display())),
        "{first}"
    );
    assert!(first.contains("compiled in"), "{first}");
    let (_, _, second) = cli(&args, "{}");
    assert!(!second.contains("compiling"), "{second}");
}
