//! The on-disk compile cache: compiled code keyed by the component's bytes and the
//! engine, found again without hashing the component while it is unchanged; and the parsed
//! manifest, so that a start does not parse its TOML again.

use connector_manifest::Manifest;
use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use wasmtime::component::Component;
use wasmtime::error::Context as _;
use wasmtime::Engine;

/// Compile the component, or load the code compiled by an earlier process. Compiled code
/// is stored as `SHA256.cwasm`, keyed by the SHA-256 of the component's bytes and the
/// engine's compatibility hash, so a new component or a different wasmtime never loads
/// stale code. So that a start need not read and hash the component, the key is also kept
/// in `stat/NAME.key`, named by the component's path, size and modification time; the
/// component is hashed again only when those change.
pub(crate) fn load_component(
    engine: &Engine,
    path: &Path,
    cache_dir: Option<&Path>,
) -> wasmtime::Result<Component> {
    let Some(dir) = cache_dir else {
        tracing::info!(
            "compiling the component {} (no compile cache: every start compiles it)",
            path.display()
        );
        return Component::from_file(engine, path);
    };
    let engine_hash = engine_hash(engine);
    let stat_file = stat_key_file(dir, path, engine_hash);
    if let Some(component) = stat_file
        .as_ref()
        .and_then(|f| std::fs::read_to_string(f).ok())
        .and_then(|key| cached(engine, &dir.join(format!("{}.cwasm", key.trim()))))
    {
        return Ok(component);
    }
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read the component at {}", path.display()))?;
    let mut key = Sha256::new();
    key.update(&bytes);
    key.update(engine_hash.to_le_bytes());
    let key = format!("{:x}", key.finalize());
    let file = dir.join(format!("{key}.cwasm"));
    let component = if let Some(component) = cached(engine, &file) {
        component
    } else {
        tracing::info!(
            "compiling the component {} for this machine: once, then cached in {}",
            path.display(),
            dir.display()
        );
        let started = std::time::Instant::now();
        let component = Component::new(engine, &bytes)?;
        write_atomically(&file, &component.serialize()?);
        tracing::info!("compiled in {:.1} s", started.elapsed().as_secs_f64());
        component
    };
    if let Some(stat_file) = stat_file {
        write_atomically(&stat_file, key.as_bytes());
    }
    Ok(component)
}

/// The manifest at `path`, from the cache when this host binary parsed the same file
/// before. The parsed form is kept in postcard's compact encoding in
/// `DIR/manifest/H.postcard`, H hashing the file's path, size and modification time and the
/// host binary's (a host built from other sources may read the manifest differently, so it
/// never reads another binary's copy). Parsing the TOML was a fifth of a one-step process's
/// CPU time; reading the kept copy as JSON still took 0.4 ms, as postcard 0.15 ms
/// (docs/performance.md).
pub(crate) fn load_manifest(path: &Path, cache_dir: Option<&Path>) -> Result<Manifest, String> {
    let file = cache_dir.and_then(|dir| {
        let key = file_identity(path)?;
        let host = file_identity(&std::env::current_exe().ok()?)?;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (key, host).hash(&mut hasher);
        Some(
            dir.join("manifest")
                .join(format!("{:016x}.postcard", hasher.finish())),
        )
    });
    if let Some(manifest) = file
        .as_ref()
        .and_then(|f| std::fs::read(f).ok())
        .and_then(|bytes| postcard::from_bytes(&bytes).ok())
    {
        return Ok(manifest);
    }
    let manifest = Manifest::load(path).map_err(|e| e.to_string())?;
    if let (Some(file), Ok(bytes)) = (file, postcard::to_allocvec(&manifest)) {
        write_atomically(&file, &bytes);
    }
    Ok(manifest)
}

/// A file's canonical path, size and modification time.
fn file_identity(path: &Path) -> Option<(PathBuf, u64, std::time::Duration)> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some((std::fs::canonicalize(path).ok()?, meta.len(), modified))
}

fn engine_hash(engine: &Engine) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hasher.finish()
}

/// `DIR/stat/H.key`, H hashing the component's path, size and modification time.
fn stat_key_file(dir: &Path, component: &Path, engine_hash: u64) -> Option<PathBuf> {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (file_identity(component)?, engine_hash).hash(&mut hasher);
    Some(
        dir.join("stat")
            .join(format!("{:016x}.key", hasher.finish())),
    )
}

/// The compiled component in `file`, when there is a usable one.
fn cached(engine: &Engine, file: &Path) -> Option<Component> {
    if !file.is_file() {
        return None;
    }
    // SAFETY: the file was written by `Component::serialize` of this same engine
    // configuration (its name covers the compatibility hash) into the host's own cache
    // directory.
    #[allow(unsafe_code)]
    let loaded = unsafe { Component::deserialize_file(engine, file) };
    loaded
        .inspect_err(|e| tracing::warn!("ignoring unusable cache entry {}: {e}", file.display()))
        .ok()
}

/// Write `bytes` to `file` through a temporary name; a failure is logged, not fatal.
fn write_atomically(file: &Path, bytes: &[u8]) {
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(file.parent().unwrap_or(Path::new(".")))?;
        let tmp = file.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, file)
    };
    if let Err(e) = write() {
        tracing::warn!("cannot write the compile cache {}: {e}", file.display());
    }
}
