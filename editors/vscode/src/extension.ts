// The guidelint extension: starts `guidelint server` (the Language Server
// Protocol over stdio) for Markdown and plain-text guides. Everything else —
// diagnostics, quick fixes, hover, anchor completion, go to definition,
// heading rename — is the server's.

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

function makeClient(): LanguageClient {
  const config = vscode.workspace.getConfiguration("guidelint");
  const command = config.get<string>("path") || "guidelint";
  const serverOptions: ServerOptions = {
    command,
    args: ["server"],
    transport: TransportKind.stdio,
  };
  const docsUrl = config.get<string>("ruleDocsUrl");
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "markdown" },
      { scheme: "file", language: "plaintext" },
      { scheme: "untitled", language: "markdown" },
    ],
    initializationOptions: {
      debounceMs: config.get<number>("debounceMs"),
      ...(docsUrl ? { ruleDocsUrl: docsUrl } : {}),
    },
  };
  return new LanguageClient("guidelint", "guidelint", serverOptions, clientOptions);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  client = makeClient();
  // `guidelint.reindex` is the server's command: the client registers it.
  context.subscriptions.push(
    vscode.commands.registerCommand("guidelint.restart", async () => {
      await client?.stop();
      client = makeClient();
      await client.start();
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
