//! `guidelint server`: a language server that checks guides as the writer
//! types (the Language Server Protocol over standard input and output).
//!
//! The top layer of guidelint: it imports the library's stages and nothing
//! imports it but the command line. One thread reads messages and owns the
//! state (open documents, requests in flight); the work runs on threads of its
//! own and reports back through a channel, so the editor stays responsive:
//!
//! - **Index** ([`index`]): on start, every guide of the project's root is
//!   summarized, from the summary cache where it is fresh, with `$/progress`;
//!   guides saved or changed on disk are summarized again.
//! - **Checks** ([`check`]): an open guide's text is checked after each
//!   change, by the engine's per-guide and corpus rules; checks of one guide
//!   are spaced by the debounce delay, a newer text cancels a running check
//!   at its next stage, and only the check of the newest text is published.
//! - **Requests**: code actions ([`actions`]), hover ([`hover`]), anchor
//!   completion, go to definition and heading rename ([`links`]). Each runs on
//!   its own thread; `$/cancelRequest` answers it at once and drops its result;
//!   a failing or panicking request is answered with an error.
//!
//! Positions are converted in [`position`] (the protocol counts UTF-16 code
//! units unless the client offers UTF-8 or UTF-32; guidelint keeps bytes).

// `lsp_types::Uri` hashes and compares by its text; clippy sees the parser's
// cells inside it. The protocol's own types key maps by it.
#![allow(clippy::mutable_key_type)]

pub mod actions;
pub mod check;
pub mod documents;
pub mod hover;
pub mod index;
pub mod links;
pub mod position;
pub mod transport;
pub mod uri;
pub mod workspace;

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, select, unbounded};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response, ResponseError};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions, Diagnostic,
    DiagnosticSeverity, ExecuteCommandOptions, FileChangeType, HoverProviderCapability,
    InitializeParams, InitializeResult, OneOf, ProgressParams, ProgressParamsValue,
    PublishDiagnosticsParams, RenameOptions, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri, WorkDoneProgress, WorkDoneProgressBegin, WorkDoneProgressEnd,
    WorkDoneProgressReport, notification as note, request as req,
};
use serde_json::Value;

use check::{Checked, Snapshot};
use documents::Document;
use index::{CorpusIndex, Touched};
use position::{Encoding, LineIndex};
use transport::log;
use workspace::{Setup, SetupError};

/// The command that rebuilds the index from the files, without the cache.
pub const REINDEX_COMMAND: &str = "guidelint.reindex";

/// What the jobs share.
#[derive(Debug)]
pub struct Shared {
    /// The corpus index, once built.
    pub index: Mutex<Option<CorpusIndex>>,
    /// How positions count characters.
    pub encoding: Encoding,
}

/// What the client said it can do, as far as the server cares.
#[derive(Debug, Clone, Copy, Default)]
pub struct Client {
    /// `window/workDoneProgress/create` is understood.
    pub progress: bool,
    /// File watchers can be registered.
    pub watch_files: bool,
    /// Workspace edits may carry versioned document changes.
    pub document_changes: bool,
    /// Hover contents may be Markdown.
    pub markdown: bool,
    /// `prepareRename` is supported by the client (it asks first).
    pub prepare_rename: bool,
}

/// Settings the client may give in `initializationOptions`.
#[derive(Debug, Clone)]
pub struct Options {
    /// The least time between two checks of one guide (`debounceMs`, 50).
    pub debounce: Duration,
    /// A documentation URL per rule, `{code}` and `{name}` replaced (`ruleDocsUrl`).
    pub rule_docs_url: Option<String>,
    /// Whether the summary cache is read and written (`cache`, true).
    pub cache: bool,
    /// How often the guides are looked at for changes when the client
    /// cannot watch files (`pollSeconds`, 5; 0 turns polling off).
    pub poll: Option<Duration>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            debounce: Duration::from_millis(50),
            rule_docs_url: None,
            cache: true,
            poll: Some(Duration::from_secs(5)),
        }
    }
}

impl Options {
    fn from_json(value: Option<&Value>) -> Options {
        let mut options = Options::default();
        let Some(value) = value else {
            return options;
        };
        if let Some(ms) = value.get("debounceMs").and_then(Value::as_u64) {
            options.debounce = Duration::from_millis(ms.min(10_000));
        }
        if let Some(url) = value.get("ruleDocsUrl").and_then(Value::as_str) {
            options.rule_docs_url = Some(url.to_string());
        }
        if let Some(cache) = value.get("cache").and_then(Value::as_bool) {
            options.cache = cache;
        }
        if let Some(s) = value.get("pollSeconds").and_then(Value::as_u64) {
            options.poll = (s > 0).then(|| Duration::from_secs(s.min(3600)));
        }
        options
    }
}

/// What a job reports to the main loop.
enum Event {
    /// A check ended (`None`: cancelled).
    Checked {
        uri: Uri,
        wanted: u64,
        result: Option<Box<Checked>>,
    },
    /// A request's answer.
    Answer(Response),
    /// The index was built (`Ok(None)`: cancelled).
    Indexed {
        result: Result<Option<CorpusIndex>, String>,
        started: Instant,
    },
    /// Indexing progress.
    Progress { done: usize, total: usize },
    /// Guides of the index changed.
    Updated(Vec<Touched>),
    /// The setup was loaded again.
    Reloaded(Box<Result<Setup, SetupError>>),
}

/// Everything a request's handler may read.
#[derive(Clone)]
pub struct Context {
    /// The shared state.
    pub shared: Arc<Shared>,
    /// The setup in force.
    pub setup: Arc<Setup>,
    /// The client's abilities.
    pub client: Client,
    /// The open documents' texts, by URI (as the editor has them).
    pub open: Arc<HashMap<Uri, Snapshot>>,
}

