//! A `connector-host serve` process for the tests and the benchmark: on a free port, its
//! log (stderr) in a file (a pipe nobody reads would fill up and stall the service), killed
//! when dropped.

use std::collections::BTreeSet;
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// A running `serve` process.
pub struct Served {
    /// The process.
    pub child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Its stderr: one JSON line per request.
    pub log: tempfile::NamedTempFile,
}

impl Served {
    /// Start `binary serve --listen 127.0.0.1:PORT --allow-endpoint 127.0.0.1 ARGS...` with
    /// the tests' compile cache; returns once it accepts connections.
    pub fn start(binary: &Path, args: &[&str]) -> Served {
        Served::start_under(&[], binary, args)
    }

    /// [`Served::start`] under a wrapping command, e.g. `["prlimit", "--nofile=256"]`.
    pub fn start_under(wrapper: &[&str], binary: &Path, args: &[&str]) -> Served {
        Served::start_with_env(wrapper, binary, args, &[])
    }

    /// [`Served::start_under`] with `env` set for the service.
    pub fn start_with_env(
        wrapper: &[&str],
        binary: &Path,
        args: &[&str],
        env: &[(&str, String)],
    ) -> Served {
        precompile(binary, args);
        let listen = format!("127.0.0.1:{}", crate::free_port());
        let log = tempfile::NamedTempFile::new().expect("a log file");
        let mut command = match wrapper.split_first() {
            Some((program, wrapper_args)) => {
                let mut command = Command::new(program);
                command.args(wrapper_args).arg(binary);
                command
            }
            None => Command::new(binary),
        };
        let child = command
            .args([
                "serve",
                "--listen",
                &listen,
                "--allow-endpoint",
                "127.0.0.1",
            ])
            .args(args)
            .env("CONNECTOR_HOST_CACHE_DIR", crate::cache_dir())
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(log.reopen().expect("the log file"))
            .spawn()
            .expect("serve starts");
        let served = Served {
            child,
            url: format!("http://{listen}"),
            log,
        };
        for _ in 0..1200 {
            if TcpStream::connect(&listen).is_ok() {
                return served;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!(
            "serve did not start: {:?}",
            std::fs::read_to_string(served.log.path())
        );
    }

    /// The log lines so far.
    pub fn log_lines(&self) -> Vec<String> {
        let text = std::fs::read_to_string(self.log.path()).unwrap_or_default();
        text.lines().map(str::to_string).collect()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Compile the component of `args` (its `--component`, else the host's default) into the
/// tests' compile cache once per process, before the first `serve` of it starts: services
/// started together then load it, where each would otherwise compile it at once (on two
/// cores, long enough to miss their start deadline). A component that does not compile is
/// left to the service to report.
fn precompile(binary: &Path, args: &[&str]) {
    static DONE: Mutex<BTreeSet<Option<String>>> = Mutex::new(BTreeSet::new());
    let component = args
        .windows(2)
        .find(|pair| pair[0] == "--component")
        .map(|pair| pair[1].to_string());
    let mut done = DONE.lock().unwrap_or_else(PoisonError::into_inner);
    if done.contains(&component) {
        return;
    }
    let mut command = Command::new(binary);
    command
        .arg("precompile")
        .arg("--cache-dir")
        .arg(crate::cache_dir());
    if let Some(component) = &component {
        command.args(["--component", component]);
    }
    let compiled = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if compiled {
        done.insert(component);
    }
}
