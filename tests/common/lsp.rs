//! A small Language Server Protocol client that drives `guidelint server`
//! over its standard input and output: for the end-to-end tests and the
//! server's benchmark (`examples/server_bench.rs`).

#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long a test waits for an answer before it fails.
pub const WAIT: Duration = Duration::from_secs(60);

/// A running server and what it sent that nobody has read yet.
pub struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Messages received while waiting for something else.
    pub queue: VecDeque<Value>,
    next_id: i64,
}

impl Client {
    /// Starts `binary server` in `root` with the client capabilities of an
    /// editor (UTF-16 positions, progress, versioned edits) and
    /// `options` as `initializationOptions`; returns the client and the
    /// `initialize` result.
    pub fn start(binary: &Path, root: &Path, options: Value) -> (Client, Value) {
        let mut child = Command::new(binary)
            .arg("server")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming: rx,
            queue: VecDeque::new(),
            next_id: 0,
        };
        let uri = file_uri(root);
        let init = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri,
                "workspaceFolders": [{"uri": uri, "name": "docs"}],
                "initializationOptions": options,
                "capabilities": {
                    "general": {"positionEncodings": ["utf-16"]},
                    "window": {"workDoneProgress": true},
                    "workspace": {
                        "workspaceEdit": {"documentChanges": true},
                        "didChangeWatchedFiles": {"dynamicRegistration": true}
                    },
                    "textDocument": {
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                        "rename": {"prepareSupport": true},
                        "publishDiagnostics": {"relatedInformation": true, "versionSupport": true}
                    }
                }
            }),
        );
        let init = init.expect("initialize succeeds");
        client.notify("initialized", json!({}));
        (client, init)
    }

    /// Writes raw bytes to the server (to test malformed input).
    pub fn write_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.write_raw(frame.as_bytes());
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request; returns its id without waiting.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Sends a request and waits for its answer: `Ok(result)` or `Err(error)`.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.send_request(method, params);
        self.response(id)
    }

    /// Waits for the answer to request `id`.
    pub fn response(&mut self, id: i64) -> Result<Value, Value> {
        let message = self.wait(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none());
        match message.get("error") {
            Some(error) => Err(error.clone()),
            None => Ok(message.get("result").cloned().unwrap_or(Value::Null)),
        }
    }

    /// The next message (queued first) for which `wanted` is true; the
    /// others stay queued. The server's requests are answered (null) on the way.
    pub fn wait(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        self.wait_for(WAIT, wanted)
            .expect("the server answers in time")
    }

    /// Like [`Client::wait`], giving up after `timeout`.
    pub fn wait_for(
        &mut self,
        timeout: Duration,
        wanted: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        if let Some(i) = self.queue.iter().position(&wanted) {
            return self.queue.remove(i);
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.incoming.recv_timeout(left) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => return None,
                Err(RecvTimeoutError::Disconnected) => panic!("the server stopped"),
            };
            // A request of the server's (progress, registration): answer it.
            if message.get("method").is_some() && message.get("id").is_some() {
                let id = message["id"].clone();
                self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}));
            }
            if wanted(&message) {
                return Some(message);
            }
            self.queue.push_back(message);
        }
    }

    /// Opens `path` with `text` as version `version`.
    pub fn open(&mut self, path: &Path, text: &str, version: i64) {
        let language = if path.extension().is_some_and(|e| e == "txt") {
            "plaintext"
        } else {
            "markdown"
        };
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {
                "uri": file_uri(path), "languageId": language, "version": version, "text": text
            }}),
        );
    }

    /// Replaces `range` ((line, character) to (line, character), UTF-16) of `path` with `text`.
    pub fn change(&mut self, path: &Path, version: i64, range: [(u32, u32); 2], text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": file_uri(path), "version": version},
                "contentChanges": [{
                    "range": {
                        "start": {"line": range[0].0, "character": range[0].1},
                        "end": {"line": range[1].0, "character": range[1].1}
                    },
                    "text": text
                }]
            }),
        );
    }

    /// Waits for diagnostics of `path` at `version` (any version with `None`).
    pub fn diagnostics(&mut self, path: &Path, version: Option<i64>) -> Vec<Value> {
        let uri = file_uri(path);
        let message = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && version.is_none_or(|v| m["params"]["version"] == v)
        });
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Says `shutdown` then `exit`; returns the exit status.
    pub fn stop(mut self) -> Option<i32> {
        let _ = self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        None
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The `file:` URI of `path` (absolute), percent-encoded.
pub fn file_uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// The diagnostics of `diagnostics` with rule `code`.
pub fn with_code<'a>(diagnostics: &'a [Value], code: &str) -> Vec<&'a Value> {
    diagnostics.iter().filter(|d| d["code"] == code).collect()
}

/// `((line, character), (line, character))` of a protocol range.
pub fn span(range: &Value) -> ((u64, u64), (u64, u64)) {
    let p = |v: &Value| {
        (
            v["line"].as_u64().unwrap_or(0),
            v["character"].as_u64().unwrap_or(0),
        )
    };
    (p(&range["start"]), p(&range["end"]))
}

/// Applies the text edits `edits` (UTF-16 ranges) to `text`.
pub fn apply_edits(text: &str, edits: &[Value]) -> String {
    let offset = |line: u64, character: u64| -> usize {
        let mut at = 0;
        for (i, l) in text.split_inclusive('\n').enumerate() {
            if i as u64 == line {
                let mut units = 0;
                for (j, c) in l.char_indices() {
                    if units >= character {
                        return at + j;
                    }
                    units += c.len_utf16() as u64;
                }
                return at + l.trim_end_matches(['\n', '\r']).len();
            }
            at += l.len();
        }
        text.len()
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let ((l0, c0), (l1, c1)) = span(&e["range"]);
            (
                offset(l0, c0),
                offset(l1, c1),
                e["newText"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, new) in spans {
        out.replace_range(start..end, &new);
    }
    out
}
