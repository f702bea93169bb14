//! The compile cache: a second start loads the compiled code through the key kept beside
//! it, a component replaced at the same path is compiled again, never served stale, and a
//! cache filled by `precompile` and shipped elsewhere starts the component without a compile.

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

/// `connector-host VERB` on the hostile guest at `component` with the compile cache `cache`
/// (and `-` for a step document on standard input when the verb is `step`).
fn hostile_cli(verb: &str, component: &Path, cache: &Path, stdin: &str) -> (i32, String, String) {
    let manifest = workspace().join("tests/hostile-guest/connector.toml");
    let mut args = vec![
        verb,
        "--component",
        component.to_str().unwrap(),
        "--manifest",
        manifest.to_str().unwrap(),
        "--cache-dir",
        cache.to_str().unwrap(),
    ];
    if verb == "step" {
        args.push("-");
    }
    cli(&args, stdin)
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

    let hostile = test_support::hostile_guest().to_path_buf();
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
    let hostile = test_support::hostile_guest();
    let (_, _, first) = hostile_cli("step", hostile, &cache, "{}");
    assert!(first.contains("compiling the component"), "{first}");
    assert!(
        first.contains(&format!("cached in {}", cache.display())),
        "{first}"
    );
    assert!(first.contains("compiled in"), "{first}");
    let (_, _, second) = hostile_cli("step", hostile, &cache, "{}");
    assert!(!second.contains("compiling"), "{second}");
}

#[test]
fn a_precompiled_cache_shipped_elsewhere_starts_the_component_without_compiling_it() {
    let dir = tempfile::tempdir().unwrap();
    let built = dir.path().join("build-cache");
    let hostile = test_support::hostile_guest();
    let (code, out, err) = hostile_cli("precompile", hostile, &built, "");
    assert_eq!(code, 0, "{out}{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let compiled = report["compiled"].as_array().unwrap();
    assert_eq!(compiled.len(), 1, "{report}");
    assert!(compiled[0]["bytes"].as_u64().unwrap() > 0, "{report}");

    // Another machine: the component at another path, the compiled code copied (not the
    // keys kept beside it, which name this machine's path).
    let shipped = dir.path().join("image-cache");
    std::fs::create_dir_all(&shipped).unwrap();
    for name in files(&built, ".cwasm") {
        std::fs::copy(built.join(&name), shipped.join(&name)).unwrap();
    }
    let elsewhere = dir.path().join("app/connector.wasm");
    std::fs::create_dir_all(elsewhere.parent().unwrap()).unwrap();
    std::fs::copy(hostile, &elsewhere).unwrap();
    let (_, _, started) = hostile_cli("step", &elsewhere, &shipped, "{}");
    assert!(!started.contains("compiling"), "{started}");
    assert_eq!(files(&shipped, ".cwasm").len(), 1, "nothing new compiled");
}

#[test]
fn precompile_refuses_a_cache_it_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let blocked = dir.path().join("a-file");
    std::fs::write(&blocked, "not a directory").unwrap();
    let cache = blocked.join("cache");
    let (code, out, _) = hostile_cli("precompile", test_support::hostile_guest(), &cache, "");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("nothing was compiled into"), "{out}");
}

#[test]
fn the_manifest_is_kept_parsed_and_read_again_when_it_changes() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let wasm = dir.path().join("c.wasm");
    let toml = dir.path().join("c.toml");
    let hostile = test_support::hostile_guest().to_path_buf();
    std::fs::copy(hostile, &wasm).unwrap();
    let text =
        std::fs::read_to_string(workspace().join("tests/hostile-guest/connector.toml")).unwrap();
    std::fs::write(&toml, &text).unwrap();

    let first = start(&wasm, &cache);
    let kept = files(&cache.join("manifest"), ".postcard");
    assert_eq!(kept.len(), 1, "{kept:?}");
    let parsed = connector_host::manifest::Manifest::parse(&text).unwrap();
    let copy: connector_host::manifest::Manifest =
        postcard::from_bytes(&std::fs::read(cache.join("manifest").join(&kept[0])).unwrap())
            .unwrap();
    assert_eq!(
        serde_json::to_value(&copy).unwrap(),
        serde_json::to_value(&parsed).unwrap(),
        "the kept copy is the parsed manifest"
    );
    assert_eq!(
        serde_json::to_value(start(&wasm, &cache).manifest()).unwrap(),
        serde_json::to_value(first.manifest()).unwrap(),
        "a second start reads the same manifest from the copy"
    );

    std::fs::write(&toml, format!("description = \"Changed\"\n{text}")).unwrap();
    assert_eq!(start(&wasm, &cache).manifest().description, "Changed");
    assert_eq!(files(&cache.join("manifest"), ".postcard").len(), 2);
}
