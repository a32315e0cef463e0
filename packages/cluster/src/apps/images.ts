/**
 * What a container image does once it runs, and which network tools it
 * ships, for the images the book, the Kubernetes docs and the e2e tests
 * use; each image is defined once. An image the simulator does not know
 * cannot be pulled, as a typo'd image in a real cluster.
 *
 * Stop behaviour follows the real images: nginx-based images drain open
 * connections and exit (their STOPSIGNAL is SIGQUIT, a graceful shutdown);
 * agnhost exits at once; a `sleep` as PID 1 ignores SIGTERM and is killed
 * when the grace period ends.
 */
import { type ConnectionInfo, type HttpRequest, type HttpResponse, response, utf8Length } from "./http";
import { curl } from "./tools/curl";
import { dig, nslookupBind, nslookupBusybox, nslookupBusybox128 } from "./tools/dns";
import { wget } from "./tools/wget";
import type { Tool } from "./tools/tool";

export interface ContainerLike {
  readonly name: string;
  readonly image?: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env?: readonly { readonly name: string; readonly value?: string }[];
}

/** The pod facts an app can observe. */
export interface AppEnvironment {
  readonly hostname: string;
  /** Virtual wall time, for apps that print the date. */
  readonly now: () => Date;
  /** The container's stdout/stderr, one line a call (what `kubectl logs` reads). */
  readonly log?: (line: string) => void;
}

export type HttpHandler = (req: HttpRequest, conn: ConnectionInfo) => HttpResponse;

export type StopBehaviour = "drain" | "exit" | "ignore";

export type ContainerProgram =
  /** Serves HTTP on `ports` (TCP), and datagrams on `udpPorts`. */
  | {
      readonly kind: "server";
      readonly ports: readonly number[];
      readonly udpPorts?: readonly number[];
      readonly handler: HttpHandler;
      readonly onStop: StopBehaviour;
    }
  /** Runs without listening (a client pod that sleeps). */
  | { readonly kind: "idle"; readonly onStop: StopBehaviour }
  /** Exits as soon as it starts: the pod ends in CrashLoopBackOff. */
  | { readonly kind: "exits"; readonly exitCode: number };

/** Docker's reference normalisation: registry and tag dropped, `library/` implied. */
export function imageRepository(image: string): string {
  let ref = image.split("@")[0] as string;
  const lastSlash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  if (colon > lastSlash) ref = ref.slice(0, colon);
  const parts = ref.split("/");
  const first = parts[0] as string;
  if (parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost")) {
    if (first === "docker.io" || first === "index.docker.io") parts.shift();
    else return ref;
  }
  if (parts.length === 1) parts.unshift("library");
  return parts.join("/");
}

function envOf(c: ContainerLike): Map<string, string> {
  const env = new Map<string, string>();
  for (const e of c.env ?? []) env.set(e.name, e.value ?? "");
  return env;
}

function argv(c: ContainerLike): string[] {
  return [...(c.command ?? []), ...(c.args ?? [])];
}

function flag(args: readonly string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
    if (a === `--${name}`) return args[i + 1];
  }
  return undefined;
}

/** `$host`: the Host header lowercased without its port, else the server name. */
function nginxHost(req: HttpRequest, fallback: string): string {
  const host = req.headers["host"];
  if (!host) return fallback;
  const colon = host.lastIndexOf(":");
  return (colon > 0 && !host.endsWith("]") ? host.slice(0, colon) : host).toLowerCase();
}

