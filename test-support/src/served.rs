//! A `connector-host serve` process for the tests and the benchmark: on a free port, its
//! log (stderr) in a file (a pipe nobody reads would fill up and stall the service), killed
//! when dropped.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
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
