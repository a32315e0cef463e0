/**
 * curl as users type it when testing a Service: the request goes through
 * the simulated network from wherever curl runs, and the output follows
 * curl's own rules — body on stdout, `curl: (N) ...` on stderr unless -s
 * (and -S brings it back), -i/-v/-w/-o/-f, and curl's exit codes
 * (6 resolve, 7 connect, 28 timeout, 22 with -f, 2 for bad usage).
 */
import { STATUS_CODES } from "node:http";
import type { HttpResponse } from "../http";
import { ok, type Tool, type ToolContext, type ToolResult } from "./tool";

interface CurlOptions {
  silent: boolean;
  showError: boolean;
  verbose: boolean;
  include: boolean;
  head: boolean;
  fail: boolean;
  headers: string[];
  output: string | undefined;
  writeOut: string | undefined;
  connectTimeout: number | undefined;
  maxTime: number | undefined;
  method: string | undefined;
  data: string | undefined;
  urls: string[];
}

class CurlUsageError extends Error {}

const BOOL_SHORT: Record<string, keyof CurlOptions> = {
  s: "silent",
  S: "showError",
  v: "verbose",
  i: "include",
  I: "head",
  f: "fail",
};
/** Accepted and without effect here: -q (no .curlrc), -L, -k, -N, -4. */
const IGNORED_SHORT = new Set(["q", "L", "k", "N", "4", "#"]);
const VALUE_SHORT: Record<string, string> = { H: "header", o: "output", w: "write-out", m: "max-time", X: "request", d: "data" };
const BOOL_LONG: Record<string, keyof CurlOptions | null> = {
  silent: "silent",
  "show-error": "showError",
  verbose: "verbose",
  include: "include",
  head: "head",
  fail: "fail",
  disable: null,
  location: null,
  insecure: null,
  "no-buffer": null,
  ipv4: null,
  "no-keepalive": null,
  "progress-bar": null,
};
const VALUE_LONG = new Set(["header", "output", "write-out", "max-time", "request", "data", "connect-timeout", "data-raw", "user-agent", "url"]);

function seconds(name: string, v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n < 0) throw new CurlUsageError(`curl: option --${name}: expected a proper numerical parameter`);
  return n;
}

function setValue(o: CurlOptions, name: string, v: string): void {
  switch (name) {
    case "header":
      o.headers.push(v);
      return;
    case "user-agent":
      o.headers.push(`User-Agent: ${v}`);
      return;
    case "output":
      o.output = v;
      return;
    case "write-out":
      o.writeOut = v;
      return;
    case "max-time":
      o.maxTime = seconds(name, v);
      return;
    case "connect-timeout":
      o.connectTimeout = seconds(name, v);
      return;
    case "request":
      o.method = v;
      return;
    case "url":
      o.urls.push(v);
      return;
    default:
      o.data = o.data === undefined ? v : `${o.data}&${v}`;
  }
}

export function parseCurlArgs(args: readonly string[]): CurlOptions {
  const o: CurlOptions = {
    silent: false,
    showError: false,
    verbose: false,
    include: false,
    head: false,
    fail: false,
    headers: [],
    output: undefined,
    writeOut: undefined,
    connectTimeout: undefined,
    maxTime: undefined,
    method: undefined,
    data: undefined,
    urls: [],
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const needValue = (flag: string): string => {
      if (i + 1 >= args.length) throw new CurlUsageError(`curl: option ${flag}: requires parameter`);
      return args[++i] as string;
    };
    if (a.startsWith("--") && a.length > 2) {
      const eq = a.indexOf("=");
      const name = a.slice(2);
      if (name in BOOL_LONG) {
        const key = BOOL_LONG[name];
        if (key !== null && key !== undefined) (o[key] as boolean) = true;
      } else if (VALUE_LONG.has(name)) {
        setValue(o, name, needValue(a));
      } else {
        throw new CurlUsageError(`curl: option ${eq < 0 ? a : a.slice(0, eq)}: is unknown`);
      }
    } else if (a.startsWith("-") && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j] as string;
        const boolKey = BOOL_SHORT[c];
        if (boolKey !== undefined) (o[boolKey] as boolean) = true;
        else if (IGNORED_SHORT.has(c)) continue;
        else if (VALUE_SHORT[c] !== undefined) {
          const rest = a.slice(j + 1);
          setValue(o, VALUE_SHORT[c] as string, rest !== "" ? rest : needValue(`-${c}`));
          break;
        } else throw new CurlUsageError(`curl: option ${a}: is unknown`);
      }
    } else {
      o.urls.push(a);
    }
  }
  return o;
}