const NGINX_HEADERS = { Server: "nginx/1.25.3" };

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** nginx's $time_local in a UTC container: `03/Dec/2026:16:00:00 +0000`. */
function timeLocal(d: Date): string {
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/**
 * The nginx image's access log (log_format main in its nginx.conf:
 * `$remote_addr - $remote_user [$time_local] "$request" $status
 * $body_bytes_sent "$http_referer" "$http_user_agent"
 * "$http_x_forwarded_for"`), written to stdout for every request.
 */
function withAccessLog(app: AppEnvironment, handler: HttpHandler): HttpHandler {
  const log = app.log;
  if (log === undefined) return handler;
  return (req, conn) => {
    const res = handler(req, conn);
    const h = req.headers;
    const bytes = req.method === "HEAD" ? "0" : res.headers["Content-Length"] ?? "0";
    log(`${conn.remoteAddress} - - [${timeLocal(app.now())}] "${req.method} ${req.path} HTTP/1.1" ${res.status} ${bytes} "${h["referer"] || "-"}" "${h["user-agent"] || "-"}" "${h["x-forwarded-for"] || "-"}"`);
    return res;
  };
}

/** Go's log package with its standard flags: `2026/12/03 16:00:00 text`. */
function goLog(app: AppEnvironment, text: string): void {
  const d = app.now();
  app.log?.(`${d.getUTCFullYear()}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${text}`);
}
const TEXT = { ...NGINX_HEADERS, "Content-Type": "text/plain" };

/** The bytes of echo-nginx's body outside its five fields. */
const ECHO_FIXED_BYTES = utf8Length("Host=  Path=  From=  ClientIP=  XFF=\n");

function echoNginx(c: ContainerLike, app: AppEnvironment): ContainerProgram {
  const port = Number(envOf(c).get("NGINX_PORT") ?? "80") || 80;
  const fromBytes = ECHO_FIXED_BYTES + utf8Length(app.hostname);
  return {
    kind: "server",
    ports: [port],
    onStop: "drain",
    handler: withAccessLog(app, (req, conn) => {
      const host = nginxHost(req, "localhost");
      const xff = req.headers["x-forwarded-for"] ?? "";
      const body = `Host=${host}  Path=${req.path}  From=${app.hostname}  ClientIP=${conn.remoteAddress}  XFF=${xff}\n`;
      return response(200, TEXT, body, fromBytes + utf8Length(host) + utf8Length(req.path) + utf8Length(conn.remoteAddress) + utf8Length(xff));
    }),
  };
}

const NGINX_WELCOME = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

const NGINX_404 = `<html>
<head><title>404 Not Found</title></head>
<body>
<center><h1>404 Not Found</h1></center>
<hr><center>nginx/1.25.3</center>
</body>
</html>
`;

function nginx(app: AppEnvironment): ContainerProgram {
  const html = { ...NGINX_HEADERS, "Content-Type": "text/html" };
  return {
    kind: "server",
    ports: [80],
    onStop: "drain",
    handler: withAccessLog(app, (req) => {
      const path = req.path.split("?")[0];
      return path === "/" || path === "/index.html" ? response(200, html, NGINX_WELCOME) : response(404, html, NGINX_404);
    }),
  };
}

function echoserver(app: AppEnvironment): ContainerProgram {
  const port = 8080;
  return {
    kind: "server",
    ports: [port],
    onStop: "drain",
    handler: (req, conn) => {
      const q = req.path.indexOf("?");
      const realPath = q < 0 ? req.path : req.path.slice(0, q);
      const query = q < 0 ? "" : req.path.slice(q + 1);
      const headers = Object.keys(req.headers)
        .sort()
        .map((k) => `\t${k}=${req.headers[k]}\n`)
        .join("");
      const body =
        `\n\nHostname: ${app.hostname}\n\nPod Information:\n\t-no pod information available-\n\n` +
        `Server values:\n\tserver_version=nginx: 1.13.3 - lua: 10008\n\n` +
        `Request Information:\n\tclient_address=${conn.remoteAddress}\n\tmethod=${req.method}\n\treal path=${realPath}\n` +
        `\tquery=${query}\n\trequest_version=1.1\n\trequest_scheme=http\n` +
        `\trequest_uri=http://${nginxHost(req, conn.localAddress)}:${port}${req.path}\n\n` +
        `Request Headers:\n${headers}\nRequest Body:\n\t${req.body ? req.body : "-no body in request-"}\n\n`;
      return response(200, { Server: "echoserver", "Content-Type": "text/plain" }, body);
    },
  };
}

function agnhost(c: ContainerLike, app: AppEnvironment): ContainerProgram {
  const args = argv(c);
  const sub = args.find((a) => !a.startsWith("-") && a !== "/agnhost" && a !== "agnhost");
  const plain = { "Content-Type": "text/plain; charset=utf-8" };
  if (sub === "netexec") {
    const port = Number(flag(args, "http-port") ?? "8080");
    // netexec.go: startServer's line, then one line per handled request.
    goLog(app, `Started HTTP server on port ${port}`);
    return {
      kind: "server",
      ports: [port],
      onStop: "exit",
      handler: (req, conn) => {
        const q = req.path.indexOf("?");
        const path = q < 0 ? req.path : req.path.slice(0, q);
        const params = new URLSearchParams(q < 0 ? "" : req.path.slice(q + 1));
        switch (path) {
          case "/hostname":
            goLog(app, "GET /hostname");
            return response(200, plain, app.hostname);
          case "/clientip":
            goLog(app, "GET /clientip");
            return response(200, plain, `${conn.remoteAddress}:${conn.remotePort}`);
          case "/echo":
            goLog(app, `GET /echo?msg=${params.get("msg") ?? ""}&code=${params.get("code") ?? ""}`);
            return response(200, plain, params.get("msg") ?? "");
          case "/healthz":
            goLog(app, "GET /healthz");
            return response(200, plain, "");
          case "/":
            goLog(app, "GET /");
            return response(200, plain, `NOW: ${app.now().toISOString()}`);
          default:
            return response(404, plain, "404 page not found\n");
        }
      },
    };
  }
  if (sub === "serve-hostname") {
    const port = Number(flag(args, "port") ?? "9376");
    return { kind: "server", ports: [port], onStop: "exit", handler: () => response(200, plain, app.hostname) };
  }
  if (sub === "pause") return { kind: "idle", onStop: "exit" };
  // Without a known subcommand agnhost prints its usage and exits.
  return { kind: "exits", exitCode: sub === undefined ? 0 : 1 };
}

/** CoreDNS: DNS on 53/UDP (answered from the API objects), health on 8080 and readiness on 8181. */
function coredns(): ContainerProgram {
  const plain = { "Content-Type": "text/plain; charset=utf-8" };
  return { kind: "server", ports: [8080, 8181], udpPorts: [53], onStop: "exit", handler: () => response(200, plain, "OK") };
}

/** Client images stay up only when told to sleep (or when their default command does). */
function client(c: ContainerLike, sleepsByDefault: boolean): ContainerProgram {
  const cmd = argv(c);
  const sleeps = cmd.length === 0 ? sleepsByDefault : cmd.some((a) => /\bsleep\b|tail -f|infinity/.test(a));
  return sleeps ? { kind: "idle", onStop: "ignore" } : { kind: "exits", exitCode: 0 };
}

/** One image: what its container runs, and the network tools a shell in it finds. */
interface Image {
  readonly program: (c: ContainerLike, app: AppEnvironment) => ContainerProgram;
  readonly tools: Readonly<Record<string, Tool>>;
}

const DNS_TOOLS = { curl, dig, nslookup: nslookupBind };
const BUSYBOX_TOOLS = { nslookup: nslookupBusybox, wget };
const agnhostImage: Image = { program: agnhost, tools: DNS_TOOLS };
const echoserverImage: Image = { program: (_c, app) => echoserver(app), tools: {} };

/** Every image the simulator can pull, by repository (registry and tag dropped). */
const IMAGES: Readonly<Record<string, Image>> = {
  "amsy810/echo-nginx": { program: echoNginx, tools: { curl } },
  "library/nginx": { program: (_c, app) => nginx(app), tools: { curl } },
  "registry.k8s.io/echoserver": echoserverImage,
  "k8s.gcr.io/echoserver": echoserverImage,
  "registry.k8s.io/e2e-test-images/agnhost": agnhostImage,
  "k8s.gcr.io/e2e-test-images/agnhost": agnhostImage,
  "registry.k8s.io/coredns/coredns": { program: () => coredns(), tools: {} },
  "amsy810/tools": { program: (c) => client(c, true), tools: DNS_TOOLS },
  "curlimages/curl": { program: (c) => client(c, false), tools: { curl } },
  "library/busybox": { program: (c) => client(c, false), tools: BUSYBOX_TOOLS },
  "library/alpine": { program: (c) => client(c, false), tools: BUSYBOX_TOOLS },
  "library/ubuntu": { program: (c) => client(c, false), tools: {} },
  // The e2e DNS tests' client: dig and nslookup, up only while told to sleep.
  "registry.k8s.io/e2e-test-images/jessie-dnsutils": { program: (c) => client(c, false), tools: { dig, nslookup: nslookupBind } },
};

/** The program a container runs, or undefined when its image cannot be pulled. */
export function programFor(c: ContainerLike, app: AppEnvironment): ContainerProgram | undefined {
  return IMAGES[imageRepository(c.image ?? "")]?.program(c, app);
}

/** The image's network tools; busybox before 1.29 has the old nslookup. */
export function toolsFor(image: string): Readonly<Record<string, Tool>> {
  const tools = IMAGES[imageRepository(image)]?.tools ?? {};
  const tag = /:(\d+)\.(\d+)/.exec(image.slice(image.lastIndexOf("/") + 1));
  const old = imageRepository(image) === "library/busybox" && tag !== null && Number(tag[1]) === 1 && Number(tag[2]) <= 28;
  return old ? { ...tools, nslookup: nslookupBusybox128 } : tools;
}
