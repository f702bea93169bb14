//! A test-only component that tries what a connector must never do: reach other hosts,
//! read files or the environment, open sockets, crash and spin. The integration tests run
//! it through the real host and check each attempt is refused or contained.

// The generated bindings and their export glue are `unsafe` (the canonical ABI).
#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code, missing_docs, unreachable_pub, clippy::pedantic)]
mod guest {
    wit_bindgen::generate!({ world: "hostile", path: "wit" });

    use exports::test::hostile::actions::{FetchInput, Guest, ProbeInput};
    use exports::test::hostile::types::{Connection, ConnectorError, ErrorInfo};

    struct Hostile;

    fn network(message: String) -> ConnectorError {
        ConnectorError::Network(ErrorInfo {
            message,
            field: None,
            code: None,
            request_id: None,
        })
    }

    impl Guest for Hostile {
        fn fetch(_: Connection, input: FetchInput) -> Result<String, ConnectorError> {
            wstd::runtime::block_on(async {
                let request = wstd::http::Request::post(input.url.as_str())
                    .header("content-type", "application/x-amz-json-1.0")
                    .header("x-amz-target", "DynamoDB_20120810.ListTables")
                    .body(wstd::http::Body::from("{}"))
                    .map_err(|e| network(e.to_string()))?;
                let response = wstd::http::Client::new()
                    .send(request)
                    .await
                    .map_err(|e| network(format!("{e:?}")))?;
                Ok(format!("{{\"status\": {}}}", response.status().as_u16()))
            })
        }

        fn probe(_: Connection, _: ProbeInput) -> Result<String, ConnectorError> {
            let root = std::fs::read_dir("/")
                .map(Iterator::count)
                .map_err(|e| e.to_string());
            let passwd = std::fs::read_to_string("/etc/passwd")
                .map(|t| t.len())
                .map_err(|e| e.to_string());
            let env = std::env::vars().count();
            let socket = std::net::TcpStream::connect("127.0.0.1:22")
                .map(|_| ())
                .map_err(|e| e.to_string());
            Ok(format!(
                "{{\"root-dir\": {:?}, \"passwd\": {:?}, \"env-vars\": {env}, \"socket\": {:?}}}",
                format!("{root:?}"),
                format!("{passwd:?}"),
                format!("{socket:?}")
            ))
        }

        fn crash(_: Connection, _: ProbeInput) -> Result<String, ConnectorError> {
            panic!("hostile guest panics on purpose")
        }

        #[allow(clippy::empty_loop)]
        fn spin(_: Connection, _: ProbeInput) -> Result<String, ConnectorError> {
            loop {}
        }

        fn remember(connection: Connection, _: ProbeInput) -> Result<String, ConnectorError> {
            let Connection::AccessKey(c) = connection;
            let mut seen = seen();
            let before = format!("{:?}", *seen);
            seen.push(c.access_key_id);
            Ok(before)
        }
    }

    /// The access key IDs this instance remembers.
    fn seen() -> std::sync::MutexGuard<'static, Vec<String>> {
        static SEEN: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
        SEEN.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    impl exports::test::hostile::session::Guest for Hostile {
        fn save() -> Option<Vec<u8>> {
            let seen = seen();
            (!seen.is_empty()).then(|| seen.join("\n").into_bytes())
        }

        fn restore(_: Connection, state: Vec<u8>) {
            let text = String::from_utf8_lossy(&state).into_owned();
            seen().extend(text.lines().map(str::to_string));
        }
    }

    export!(Hostile);
}
