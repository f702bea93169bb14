//! MCP over standard input and output, one JSON-RPC message per line, with the framing
//! errors answered as JSON-RPC says rather than dropped: a line that is not JSON gets
//! `-32700` (parse error), a JSON line that is not a message the server can read (a
//! `tools/call` whose `params` is a string, say) gets `-32600` (invalid request) with its
//! `id`, and a line longer than [`MAX_LINE_BYTES`] gets `-32600` without being kept. Every
//! other line goes to the MCP server; its answers and these errors share one writer, a
//! whole line at a time.

use super::Tools;
use crate::{ErrorKind, StepError};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

/// The longest line read: as `serve`'s default body limit.
pub(crate) const MAX_LINE_BYTES: usize = 8 << 20;

fn session_error(e: impl std::fmt::Display) -> StepError {
    StepError::new(ErrorKind::Host, format!("MCP session: {e}"))
}

/// Serve `tools` on standard input and output until the client closes them.
pub(crate) async fn serve(tools: Tools) -> Result<(), StepError> {
    use rmcp::ServiceExt as _;
    let (server_in, mut to_server) = tokio::io::duplex(64 << 10);
    let (from_server, server_out) = tokio::io::duplex(64 << 10);
    let (lines, mut out) = mpsc::channel::<Vec<u8>>(64);
    let writer = tokio::spawn(async move {
        let mut stdout = tokio::io::stdout();
        while let Some(line) = out.recv().await {
            if stdout.write_all(&line).await.is_err() || stdout.flush().await.is_err() {
                break;
            }
        }
    });
    let answers = lines.clone();
    let forward = tokio::spawn(async move {
        let mut reader = BufReader::new(from_server);
        let mut line = Vec::new();
        while reader.read_until(b'\n', &mut line).await.unwrap_or(0) > 0 {
            if answers.send(std::mem::take(&mut line)).await.is_err() {
                break;
            }
        }
    });
    let pump = tokio::spawn(async move {
        let mut stdin = BufReader::new(tokio::io::stdin());
        while let Some(line) = read_line(&mut stdin).await? {
            match check(&line) {
                Ok(()) => {
                    to_server.write_all(&line).await?;
                    to_server.write_all(b"\n").await?;
                }
                Err(error) => {
                    let mut text = error.to_string().into_bytes();
                    text.push(b'\n');
                    let _ = lines.send(text).await;
                }
            }
        }
        Ok::<(), std::io::Error>(())
    });
    let running = tools
        .serve((server_in, server_out))
        .await
        .map_err(session_error)?;
    let waited = running.waiting().await.map_err(session_error);
    pump.abort();
    let _ = forward.await;
    let _ = writer.await;
    waited.map(|_| ())
}

/// A line read from `input` without its end of line; an over-long line comes back as the
/// one byte 0 (which [`check`] refuses), the rest of it skipped unkept; `None` at the end
/// of the input.
async fn read_line(input: &mut BufReader<tokio::io::Stdin>) -> std::io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let buffer = input.fill_buf().await?;
        if buffer.is_empty() {
            return Ok((!line.is_empty() || too_long).then(|| ended(line, too_long)));
        }
        let (taken, done) = match buffer.iter().position(|b| *b == b'\n') {
            Some(at) => (at + 1, true),
            None => (buffer.len(), false),
        };
        if !too_long {
            line.extend_from_slice(&buffer[..taken]);
            if line.len() > MAX_LINE_BYTES {
                too_long = true;
                line = Vec::new();
            }
        }
        input.consume(taken);
        if done {
            return Ok(Some(ended(line, too_long)));
        }
    }
}

/// The line without its end of line, or the marker of an over-long one.
fn ended(mut line: Vec<u8>, too_long: bool) -> Vec<u8> {
    if too_long {
        return vec![0];
    }
    while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        line.pop();
    }
    line
}

/// `Ok` for a line the MCP server can read (or a blank one it skips), else the JSON-RPC
/// error that answers it.
fn check(line: &[u8]) -> Result<(), Value> {
    if line == [0] {
        return Err(rpc_error(
            &Value::Null,
            -32600,
            &format!("the message is longer than {MAX_LINE_BYTES} bytes"),
        ));
    }
    if line.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    if serde_json::from_slice::<rmcp::model::ClientJsonRpcMessage>(line).is_ok() {
        return Ok(());
    }
    let Ok(message) = serde_json::from_slice::<Value>(line) else {
        return Err(rpc_error(&Value::Null, -32700, "the line is not JSON"));
    };
    let id = match message.get("id") {
        Some(id @ (Value::String(_) | Value::Number(_))) => id.clone(),
        _ => Value::Null,
    };
    Err(rpc_error(
        &id,
        -32600,
        "not a JSON-RPC message this server reads (a method's params must be an object)",
    ))
}

fn rpc_error(id: &Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing_errors_are_answered_with_their_codes() {
        assert!(check(br#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#).is_ok());
        assert_eq!(check(b"not json").unwrap_err()["error"]["code"], -32700);
        let string_params = br#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":"x"}"#;
        let answer = check(string_params).unwrap_err();
        assert_eq!(
            (answer["id"].clone(), answer["error"]["code"].clone()),
            (json!(7), json!(-32600))
        );
        assert_eq!(check(&[0]).unwrap_err()["error"]["code"], -32600);
    }
}