impl Context {
    /// The open document a request's position is in, its line index and the
    /// position as a byte offset; `None` when the document is not open.
    pub fn at(
        &self,
        at: &lsp_types::TextDocumentPositionParams,
    ) -> Option<(&Snapshot, position::LineIndex, usize)> {
        let doc = self.open.get(&at.text_document.uri)?;
        let lines = position::LineIndex::new(&doc.text, self.shared.encoding);
        let offset = lines.offset(&doc.text, at.position);
        Some((doc, lines, offset))
    }
}

/// A request handler's failure: the error to answer with.
pub type Failure = ResponseError;

/// An error answer with `code` and `message`.
pub fn failure(code: ErrorCode, message: impl Into<String>) -> Failure {
    ResponseError {
        code: code as i32,
        message: message.into(),
        data: None,
    }
}

/// Runs the server on standard input and output until the client says
/// `exit`; returns the exit status (0 after `shutdown`, 1 otherwise).
pub fn run_stdio() -> i32 {
    let (sender, receiver) = transport::stdio();
    serve(sender, receiver)
}

/// Runs the server on a connection's channels (see [`run_stdio`]).
pub fn serve(out: Sender<Message>, input: Receiver<Message>) -> i32 {
    let Some((id, params)) = wait_for_initialize(&out, &input) else {
        return 1;
    };
    let encoding = Encoding::negotiate(
        params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref()),
    );
    let client = client_of(&params);
    let options = Options::from_json(params.initialization_options.as_ref());
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let workspace = workspace_folder(&params);
    let root = workspace::find_root(workspace.as_deref(), &cwd);
    if let Err(e) = std::env::set_current_dir(&root) {
        log(&format!("cannot work in {}: {e}", root.display()));
    }
    let (setup, error) = match Setup::load(&root, options.cache) {
        Ok(setup) => (setup, None),
        Err(e) => match fallback_setup(&root) {
            Some(setup) => (setup, Some(e)),
            None => {
                let _ = out.send(Message::Response(Response::new_err(
                    id,
                    ErrorCode::InternalError as i32,
                    format!("guidelint cannot load its rules: {}", e.message),
                )));
                return 1;
            }
        },
    };
    let mut setup = setup;
    setup.write_docs(options.rule_docs_url.as_deref());
    let result = InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(ServerInfo {
            name: "guidelint".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    if out
        .send(Message::Response(Response::new_ok(id, result)))
        .is_err()
    {
        return 1;
    }
    log(&format!("project root {}", setup.root.display()));
    let (events_tx, events_rx) = unbounded();
    let mut server = Server {
        out,
        shared: Arc::new(Shared {
            index: Mutex::new(None),
            encoding,
        }),
        setup: Arc::new(setup),
        client,
        options,
        docs: HashMap::new(),
        events: events_tx,
        requests: HashMap::new(),
        early_cancels: std::collections::VecDeque::new(),
        next_id: 0,
        progress: HashMap::new(),
        indexing: None,
        pending: Vec::new(),
        updating: false,
        reloading: false,
        reload_again: false,
        setup_error: None,
        shutdown: false,
        next_poll: None,
    };
    server.show_setup_error(error);
    server.start_index(true);
    server.run(&input, &events_rx)
}

/// Waits for `initialize`, answering anything else with an error.
fn wait_for_initialize(
    out: &Sender<Message>,
    input: &Receiver<Message>,
) -> Option<(RequestId, InitializeParams)> {
    loop {
        match input.recv().ok()? {
            Message::Request(r) if r.method == req::Initialize::METHOD => {
                match serde_json::from_value::<InitializeParams>(r.params) {
                    Ok(params) => return Some((r.id, params)),
                    Err(e) => {
                        let _ = out.send(Message::Response(Response::new_err(
                            r.id,
                            ErrorCode::InvalidParams as i32,
                            format!("bad initialize parameters: {e}"),
                        )));
                    }
                }
            }
            Message::Request(r) => {
                let _ = out.send(Message::Response(Response::new_err(
                    r.id,
                    ErrorCode::ServerNotInitialized as i32,
                    "the server is not initialized".into(),
                )));
            }
            Message::Notification(n) if n.method == note::Exit::METHOD => return None,
            _ => {}
        }
    }
}

/// The first workspace folder (or the deprecated root URI) as a path.
fn workspace_folder(params: &InitializeParams) -> Option<PathBuf> {
    if let Some(folder) = params.workspace_folders.as_ref().and_then(|f| f.first()) {
        return uri::to_path(&folder.uri);
    }
    #[allow(deprecated)]
    let root = params.root_uri.as_ref().and_then(uri::to_path);
    root
}

fn client_of(params: &InitializeParams) -> Client {
    let caps = &params.capabilities;
    let text = caps.text_document.as_ref();
    Client {
        progress: caps
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false),
        watch_files: caps
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false),
        document_changes: caps
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.document_changes)
            .unwrap_or(false),
        markdown: text
            .and_then(|t| t.hover.as_ref())
            .and_then(|h| h.content_format.as_ref())
            .is_none_or(|f| f.contains(&lsp_types::MarkupKind::Markdown)),
        prepare_rename: text
            .and_then(|t| t.rename.as_ref())
            .and_then(|r| r.prepare_support)
            .unwrap_or(false),
    }
}

