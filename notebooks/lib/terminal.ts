// The article's terminal. Each call prints the command line the way the
// article shows it (`$ kubectl exec -it sample-pod -- curl ...`) followed by
// what the simulated cluster answers, so a notebook reads like the article's
// transcript while every answer comes from the cluster itself.
import type { ApplyResult, ClientSpec, Cluster, CurlResult, HttpResponse, RequestOptions } from "@svclab/cluster";
import { resourceRef } from "@svclab/manifest";

export interface CurlOptions extends RequestOptions {
  /** `curl -i`: print the status line and the response headers too. */
  include?: boolean;
}

export class Terminal {
  /** The files `cat <<EOF > file` wrote, for `kubectl apply -f`. */
  private readonly files = new Map<string, string>();

  constructor(private readonly cluster: Cluster) {}

  /** `cat <<EOF > file ... EOF`: keeps the text for a later `apply`. */
  write(file: string, text: string): void {
    const body = text.endsWith("\n") ? text : `${text}\n`;
    this.files.set(file, body);
    console.log(`$ cat <<EOF > ${file}\n${body}EOF`);
  }

  /** `kubectl apply -f file`: one line per object, an error where the API server refuses it. */
  apply(file: string): ApplyResult[] {
    const text = this.files.get(file);
    if (text === undefined) throw new Error(`error: the path "${file}" does not exist`);
    console.log(`$ kubectl apply -f ${file}`);
    const results = this.cluster.apply(text, { file });
    for (const result of results) console.log(result.line);
    return results;
  }

  /** `kubectl patch <resource> <name> -p '<patch>'` (a strategic merge patch). */
  patch(resource: string, name: string, patch: string): void {
    console.log(`$ kubectl patch ${resource} ${name} -p '${patch}'`);
    const result = this.cluster.patch(resource, name, JSON.parse(patch));
    console.log(`${resourceRef(result.object)} patched${result.changed ? "" : " (no change)"}`);
  }

  /**
   * `curl <url>` from a pod (`kubectl exec -it <pod> -- curl`), a node
   * (`docker exec <node> curl`, as on a kind node) or a machine outside the
   * cluster (a plain `curl`; `{}` is the user's machine).
   */
  curl(url: string, from: ClientSpec = {}, options: CurlOptions = {}): CurlResult {
    const { include, ...request } = options;
    const result = this.cluster.curl(url, from, request);
    const flags = [
      include ? "-i " : "",
      request.connectTimeoutSeconds === undefined ? "" : `--connect-timeout ${request.connectTimeoutSeconds} `,
    ].join("");
    console.log(`${prompt(from)}curl ${flags}${url}`);
    if (result.exitCode !== 0) console.log(result.stderr.trimEnd());
    else if (include && result.response) console.log(`${statusAndHeaders(result.response)}\n\n${result.stdout.trimEnd()}`);
    else console.log(result.stdout.trimEnd());
    if (result.exitCode !== 0 && "pod" in from) console.log(`command terminated with exit code ${result.exitCode}`);
    return result;
  }

  /** `kubectl scale <resource> <name> --replicas=<n>`. */
  scale(resource: string, name: string, replicas: number): void {
    console.log(`$ kubectl scale ${resource} ${name} --replicas=${replicas}`);
    const result = this.cluster.scale(resource, name, replicas);
    console.log(`${resourceRef(result.object)} scaled`);
  }

  /** `sleep <seconds>`: virtual time passes, so it costs nothing. */
  sleep(seconds: number): void {
    console.log(`$ sleep ${seconds}`);
    this.cluster.advance(seconds);
  }
}

/** The prompt and command prefix; another external machine than the user's is named in its prompt. */
function prompt(from: ClientSpec): string {
  if ("pod" in from) return `$ kubectl exec -it ${from.pod}${from.namespace ? ` -n ${from.namespace}` : ""} -- `;
  if ("node" in from) return `$ docker exec ${from.node} `;
  return from.host === undefined ? "$ " : `${from.host}$ `;
}

const REASONS: Record<number, string> = { 200: "OK", 404: "Not Found", 503: "Service Unavailable" };

/** The status line and headers as `curl -i` prints them. */
function statusAndHeaders(response: HttpResponse): string {
  const status = `HTTP/1.1 ${response.status} ${REASONS[response.status] ?? ""}`.trimEnd();
  return [status, ...Object.entries(response.headers).map(([name, value]) => `${name}: ${value}`)].join("\n");
}