const USAGE_HINT = "curl: try 'curl --help' or 'curl --manual' for more information\n";

/** RFC 7231 IMF-fixdate, as servers send in Date. */
function httpDate(d: Date): string {
  return d.toUTCString();
}

function headerBlock(res: HttpResponse, now: Date): string[] {
  const h: Record<string, string> = { ...res.headers };
  const lines = [`HTTP/1.1 ${res.status} ${STATUS_CODES[res.status] ?? ""}`.trimEnd()];
  const order = ["Server", "Date", "Content-Type", "Content-Length", "Connection"];
  const withDefaults: Record<string, string> = { ...h, Date: h["Date"] ?? httpDate(now), Connection: h["Connection"] ?? "keep-alive" };
  for (const k of order) if (withDefaults[k] !== undefined) lines.push(`${k}: ${withDefaults[k]}`);
  for (const k of Object.keys(h)) if (!order.includes(k)) lines.push(`${k}: ${h[k]}`);
  return lines;
}

interface Transfer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly exitCode: number;
  readonly error: string;
  readonly response: HttpResponse | undefined;
  readonly remoteIP: string;
  readonly elapsed: number;
}

function hostPort(url: string): { host: string; port: number } {
  const m = /^(?:[a-z]+:\/\/)?([^/:?#]+)(?::(\d+))?/i.exec(url);
  return { host: m?.[1] ?? "", port: m?.[2] !== undefined ? Number(m[2]) : 80 };
}

function writeOut(fmt: string, t: Transfer): string {
  const vars: Record<string, string> = {
    http_code: t.response === undefined ? "000" : String(t.response.status),
    response_code: t.response === undefined ? "000" : String(t.response.status),
    remote_ip: t.remoteIP,
    remote_port: t.remoteIP === "" ? "0" : String(t.port),
    url_effective: t.url,
    time_total: t.elapsed.toFixed(6),
    time_connect: t.elapsed.toFixed(6),
    size_download: String(t.response === undefined ? 0 : Buffer.byteLength(t.response.body)),
    exitcode: String(t.exitCode),
    errormsg: t.error.replace(/^curl: \(\d+\) /, ""),
  };
  return fmt
    .replace(/%\{([a-z_]+)\}/g, (_, name: string) => vars[name] ?? "")
    .replace(/\\([nrt\\])/g, (_, c: string) => ({ n: "\n", r: "\r", t: "\t", "\\": "\\" })[c] as string);
}

/** What -v adds on stderr: the connection, the request and response headers, the outcome. */
function verboseLines(t: Transfer, method: string, reqHeaders: readonly string[], now: Date): string {
  let s = t.remoteIP === "" ? "" : `*   Trying ${t.remoteIP}:${t.port}...\n`;
  if (t.response === undefined) {
    const reason = t.error.replace(/^curl: \(\d+\) /, "");
    if (t.exitCode === 7) s += `* connect to ${t.remoteIP} port ${t.port} failed: Connection refused\n`;
    return `${s}* ${reason}\n* Closing connection\n`;
  }
  const target = new URL(t.url);
  s += `* Connected to ${t.host} (${t.remoteIP}) port ${t.port}\n`;
  s += `> ${method} ${target.pathname}${target.search} HTTP/1.1\n`;
  s += `> Host: ${t.port === 80 ? t.host : `${t.host}:${t.port}`}\n> User-Agent: curl/8.5.0\n> Accept: */*\n`;
  for (const h of reqHeaders) s += `> ${h}\n`;
  s += "> \n";
  s += headerBlock(t.response, now).map((l) => `< ${l}\n`).join("");
  s += "< \n";
  return s;
}

/** -v's last line, after the body. */
const leftIntact = (t: Transfer): string => (t.response === undefined ? "" : `* Connection #0 to host ${t.host} left intact\n`);

async function transfer(rawUrl: string, o: CurlOptions, ctx: ToolContext): Promise<Transfer> {
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(rawUrl) ? rawUrl : `http://${rawUrl}`;
  const { host, port } = hostPort(url);
  const headers: Record<string, string> = {};
  for (const h of o.headers) {
    const colon = h.indexOf(":");
    if (colon > 0) headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
  }
  const limits = [o.connectTimeout, o.maxTime].filter((x): x is number => x !== undefined && x > 0);
  const method = o.method ?? (o.head ? "HEAD" : o.data !== undefined ? "POST" : "GET");
  const r = ctx.cluster.curl(url, ctx.client, {
    method,
    headers,
    ...(o.data !== undefined ? { body: o.data } : {}),
    ...(limits.length > 0 ? { connectTimeoutSeconds: Math.min(...limits) } : {}),
    trace: true,
  });
  const connect = r.trace.find((h) => h.step === "connect");
  const remoteIP = connect !== undefined && "destination" in connect ? String(connect.destination).split(":")[0] ?? "" : "";
  return { url, host, port, exitCode: r.exitCode, error: r.stderr, response: r.response, remoteIP, elapsed: r.elapsedSeconds };
}

export const curl: Tool = async (args, ctx) => {
  let o: CurlOptions;
  try {
    o = parseCurlArgs(args);
  } catch (e) {
    if (e instanceof CurlUsageError) return { stdout: "", stderr: `${e.message}\n${USAGE_HINT}`, exitCode: 2 };
    throw e;
  }
  if (o.urls.length === 0) return { stdout: "", stderr: `curl: no URL specified!\n${USAGE_HINT}`, exitCode: 2 };
  const showErrors = !o.silent || o.showError;
  let stdout = "";
  let stderr = "";
  let exitCode = 0;
  for (const u of o.urls) {
    if (!/^(https?:\/\/)?[^/:?#\s]+/i.test(u) || /^[a-z][a-z0-9+.-]*:\/\//i.test(u) && !/^https?:\/\//i.test(u)) {
      const proto = /^([a-z][a-z0-9+.-]*):\/\//i.exec(u)?.[1];
      exitCode = proto !== undefined ? 1 : 3;
      if (showErrors) stderr += proto !== undefined ? `curl: (1) Protocol "${proto}" not supported\n` : `curl: (3) URL rejected: Malformed input to a URL function\n`;
      continue;
    }
    const t = await transfer(u, o, ctx);
    const now = ctx.cluster.wallTime();
    if (o.verbose) stderr += verboseLines(t, o.method ?? (o.head ? "HEAD" : o.data !== undefined ? "POST" : "GET"), o.headers, now);
    let out = "";
    if (t.response !== undefined) {
      const failed = o.fail && t.response.status >= 400;
      if (failed) {
        exitCode = 22;
        if (showErrors) stderr += `curl: (22) The requested URL returned error: ${t.response.status}\n`;
      } else {
        if (o.include || o.head) out += headerBlock(t.response, now).map((l) => `${l}\r\n`).join("") + "\r\n";
        if (!o.head) out += t.response.body;
      }
    } else {
      exitCode = t.exitCode;
      if (showErrors && t.error !== "") stderr += `${t.error}\n`;
    }
    if (o.output !== undefined && o.output !== "-") await ctx.writeFile(o.output, out);
    else stdout += out;
    if (o.verbose) stderr += leftIntact(t);
    if (o.writeOut !== undefined) stdout += writeOut(o.writeOut, t);
  }
  return exitCode === 0 ? ok(stdout, stderr) : { stdout, stderr, exitCode } satisfies ToolResult;
};