/// The setup without the project's configuration, when it cannot be
/// loaded: the server still checks against the embedded spec and rules.
fn fallback_setup(root: &Path) -> Option<Setup> {
    let dir = std::env::temp_dir().join(format!("guidelint-fallback-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let mut setup = Setup::load(&dir, false).ok()?;
    let _ = std::fs::remove_dir_all(&dir);
    setup.root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    setup.cache_dir = None;
    setup.inputs = crate::config::CONFIG_NAMES
        .iter()
        .map(|n| setup.root.join(n))
        .collect();
    Some(setup)
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::SOURCE_FIX_ALL,
                actions::fix_all_kind(),
            ]),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["#".into()]),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![REINDEX_COMMAND.into()],
            ..ExecuteCommandOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

/// The main loop's state.
struct Server {
    out: Sender<Message>,
    shared: Arc<Shared>,
    setup: Arc<Setup>,
    client: Client,
    options: Options,
    docs: HashMap<Uri, Doc>,
    events: Sender<Event>,
    /// Requests in flight and their cancellation flags.
    requests: HashMap<RequestId, Arc<AtomicBool>>,
    /// Cancellations of requests not seen yet (a client may send the
    /// cancellation first): such a request is answered as cancelled.
    early_cancels: std::collections::VecDeque<RequestId>,
    next_id: u64,
    /// Our `window/workDoneProgress/create` requests: id → token.
    progress: HashMap<RequestId, String>,
    /// The index being built.
    indexing: Option<Indexing>,
    /// Paths to look at again in the index, waiting for the running update.
    pending: Vec<PathBuf>,
    updating: bool,
    reloading: bool,
    reload_again: bool,
    /// The file the last setup error was published on.
    setup_error: Option<Uri>,
    shutdown: bool,
    next_poll: Option<Instant>,
}

/// An open document and its check's generation, shared with its check.
struct Doc {
    doc: Document,
    generation: Arc<AtomicU64>,
}

/// The index build in progress.
struct Indexing {
    cancel: Arc<AtomicBool>,
    token: Option<String>,
    /// The progress token is usable (the client answered its creation).
    ready: bool,
    begun: bool,
    total: usize,
    done: usize,
    /// Set when the index is built before the client answered the token's
    /// creation: the end is reported once it does.
    finished: Option<String>,
}

impl Server {
    fn run(&mut self, input: &Receiver<Message>, events: &Receiver<Event>) -> i32 {
        loop {
            let now = Instant::now();
            let wake = self
                .docs
                .values()
                .filter(|d| d.doc.running.is_none())
                .filter_map(|d| d.doc.due)
                .chain(self.next_poll)
                .min();
            let timeout = wake.map_or(Duration::from_secs(3600), |w| {
                w.saturating_duration_since(now)
            });
            select! {
                recv(input) -> message => match message {
                    Ok(message) => {
                        if let Some(status) = self.on_message(message) {
                            return status;
                        }
                    }
                    // The client is gone.
                    Err(_) => return if self.shutdown { 0 } else { 1 },
                },
                recv(events) -> event => {
                    if let Ok(event) = event {
                        self.on_event(event);
                    }
                },
                default(timeout) => {}
            }
            self.start_due_checks();
            self.maybe_poll();
        }
    }

