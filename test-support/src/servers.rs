//! moto and dynalite on free ports, started once per process and stopped when it exits.

use crate::workspace;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn wait_for_port(port: u16, what: &str) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_mins(1),
            "{what} did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Start `program args` in the background, killed as soon as this process exits.
/// The watchdog shell outlives every test, so nothing waits for it.
#[allow(clippy::zombie_processes)]
fn spawn_tied_to_us(program: &Path, args: &[String]) {
    assert!(
        program.exists(),
        "{} is missing: run scripts/setup.sh, which installs it",
        program.display()
    );
    let script = r#"prog="$1"; shift; "$prog" "$@" >/dev/null 2>&1 & child=$!
        while kill -0 "$PARENT" 2>/dev/null; do sleep 0.5; done; kill "$child""#;
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg("sh")
        .arg(program)
        .args(args)
        .env("PARENT", std::process::id().to_string())
        .stdin(Stdio::null())
        .spawn()
        .expect("the server starts");
}

/// Start a server with `args` on a free port (`{port}` in the args) and wait for it.
fn serve(what: &str, program: &Path, args: &[&str]) -> String {
    let port = free_port();
    let args: Vec<String> = args
        .iter()
        .map(|a| a.replace("{port}", &port.to_string()))
        .collect();
    spawn_tied_to_us(program, &args);
    wait_for_port(port, what);
    format!("http://127.0.0.1:{port}")
}

/// The Python of the project's virtual environment (moto and boto3 are installed there).
pub fn moto_python() -> PathBuf {
    workspace().join(".venv/bin/python")
}

/// The endpoint of a moto server shared by this process (`$MOTO_SERVER` picks the program).
pub fn moto() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(own_moto)
}

/// A moto server of the caller's own (a new one per call), for a test that resets its
/// state between runs (`POST /moto-api/reset`) without disturbing the others.
pub fn own_moto() -> String {
    let program = std::env::var_os("MOTO_SERVER")
        .map_or_else(|| workspace().join(".venv/bin/moto_server"), PathBuf::from);
    serve("moto", &program, &["-H", "127.0.0.1", "-p", "{port}"])
}

/// A dynalite server (started once per process) that creates, deletes and updates tables
/// at once: the stricter validation of the service, without its delays.
pub fn dynalite() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| start_dynalite(0))
}

/// A dynalite server whose tables take 500 ms to become ACTIVE (or to go, or to update), as
/// the service's do: what waiting for a table is tested against.
pub fn slow_dynalite() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| start_dynalite(500))
}

fn start_dynalite(delay_ms: u32) -> String {
    let script = workspace().join("node_modules/dynalite/cli.js");
    assert!(
        script.exists(),
        "dynalite is missing: run scripts/setup.sh, which installs it"
    );
    let script = script.to_str().expect("a UTF-8 path");
    let delay = delay_ms.to_string();
    serve(
        "dynalite",
        Path::new("/usr/bin/env"),
        &[
            "node",
            script,
            "--host",
            "127.0.0.1",
            "--port",
            "{port}",
            "--createTableMs",
            &delay,
            "--deleteTableMs",
            &delay,
            "--updateTableMs",
            &delay,
        ],
    )
}
