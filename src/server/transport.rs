//! The protocol's framing over standard input and output, tolerant of bad
//! input: a message that is not JSON, or not a JSON-RPC message, is logged
//! (and answered with an error when it carries a request id) and the next one
//! is read; only the end of standard input ends the reader.
//!
//! `lsp-server`'s own stdio transport stops at the first malformed message;
//! this one keeps its message types and writer.

use std::io::{self, BufRead, Read, Write};
use std::thread;

use crossbeam_channel::{Receiver, Sender, unbounded};
use lsp_server::{ErrorCode, Message, RequestId, Response};

/// The largest message body read (a larger one is skipped and logged).
const MAX_BODY: usize = 256 * 1024 * 1024;

/// The channels of a stdio connection: the messages read, and where to put
/// the messages to write. The threads end with standard input (reader) and
/// when every sender is dropped (writer).
pub fn stdio() -> (Sender<Message>, Receiver<Message>) {
    let (out_tx, out_rx) = unbounded::<Message>();
    let (in_tx, in_rx) = unbounded::<Message>();
    let errors = out_tx.clone();
    let _ = thread::Builder::new()
        .name("guidelint-lsp-writer".into())
        .spawn(move || {
            let stdout = io::stdout();
            for message in out_rx {
                let mut out = stdout.lock();
                if message.write(&mut out).and_then(|()| out.flush()).is_err() {
                    // The client is gone.
                    break;
                }
            }
        });
    let _ = thread::Builder::new()
        .name("guidelint-lsp-reader".into())
        .spawn(move || {
            let stdin = io::stdin();
            let mut input = stdin.lock();
            read_loop(&mut input, &in_tx, &errors);
        });
    (out_tx, in_rx)
}

/// Reads framed messages from `input` until it ends, sending each good one
/// to `messages` and an error response to `errors` for a bad request.
pub fn read_loop(input: &mut dyn BufRead, messages: &Sender<Message>, errors: &Sender<Message>) {
    loop {
        match read_frame(input) {
            Ok(Frame::End) => return,
            Ok(Frame::Skipped(why)) => log(&format!("skipped input: {why}")),
            Ok(Frame::Body(body)) => match parse(&body) {
                Ok(message) => {
                    let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                    if messages.send(message).is_err() || exit {
                        return;
                    }
                }
                Err((why, id)) => {
                    log(&format!("malformed message ({why}): {}", preview(&body)));
                    if let Some(id) = id {
                        let code = if why.starts_with("not JSON") {
                            ErrorCode::ParseError
                        } else {
                            ErrorCode::InvalidRequest
                        };
                        let _ = errors.send(Message::Response(Response::new_err(
                            id,
                            code as i32,
                            format!("malformed message: {why}"),
                        )));
                    }
                }
            },
            Err(e) => {
                log(&format!("cannot read standard input: {e}"));
                return;
            }
        }
    }
}

/// What one frame of input held.
#[derive(Debug)]
enum Frame {
    /// The end of the input.
    End,
    /// A message's body.
    Body(Vec<u8>),
    /// Headers that could not be used.
    Skipped(String),
}

fn read_frame(input: &mut dyn BufRead) -> io::Result<Frame> {
    let mut length: Option<usize> = None;
    let mut seen_header = false;
    let mut problem = None;
    loop {
        let mut line = String::new();
        let read = read_line(input, &mut line)?;
        if read == 0 {
            return Ok(if seen_header {
                Frame::Skipped("the input ended inside a message's headers".into())
            } else {
                Frame::End
            });
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if !seen_header {
                // Blank lines between messages.
                continue;
            }
            break;
        }
        seen_header = true;
        match line.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) => length = Some(n),
                    Err(_) => problem = Some(format!("bad Content-Length `{}`", value.trim())),
                }
            }
            Some(_) => {}
            None => {
                problem = Some(format!(
                    "a header line without `:`: `{}`",
                    preview(line.as_bytes())
                ))
            }
        }
    }
    let Some(length) = length else {
        return Ok(Frame::Skipped(
            problem.unwrap_or_else(|| "headers without Content-Length".into()),
        ));
    };
    if length > MAX_BODY {
        io::copy(&mut input.take(length as u64), &mut io::sink())?;
        return Ok(Frame::Skipped(format!("a message of {length} bytes")));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Frame::Body(body))
}

/// Reads a header line, at most 64 KB of it (the rest of a longer line is
/// dropped): garbage without line endings cannot fill the memory.
fn read_line(input: &mut dyn BufRead, line: &mut String) -> io::Result<usize> {
    let mut bytes = Vec::new();
    let mut total = 0;
    loop {
        let available = input.fill_buf()?;
        if available.is_empty() {
            break;
        }
        let (take, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        if bytes.len() < 64 * 1024 {
            bytes.extend_from_slice(&available[..take]);
        }
        input.consume(take);
        total += take;
        if done {
            break;
        }
    }
    line.push_str(&String::from_utf8_lossy(&bytes));
    Ok(total)
}

/// The message in `body`, or why it is not one (with the request id, if any).
fn parse(body: &[u8]) -> Result<Message, (String, Option<RequestId>)> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| (format!("not JSON: {e}"), None))?;
    let id = match value.get("id") {
        Some(serde_json::Value::Number(n)) => n
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(RequestId::from),
        Some(serde_json::Value::String(s)) => Some(RequestId::from(s.clone())),
        _ => None,
    };
    let is_request = value.get("method").is_some();
    serde_json::from_value::<Message>(value).map_err(|e| {
        (
            format!("not a JSON-RPC message: {e}"),
            id.filter(|_| is_request),
        )
    })
}

fn preview(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]);
    if bytes.len() > 200 {
        format!("{text}…")
    } else {
        text.into_owned()
    }
}

/// Writes a line to standard error, which editors show as the server's log.
pub fn log(message: &str) {
    let _ = writeln!(io::stderr().lock(), "guidelint server: {message}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn bad_messages_are_skipped_and_requests_answered() {
        let input = [
            frame(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#),
            frame("{not json"),
            "Content-Type: x\r\n\r\n".to_string(),
            "Content-Length: zz\r\n\r\n".to_string(),
            frame(r#"{"jsonrpc":"2.0","id":7,"method":5}"#),
            frame(r#"{"jsonrpc":"2.0","id":8,"method":"shutdown"}"#),
        ]
        .concat();
        let (tx, rx) = unbounded();
        let (etx, erx) = unbounded();
        read_loop(&mut input.as_bytes(), &tx, &etx);
        let got: Vec<Message> = rx.try_iter().collect();
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(matches!(&got[0], Message::Notification(n) if n.method == "initialized"));
        assert!(matches!(&got[1], Message::Request(r) if r.method == "shutdown"));
        let errors: Vec<Message> = erx.try_iter().collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            matches!(&errors[0], Message::Response(r) if r.id == RequestId::from(7) && r.response_result.is_err())
        );
    }

    #[test]
    fn input_ending_midway_ends_the_loop() {
        let input = "Content-Length: 100\r\n\r\n{\"a\":";
        let (tx, rx) = unbounded();
        let (etx, _erx) = unbounded();
        read_loop(&mut input.as_bytes(), &tx, &etx);
        assert!(rx.try_iter().next().is_none());
    }
}