    fn send(&self, message: impl Into<Message>) {
        let _ = self.out.send(message.into());
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_string(), params));
    }

    /// Sends a request to the client; returns its id.
    fn ask<R: lsp_types::request::Request>(&mut self, params: R::Params) -> RequestId {
        self.next_id += 1;
        let id = RequestId::from(format!("guidelint-{}", self.next_id));
        self.send(Request::new(id.clone(), R::METHOD.to_string(), params));
        id
    }

    fn context(&self) -> Context {
        let open = self
            .docs
            .iter()
            .map(|(uri, d)| (uri.clone(), snapshot(&d.doc)))
            .collect();
        Context {
            shared: Arc::clone(&self.shared),
            setup: Arc::clone(&self.setup),
            client: self.client,
            open: Arc::new(open),
        }
    }

    // --- messages -----------------------------------------------------------

    /// Handles one message; `Some(status)` when the server must stop.
    fn on_message(&mut self, message: Message) -> Option<i32> {
        match message {
            Message::Request(r) => self.on_request(r),
            Message::Notification(n) => return self.on_notification(n),
            Message::Response(r) => self.on_response(r),
        }
        None
    }

    fn on_request(&mut self, r: Request) {
        if self.shutdown {
            self.send(Response::new_err(
                r.id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".into(),
            ));
            return;
        }
        if let Some(at) = self.early_cancels.iter().position(|id| *id == r.id) {
            self.early_cancels.remove(at);
            self.send(Response::new_err(
                r.id,
                ErrorCode::RequestCanceled as i32,
                "cancelled".into(),
            ));
            return;
        }
        let ctx = self.context();
        match r.method.as_str() {
            req::Shutdown::METHOD => {
                self.shutdown = true;
                if let Some(indexing) = &self.indexing {
                    indexing.cancel.store(true, Ordering::Relaxed);
                }
                self.send(Response::new_ok(r.id, ()));
            }
            req::CodeActionRequest::METHOD => {
                let last = self.last_check(&r.params);
                self.spawn_request(r, move |params, cancelled| {
                    actions::code_actions(&ctx, params, last, cancelled)
                });
            }
            req::HoverRequest::METHOD => {
                self.spawn_request(r, move |params, _| hover::hover(&ctx, params));
            }
            req::Completion::METHOD => {
                self.spawn_request(r, move |params, _| links::complete(&ctx, params));
            }
            req::GotoDefinition::METHOD => {
                self.spawn_request(r, move |params, _| links::definition(&ctx, params));
            }
            req::PrepareRenameRequest::METHOD => {
                self.spawn_request(r, move |params, _| links::prepare_rename(&ctx, params));
            }
            req::Rename::METHOD => {
                self.spawn_request(r, move |params, cancelled| {
                    links::rename(&ctx, params, cancelled)
                });
            }
            req::ExecuteCommand::METHOD => {
                let events = self.events.clone();
                let use_cache = false;
                self.spawn_request(
                    r,
                    move |params: lsp_types::ExecuteCommandParams, cancelled| {
                        if params.command != REINDEX_COMMAND {
                            return Err(failure(
                                ErrorCode::InvalidParams,
                                format!("no command `{}`", params.command),
                            ));
                        }
                        let started = Instant::now();
                        let (total, done) = (AtomicUsize::new(0), AtomicUsize::new(0));
                        let result =
                            CorpusIndex::load(&ctx.setup, use_cache, &total, &done, cancelled);
                        match result {
                            Ok(Some(index)) => {
                                let guides = index.len();
                                let _ = events.send(Event::Indexed {
                                    result: Ok(Some(index)),
                                    started,
                                });
                                Ok(serde_json::json!({ "guides": guides }))
                            }
                            Ok(None) => Err(failure(ErrorCode::RequestCanceled, "cancelled")),
                            Err(e) => Err(failure(ErrorCode::RequestFailed, e)),
                        }
                    },
                );
            }
            _ => self.send(Response::new_err(
                r.id,
                ErrorCode::MethodNotFound as i32,
                format!("guidelint does not handle `{}`", r.method),
            )),
        }
    }

    /// Runs `handler` on its own thread with `r`'s parameters; its answer
    /// comes back as an [`Event::Answer`] unless the request is cancelled.
    fn spawn_request<P, R, F>(&mut self, r: Request, handler: F)
    where
        P: serde::de::DeserializeOwned + Send + 'static,
        R: serde::Serialize,
        F: FnOnce(P, &(dyn Fn() -> bool + Sync)) -> Result<R, Failure> + Send + 'static,
    {
        let id = r.id;
        let params: P = match serde_json::from_value(r.params) {
            Ok(params) => params,
            Err(e) => {
                self.send(Response::new_err(
                    id,
                    ErrorCode::InvalidParams as i32,
                    format!("bad parameters for `{}`: {e}", r.method),
                ));
                return;
            }
        };
        let cancel = Arc::new(AtomicBool::new(false));
        self.requests.insert(id.clone(), Arc::clone(&cancel));
        let events = self.events.clone();
        let method = r.method;
        let spawned = std::thread::Builder::new()
            .name(format!("guidelint {method}"))
            .spawn(move || {
                let cancelled = || cancel.load(Ordering::Relaxed);
                let outcome = catch_unwind(AssertUnwindSafe(|| handler(params, &cancelled)));
                let response = match outcome {
                    Ok(Ok(value)) => match serde_json::to_value(value) {
                        Ok(value) => Response {
                            id,
                            response_result: Ok(value),
                        },
                        Err(e) => Response::new_err(
                            id,
                            ErrorCode::InternalError as i32,
                            format!("cannot encode the answer: {e}"),
                        ),
                    },
                    Ok(Err(error)) => Response {
                        id,
                        response_result: Err(error),
                    },
                    Err(panic) => {
                        let what = panic
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| panic.downcast_ref::<String>().cloned())
                            .unwrap_or_default();
                        log(&format!("`{method}` failed: {what}"));
                        Response::new_err(
                            id,
                            ErrorCode::InternalError as i32,
                            format!("guidelint failed on `{method}`: {what}"),
                        )
                    }
                };
                let _ = events.send(Event::Answer(response));
            });
        if let Err(e) = spawned {
            log(&format!("cannot start a thread: {e}"));
        }
    }

    /// The last check of the document a code action request is about.
    fn last_check(&self, params: &Value) -> Option<Arc<Checked>> {
        let uri: Uri =
            serde_json::from_value(params.get("textDocument")?.get("uri")?.clone()).ok()?;
        self.docs.get(&uri)?.doc.current().cloned()
    }

    fn on_notification(&mut self, n: Notification) -> Option<i32> {
        match n.method.as_str() {
            note::Exit::METHOD => return Some(if self.shutdown { 0 } else { 1 }),
            note::Initialized::METHOD => self.watch_files(),
            note::Cancel::METHOD => {
                let params = serde_json::from_value::<lsp_types::CancelParams>(n.params);
                if let Err(e) = &params {
                    log(&format!("bad $/cancelRequest: {e}"));
                }
                if let Ok(params) = params {
                    let id = match params.id {
                        lsp_types::NumberOrString::Number(n) => RequestId::from(n),
                        lsp_types::NumberOrString::String(s) => RequestId::from(s),
                    };
                    if let Some(flag) = self.requests.remove(&id) {
                        flag.store(true, Ordering::Relaxed);
                        self.send(Response::new_err(
                            id,
                            ErrorCode::RequestCanceled as i32,
                            "cancelled".into(),
                        ));
                    } else {
                        if self.early_cancels.len() >= 32 {
                            self.early_cancels.pop_front();
                        }
                        self.early_cancels.push_back(id);
                    }
                }
            }
            note::DidOpenTextDocument::METHOD => {
                match serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params) {
                    Ok(p) => self.open(p),
                    Err(e) => log(&format!("bad didOpen: {e}")),
                }
            }
            note::DidChangeTextDocument::METHOD => {
                match serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params) {
                    Ok(p) => self.change(p),
                    Err(e) => log(&format!("bad didChange: {e}")),
                }
            }
            note::DidSaveTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(n.params)
                    && let Some(path) = uri::to_path(&p.text_document.uri)
                {
                    self.files_changed(vec![path]);
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params)
                    && self.docs.remove(&p.text_document.uri).is_some()
                    && self.setup_error.as_ref() != Some(&p.text_document.uri)
                {
                    self.publish(p.text_document.uri, Vec::new(), None);
                }
            }
            note::DidChangeWatchedFiles::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeWatchedFilesParams>(n.params)
                {
                    let paths = p
                        .changes
                        .iter()
                        .filter(|c| {
                            matches!(
                                c.typ,
                                FileChangeType::CREATED
                                    | FileChangeType::CHANGED
                                    | FileChangeType::DELETED
                            )
                        })
                        .filter_map(|c| uri::to_path(&c.uri))
                        .collect();
                    self.files_changed(paths);
                }
            }
            _ => {}
        }
        None
    }

    fn on_response(&mut self, r: Response) {
        if let Some(token) = self.progress.remove(&r.id)
            && let Some(indexing) = &mut self.indexing
            && indexing.token.as_deref() == Some(token.as_str())
        {
            indexing.ready = r.response_result.is_ok();
            if let Some(message) = indexing.finished.clone() {
                if let Some(indexing) = self.indexing.take() {
                    self.end_progress(&indexing, &message);
                }
            } else {
                self.report_progress();
            }
        }
    }

    // --- documents ------------------------------------------------------------

    fn open(&mut self, p: lsp_types::DidOpenTextDocumentParams) {
        let item = p.text_document;
        let path = uri::to_path(&item.uri);
        let document = Document::new(item.uri.clone(), path, item.text, item.version);
        self.docs.insert(
            item.uri.clone(),
            Doc {
                doc: document,
                generation: Arc::new(AtomicU64::new(0)),
            },
        );
        self.schedule(&item.uri);
    }

    fn change(&mut self, p: lsp_types::DidChangeTextDocumentParams) {
        let encoding = self.shared.encoding;
        let uri = p.text_document.uri;
        let Some(d) = self.docs.get_mut(&uri) else {
            log(&format!("a change of {} which is not open", uri.as_str()));
            return;
        };
        d.doc.apply(p.content_changes, encoding);
        d.doc.version = p.text_document.version;
        self.schedule(&uri);
    }

    /// Asks for a new check of `uri`: at once, or once the debounce delay
    /// since its last check has passed.
    fn schedule(&mut self, uri: &Uri) {
        let debounce = self.options.debounce;
        let Some(d) = self.docs.get_mut(uri) else {
            return;
        };
        d.doc.wanted += 1;
        d.generation.store(d.doc.wanted, Ordering::Relaxed);
        let now = Instant::now();
        let earliest = d.doc.started.map_or(now, |s| s + debounce);
        d.doc.due = Some(earliest.max(now));
    }

    /// True for the documents guidelint checks: guides by their name, and
    /// unsaved buffers.
    fn is_checked(&self, doc: &Document) -> bool {
        match &doc.path {
            Some(path) => {
                crate::discover::is_guide_name(path)
                    && self
                        .setup
                        .engine
                        .config
                        .includes(Some(&self.setup.root), path)
            }
            None => true,
        }
    }

    fn start_due_checks(&mut self) {
        let now = Instant::now();
        let due: Vec<Uri> = self
            .docs
            .iter()
            .filter(|(_, d)| d.doc.running.is_none() && d.doc.due.is_some_and(|t| t <= now))
            .map(|(uri, _)| uri.clone())
            .collect();
        for uri in due {
            self.start_check(&uri);
        }
    }

    fn start_check(&mut self, uri: &Uri) {
        let checked = match self.docs.get(uri) {
            Some(d) => self.is_checked(&d.doc),
            None => return,
        };
        let Some(d) = self.docs.get_mut(uri) else {
            return;
        };
        d.doc.due = None;
        if !checked {
            return;
        }
        let wanted = d.doc.wanted;
        d.doc.running = Some(wanted);
        d.doc.started = Some(Instant::now());
        let snap = snapshot(&d.doc);
        let generation = Arc::clone(&d.generation);
        let shared = Arc::clone(&self.shared);
        let setup = Arc::clone(&self.setup);
        let events = self.events.clone();
        let key = uri.clone();
        let uri = uri.clone();
        let spawned = std::thread::Builder::new()
            .name("guidelint check".into())
            .spawn(move || {
                let cancelled = || generation.load(Ordering::Relaxed) != wanted;
                let result = catch_unwind(AssertUnwindSafe(|| {
                    check::run(&shared, &setup, &snap, &cancelled)
                }))
                .unwrap_or_else(|_| {
                    log(&format!("the check of {} failed", snap.uri.as_str()));
                    None
                });
                let _ = events.send(Event::Checked {
                    uri,
                    wanted,
                    result: result.map(Box::new),
                });
            });
        if let Err(e) = spawned {
            log(&format!("cannot start a thread: {e}"));
            if let Some(d) = self.docs.get_mut(&key) {
                d.doc.running = None;
            }
        }
    }

    fn publish(&self, uri: Uri, diagnostics: Vec<Diagnostic>, version: Option<i32>) {
        self.notify::<note::PublishDiagnostics>(PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        });
    }

    /// Checks again the open guides: all of them, or those whose last
    /// check read one of the `touched` guides.
    fn recheck(&mut self, touched: Option<&[Touched]>) {
        let uris: Vec<Uri> = self
            .docs
            .iter()
            .filter(|(_, d)| match (touched, &d.doc.last) {
                (None, _) => true,
                (Some(touched), Some(last)) => match &last.keys {
                    Some(keys) => touched.iter().any(|t| keys.touched_by(t)),
                    None => true,
                },
                (Some(_), None) => true,
            })
            .map(|(uri, _)| uri.clone())
            .collect();
        for uri in uris {
            self.schedule(&uri);
        }
    }

    // --- events ---------------------------------------------------------------

    fn on_event(&mut self, event: Event) {
        match event {
            Event::Checked {
                uri,
                wanted,
                result,
            } => {
                let Some(d) = self.docs.get_mut(&uri) else {
                    return;
                };
                if d.doc.running == Some(wanted) {
                    d.doc.running = None;
                }
                // Only the check of the newest text (and index) is published.
                if let Some(result) = result
                    && wanted == d.doc.wanted
                {
                    let mut result = *result;
                    let message = result.message.take();
                    d.doc.last = Some(Arc::new(result));
                    if let Some(message) = message {
                        self.send(message);
                    }
                }
            }
            Event::Answer(response) => {
                if self.requests.remove(&response.id).is_some() {
                    self.send(response);
                }
            }
            Event::Indexed { result, started } => self.indexed(result, started),
            Event::Progress { done, total } => {
                if let Some(indexing) = &mut self.indexing {
                    indexing.done = done;
                    indexing.total = total;
                }
                self.report_progress();
            }
            Event::Updated(touched) => {
                self.updating = false;
                if touched.len() > 64 {
                    self.recheck(None);
                } else if !touched.is_empty() {
                    self.recheck(Some(&touched));
                }
                if !self.pending.is_empty() {
                    let paths = std::mem::take(&mut self.pending);
                    self.update_index(paths);
                }
            }
            Event::Reloaded(result) => self.reloaded(*result),
        }
    }

    // --- the index --------------------------------------------------------------

    /// Starts building the index (reading the cache when `use_cache`), with progress.
    fn start_index(&mut self, use_cache: bool) {
        if let Some(old) = self.indexing.take() {
            old.cancel.store(true, Ordering::Relaxed);
            self.end_progress(&old, "cancelled");
        }
        let cancel = Arc::new(AtomicBool::new(false));
        let token = self
            .client
            .progress
            .then(|| format!("guidelint-index-{}", self.next_id + 1));
        if let Some(token) = &token {
            let id =
                self.ask::<req::WorkDoneProgressCreate>(lsp_types::WorkDoneProgressCreateParams {
                    token: lsp_types::NumberOrString::String(token.clone()),
                });
            self.progress.insert(id, token.clone());
        }
        self.indexing = Some(Indexing {
            cancel: Arc::clone(&cancel),
            token,
            ready: false,
            begun: false,
            total: 0,
            done: 0,
            finished: None,
        });
        let setup = Arc::clone(&self.setup);
        let events = self.events.clone();
        let use_cache = use_cache && self.options.cache;
        let spawned = std::thread::Builder::new()
            .name("guidelint index".into())
            .spawn(move || {
                let started = Instant::now();
                let total = Arc::new(AtomicUsize::new(0));
                let done = Arc::new(AtomicUsize::new(0));
                let finished = Arc::new(AtomicBool::new(false));
                // Reports progress every 200 ms until the index is built.
                {
                    let (total, done, finished, events) = (
                        Arc::clone(&total),
                        Arc::clone(&done),
                        Arc::clone(&finished),
                        events.clone(),
                    );
                    let _ = std::thread::Builder::new()
                        .name("guidelint progress".into())
                        .spawn(move || {
                            while !finished.load(Ordering::Relaxed) {
                                std::thread::sleep(Duration::from_millis(200));
                                let _ = events.send(Event::Progress {
                                    done: done.load(Ordering::Relaxed),
                                    total: total.load(Ordering::Relaxed),
                                });
                            }
                        });
                }
                let result = catch_unwind(AssertUnwindSafe(|| {
                    CorpusIndex::load(&setup, use_cache, &total, &done, &|| {
                        cancel.load(Ordering::Relaxed)
                    })
                }))
                .unwrap_or_else(|_| Err("indexing failed".into()));
                finished.store(true, Ordering::Relaxed);
                let _ = events.send(Event::Indexed { result, started });
            });
        if let Err(e) = spawned {
            log(&format!("cannot start a thread: {e}"));
        }
    }

    fn indexed(&mut self, result: Result<Option<CorpusIndex>, String>, started: Instant) {
        match result {
            Ok(Some(index)) => {
                if index.fingerprint != self.setup.fingerprint {
                    // Built with a setup since replaced: a newer build runs.
                    return;
                }
                let guides = index.len();
                *self.shared.index.lock().unwrap_or_else(|p| p.into_inner()) = Some(index);
                self.finish_progress(format!("{} guides indexed", thousands(guides)));
                log(&format!(
                    "indexed {} guides in {:.2} s",
                    thousands(guides),
                    started.elapsed().as_secs_f64()
                ));
                self.recheck(None);
                if !self.client.watch_files {
                    self.next_poll = self.options.poll.map(|p| Instant::now() + p);
                }
            }
            Ok(None) => {}
            Err(e) => {
                log(&format!("cannot index the guides: {e}"));
                self.finish_progress("failed".into());
                self.notify::<note::ShowMessage>(lsp_types::ShowMessageParams {
                    typ: lsp_types::MessageType::ERROR,
                    message: format!("guidelint cannot index the guides: {e}"),
                });
            }
        }
    }

    /// Ends the indexing's progress now, or once the client has answered
    /// the token's creation.
    fn finish_progress(&mut self, message: String) {
        let Some(indexing) = &mut self.indexing else {
            return;
        };
        indexing.total = indexing.total.max(indexing.done);
        if indexing.token.is_some() && !indexing.ready {
            indexing.finished = Some(message);
            return;
        }
        if let Some(indexing) = self.indexing.take() {
            self.end_progress(&indexing, &message);
        }
    }

    fn report_progress(&mut self) {
        let Some(indexing) = &mut self.indexing else {
            return;
        };
        let Some(token) = indexing.token.clone().filter(|_| indexing.ready) else {
            return;
        };
        let message = format!("Indexing {} guides", thousands(indexing.total));
        let percentage = (indexing.total > 0)
            .then(|| u32::try_from(indexing.done * 100 / indexing.total.max(1)).unwrap_or(100));
        let value = if indexing.begun {
            WorkDoneProgress::Report(WorkDoneProgressReport {
                cancellable: Some(false),
                message: Some(message),
                percentage,
            })
        } else {
            indexing.begun = true;
            WorkDoneProgress::Begin(WorkDoneProgressBegin {
                title: "guidelint".into(),
                cancellable: Some(false),
                message: Some(message),
                percentage: Some(percentage.unwrap_or(0)),
            })
        };
        self.notify::<note::Progress>(ProgressParams {
            token: lsp_types::NumberOrString::String(token),
            value: ProgressParamsValue::WorkDone(value),
        });
    }

    fn end_progress(&self, indexing: &Indexing, message: &str) {
        if let Some(token) = indexing.token.clone().filter(|_| indexing.ready) {
            if !indexing.begun {
                self.notify::<note::Progress>(ProgressParams {
                    token: lsp_types::NumberOrString::String(token.clone()),
                    value: ProgressParamsValue::WorkDone(WorkDoneProgress::Begin(
                        WorkDoneProgressBegin {
                            title: "guidelint".into(),
                            message: Some(format!("Indexing {} guides", thousands(indexing.total))),
                            ..WorkDoneProgressBegin::default()
                        },
                    )),
                });
            }
            self.notify::<note::Progress>(ProgressParams {
                token: lsp_types::NumberOrString::String(token),
                value: ProgressParamsValue::WorkDone(WorkDoneProgress::End(WorkDoneProgressEnd {
                    message: Some(message.to_string()),
                })),
            });
        }
    }

    /// Files that may have changed on disk: the setup's files reload it,
    /// guides update the index.
    fn files_changed(&mut self, paths: Vec<PathBuf>) {
        let (inputs, guides): (Vec<PathBuf>, Vec<PathBuf>) = paths
            .into_iter()
            .map(|p| crate::corpus::paths::normalize(&p))
            .partition(|p| self.setup.is_input(p));
        if !inputs.is_empty() {
            self.reload();
        }
        if !guides.is_empty() {
            self.update_index(guides);
        }
    }

    fn update_index(&mut self, paths: Vec<PathBuf>) {
        if self.updating {
            self.pending.extend(paths);
            return;
        }
        self.updating = true;
        let shared = Arc::clone(&self.shared);
        let setup = Arc::clone(&self.setup);
        let events = self.events.clone();
        let spawned = std::thread::Builder::new()
            .name("guidelint update".into())
            .spawn(move || {
                let touched = catch_unwind(AssertUnwindSafe(|| {
                    update(&shared, &setup, Which::Paths(paths))
                }))
                .unwrap_or_default();
                let _ = events.send(Event::Updated(touched));
            });
        if spawned.is_err() {
            self.updating = false;
        }
    }

    /// Without file watchers, walks the root now and then for changed guides.
    fn maybe_poll(&mut self) {
        let Some(at) = self.next_poll else {
            return;
        };
        if Instant::now() < at
            || self.updating
            || self.indexing.as_ref().is_some_and(|i| i.finished.is_none())
        {
            return;
        }
        self.next_poll = self.options.poll.map(|p| Instant::now() + p);
        self.updating = true;
        let shared = Arc::clone(&self.shared);
        let setup = Arc::clone(&self.setup);
        let events = self.events.clone();
        let spawned = std::thread::Builder::new()
            .name("guidelint poll".into())
            .spawn(move || {
                let touched =
                    catch_unwind(AssertUnwindSafe(|| update(&shared, &setup, Which::All)))
                        .unwrap_or_default();
                let _ = events.send(Event::Updated(touched));
            });
        if spawned.is_err() {
            self.updating = false;
        }
    }

    /// Registers file watchers for guides and the setup's files.
    fn watch_files(&mut self) {
        if !self.client.watch_files {
            return;
        }
        let watchers: Vec<lsp_types::FileSystemWatcher> =
            ["**/*.{md,markdown,txt}", "**/*.{yaml,yml,xml}"]
                .iter()
                .map(|g| lsp_types::FileSystemWatcher {
                    glob_pattern: lsp_types::GlobPattern::String(g.to_string()),
                    kind: None,
                })
                .collect();
        let options = lsp_types::DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = lsp_types::Registration {
            id: "guidelint-watch".into(),
            method: note::DidChangeWatchedFiles::METHOD.into(),
            register_options: serde_json::to_value(options).ok(),
        };
        self.ask::<req::RegisterCapability>(lsp_types::RegistrationParams {
            registrations: vec![registration],
        });
    }

    // --- the setup ----------------------------------------------------------------

    fn reload(&mut self) {
        if self.reloading {
            self.reload_again = true;
            return;
        }
        self.reloading = true;
        let root = self.setup.root.clone();
        let cache = self.options.cache;
        let template = self.options.rule_docs_url.clone();
        let events = self.events.clone();
        let spawned = std::thread::Builder::new()
            .name("guidelint reload".into())
            .spawn(move || {
                let result = catch_unwind(AssertUnwindSafe(|| {
                    Setup::load(&root, cache).map(|mut setup| {
                        setup.write_docs(template.as_deref());
                        setup
                    })
                }))
                .unwrap_or_else(|_| {
                    Err(SetupError {
                        file: None,
                        offset: None,
                        message: "loading the configuration failed".into(),
                    })
                });
                let _ = events.send(Event::Reloaded(Box::new(result)));
            });
        if spawned.is_err() {
            self.reloading = false;
        }
    }

    fn reloaded(&mut self, result: Result<Setup, SetupError>) {
        self.reloading = false;
        match result {
            Ok(setup) => {
                self.show_setup_error(None);
                let changed = setup.fingerprint != self.setup.fingerprint;
                self.setup = Arc::new(setup);
                log("configuration loaded again");
                if changed {
                    self.start_index(true);
                }
                self.recheck(None);
            }
            Err(e) => self.show_setup_error(Some(e)),
        }
        if std::mem::take(&mut self.reload_again) {
            self.reload();
        }
    }

    /// Shows why the setup cannot be loaded, on the file at fault (or clears it).
    fn show_setup_error(&mut self, error: Option<SetupError>) {
        if let Some(uri) = self.setup_error.take() {
            self.publish(uri, Vec::new(), None);
        }
        let Some(e) = error else {
            return;
        };
        log(&format!("cannot load the configuration: {}", e.message));
        self.notify::<note::ShowMessage>(lsp_types::ShowMessageParams {
            typ: lsp_types::MessageType::ERROR,
            message: format!(
                "guidelint: {}{}",
                e.file
                    .as_ref()
                    .map(|f| format!("{}: ", f.display()))
                    .unwrap_or_default(),
                e.message
            ),
        });
        let Some(path) = &e.file else {
            return;
        };
        let Some(file_uri) = uri::from_path(path) else {
            return;
        };
        let open = self
            .docs
            .values()
            .find(|d| d.doc.path.as_deref() == Some(path.as_path()))
            .map(|d| (d.doc.uri.clone(), d.doc.text.as_str().to_string()));
        let (target, text) = match open {
            Some((uri, text)) => (uri, text),
            None => (file_uri, std::fs::read_to_string(path).unwrap_or_default()),
        };
        let lines = LineIndex::new(&text, self.shared.encoding);
        let at = e.offset.unwrap_or(0).min(text.len());
        let end = text[at..]
            .find(['\n', '\r'])
            .map_or(text.len(), |i| at + i)
            .max(at);
        let diagnostic = Diagnostic {
            range: lines.range(&text, &(at..end)),
            severity: Some(DiagnosticSeverity::ERROR),
            source: Some("guidelint".into()),
            message: e.message.clone(),
            ..Diagnostic::default()
        };
        self.publish(target.clone(), vec![diagnostic], None);
        self.setup_error = Some(target);
    }
}

