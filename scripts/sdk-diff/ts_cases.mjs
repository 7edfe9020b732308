// The TypeScript SDK's cases: `node ts_cases.mjs CTX.json` runs the case CTX names with the
// @openai/codex-sdk build CTX points at, against the binary CTX names, and prints what the
// SDK showed its caller as one JSON line (run.py masks and compares it).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const ctx = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const { Codex } = await import(ctx.ts_sdk);

const SCHEMA = {
  type: "object",
  properties: { answer: { type: "string" }, count: { type: "integer" } },
  required: ["answer", "count"],
  additionalProperties: false,
};

function errInfo(e) {
  return { name: e?.name ?? null, message: String(e?.message ?? e) };
}

// run(): the buffered result, or what it threw.
async function buffered(thread, input, turnOptions) {
  try {
    return { result: await thread.run(input, turnOptions) };
  } catch (e) {
    return { thrown: errInfo(e) };
  }
}

// runStreamed(): every event, and what the iteration threw.
async function streamed(thread, input, turnOptions, onEvent) {
  const events = [];
  try {
    const { events: gen } = await thread.runStreamed(input, turnOptions);
    for await (const event of gen) {
      events.push(event);
      if (onEvent) onEvent(event);
    }
    return { events };
  } catch (e) {
    return { events, thrown: errInfo(e) };
  }
}

function read(rel) {
  const p = path.join(ctx.ws, rel);
  return fs.existsSync(p) ? fs.readFileSync(p, "utf8") : null;
}

const codex = new Codex({ codexPathOverride: ctx.bin });
const here = { workingDirectory: ctx.ws, skipGitRepoCheck: true };

const cases = {
  async ts_run() {
    const thread = codex.startThread(here);
    const idBefore = thread.id;
    const out = await buffered(thread, "Say hello");
    return { idBefore, idAfter: thread.id, ...out };
  },
  async ts_run_streamed() {
    const thread = codex.startThread(here);
    const out = await streamed(thread, "Say hello");
    return { ...out, idMatchesStartedEvent: thread.id === out.events[0]?.thread_id };
  },
  async ts_exec_command() {
    return streamed(codex.startThread(here), "Run echo hi");
  },
  async ts_command_failed() {
    return streamed(codex.startThread(here), "Run a failing command");
  },
  async ts_apply_patch() {
    const out = await streamed(codex.startThread({ ...here, sandboxMode: "workspace-write" }), "Patch it");
    return { ...out, files: { "notes/hello.txt": read("notes/hello.txt"), "README.md": read("README.md") } };
  },
  async ts_apply_patch_read_only() {
    const out = await streamed(codex.startThread({ ...here, sandboxMode: "read-only" }), "Patch it");
    return { ...out, files: { "notes/hello.txt": read("notes/hello.txt"), "README.md": read("README.md") } };
  },
  async ts_reasoning() {
    return streamed(codex.startThread(here), "Think first");
  },
  async ts_todo_list() {
    return streamed(codex.startThread(here), "Make a plan");
  },
  async ts_http_500() {
    const run = await buffered(codex.startThread(here), "Fail please");
    const stream = await streamed(codex.startThread(here), "Fail again");
    return { run, stream };
  },
  async ts_response_failed() {
    const run = await buffered(codex.startThread(here), "Fail please");
    const stream = await streamed(codex.startThread(here), "Fail again");
    return { run, stream };
  },
  async ts_context_window() {
    return streamed(codex.startThread(here), "Too long");
  },
  async ts_incomplete() {
    const run = await buffered(codex.startThread(here), "Stop early");
    const stream = await streamed(codex.startThread(here), "Stop early again");
    return { run, stream };
  },
  async ts_resume() {
    const thread = codex.startThread(here);
    const first = await buffered(thread, "first prompt");
    const id = thread.id;
    const second = await streamed(thread, "second prompt");
    const other = new Codex({ codexPathOverride: ctx.bin });
    const resumed = other.resumeThread(id, here);
    const idBeforeRun = resumed.id === id;
    const third = await buffered(resumed, "third prompt");
    return { first, second, third, idBeforeRun, sameId: resumed.id === id };
  },
  async ts_options() {
    const thread = codex.startThread({
      ...here,
      model: "gpt-5.4-mini",
      sandboxMode: "workspace-write",
      modelReasoningEffort: "high",
      networkAccessEnabled: true,
      webSearchMode: "cached",
      approvalPolicy: "on-request",
      additionalDirectories: [ctx.extra],
    });
    return streamed(thread, "Show the options");
  },
  async ts_web_search() {
    return streamed(codex.startThread({ ...here, webSearchEnabled: true }), "Search the web");
  },
  async ts_output_schema() {
    const out = await buffered(codex.startThread(here), "Answer in JSON", { outputSchema: SCHEMA });
    let parsed = null;
    try {
      parsed = JSON.parse(out.result?.finalResponse ?? "");
    } catch {}
    return { ...out, parsed };
  },
  async ts_image() {
    return buffered(codex.startThread(here), [
      { type: "text", text: "Describe the image" },
      { type: "text", text: "in one line" },
      { type: "local_image", path: ctx.image },
    ]);
  },
  async ts_base_url_api_key() {
    const c = new Codex({ codexPathOverride: ctx.bin, baseUrl: ctx.base_url, apiKey: "sk-sdk-key" });
    return buffered(c.startThread(here), "Use the base URL");
  },
  async ts_config_env() {
    const c = new Codex({
      codexPathOverride: ctx.bin,
      config: {
        model_provider: "sdkmock",
        model_reasoning_summary: "detailed",
        model_providers: {
          sdkmock: {
            name: "sdkmock",
            base_url: ctx.base_url,
            wire_api: "responses",
            env_key: "SDK_ENV_KEY",
            request_max_retries: 0,
            stream_max_retries: 0,
          },
        },
      },
      env: { ...ctx.env, SDK_ENV_KEY: "sk-from-env" },
    });
    return buffered(c.startThread(here), "Use the config");
  },
  async ts_abort() {
    const controller = new AbortController();
    const out = await streamed(codex.startThread(here), "Wait for me", { signal: controller.signal }, (event) => {
      if (event.type === "turn.started") setTimeout(() => controller.abort(), 1000);
    });
    return out;
  },
  async ts_git_check() {
    const outside = await buffered(codex.startThread({ workingDirectory: ctx.ws }), "Outside a repository");
    const repo = path.join(ctx.ws, "repo");
    fs.mkdirSync(repo);
    spawnSync("git", ["init", "-q", repo]);
    const inside = await buffered(codex.startThread({ workingDirectory: repo }), "Inside a repository");
    return { outside, inside };
  },
  async ts_sandbox_denied() {
    const out = await streamed(codex.startThread({ ...here, sandboxMode: "read-only" }), "Write a file");
    return { ...out, created: fs.existsSync(path.join(ctx.ws, "created.txt")) };
  },
};

const fn = cases[ctx.case];
if (!fn) {
  console.error(`unknown case ${ctx.case}`);
  process.exit(2);
}
const result = await fn();
process.stdout.write(JSON.stringify(result) + "\n");