/// Which guides an index update looks at.
enum Which {
    /// These files (absolute).
    Paths(Vec<PathBuf>),
    /// Every guide of the root (a new walk).
    All,
}

/// Brings the index up to date with the files; returns the guides that changed.
fn update(shared: &Shared, setup: &Setup, which: Which) -> Vec<Touched> {
    let plan = {
        let guard = shared.index.lock().unwrap_or_else(|p| p.into_inner());
        let Some(index) = guard
            .as_ref()
            .filter(|i| i.fingerprint == setup.fingerprint)
        else {
            return Vec::new();
        };
        match which {
            Which::Paths(paths) => index.plan(setup, &paths),
            Which::All => {
                drop(guard);
                let listings = setup.cache_dir.as_deref();
                let Ok(mut files) = crate::discover::discover_cached(&[".".to_string()], listings)
                else {
                    return Vec::new();
                };
                files.retain(|f| setup.engine.config.includes(Some(&setup.root), &f.path));
                let guard = shared.index.lock().unwrap_or_else(|p| p.into_inner());
                let Some(index) = guard.as_ref() else {
                    return Vec::new();
                };
                index.plan_rescan(files)
            }
        }
    };
    if plan.is_empty() {
        return Vec::new();
    }
    let files: Vec<crate::discover::GuideFile> = plan.read.iter().map(|(f, _)| f.clone()).collect();
    let summaries = setup.engine.summarize(&files);
    let mut guard = shared.index.lock().unwrap_or_else(|p| p.into_inner());
    match guard
        .as_mut()
        .filter(|i| i.fingerprint == setup.fingerprint)
    {
        Some(index) => index.apply(plan, summaries),
        None => Vec::new(),
    }
}

fn snapshot(doc: &Document) -> Snapshot {
    Snapshot {
        uri: doc.uri.clone(),
        path: doc.path.clone(),
        text: Arc::clone(&doc.text),
        version: doc.version,
    }
}

/// `12345` as `12,345`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(12_345), "12,345");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn options_from_the_client() {
        let o = Options::from_json(Some(&serde_json::json!({
            "debounceMs": 10, "cache": false, "pollSeconds": 0, "ruleDocsUrl": "https://x/{code}"
        })));
        assert_eq!(o.debounce, Duration::from_millis(10));
        assert!(!o.cache);
        assert!(o.poll.is_none());
        assert_eq!(o.rule_docs_url.as_deref(), Some("https://x/{code}"));
        let d = Options::from_json(Some(&serde_json::json!("nonsense")));
        assert_eq!(d.debounce, Duration::from_millis(50));
    }
}
