// The notebooks' terminal: `kubectl("get pods -o wide")`, `curl(url)`,
// `sleep(s)`, `write(file, yaml)` and `trace()`. Each prints the command line
// and what a terminal would show, so a notebook reads like the article's
// transcript, while every answer comes from svclab's kubectl and cluster.
// Mistakes print the message kubectl or curl would print, never a stack trace.
import { createCluster, curl as curlTool, formatTrace, type Cluster, type ClientSpec, type ClusterOptions, type CurlResult, type HttpResponse, type RequestOptions, type TraceHop } from "@svclab/cluster";
import { Kubectl, inProcessClient, type KubectlResult } from "@svclab/kubectl";
import { shellWords } from "./shell-words";

/** What one command printed, and the requests it sent (with their traces). */
export interface Run extends KubectlResult {
  /** The HTTP requests the command made, oldest first (`kubectl exec ... -- curl`, `curl`). */
  readonly requests: readonly CurlResult[];
  /** The hop-by-hop trace of the last request (empty when none was sent). */
  readonly trace: readonly TraceHop[];
  /** The HTTP response of the last request, if one came back. */
  readonly response: HttpResponse | undefined;
}

export interface CurlOptions extends RequestOptions {
  /** `curl -i`: print the status line and the response headers too. */
  readonly include?: boolean;
}

export class Lab {
  /** The requests sent so far, oldest first. */
  readonly requests: CurlResult[] = [];
  /** When each request was sent, in seconds on the virtual clock. */
  readonly sentAt = new Map<CurlResult, number>();
  /** The files `write` created, which `kubectl apply -f` reads. */
  private readonly files = new Map<string, string>();
  private readonly client: Kubectl;

  constructor(readonly cluster: Cluster) {
    // Every request passes through the cluster's curl, also those a
    // `kubectl exec ... -- curl` makes inside a pod: recording them there
    // keeps each request's trace, and when it was sent.
    const send = cluster.curl.bind(cluster);
    cluster.curl = (url: string, from?: ClientSpec, options?: RequestOptions): CurlResult => {
      const at = cluster.now();
      const result = send(url, from, options);
      this.requests.push(result);
      this.sentAt.set(result, at);
      return result;
    };
    this.client = new Kubectl(inProcessClient(cluster.restHandler(), cluster.clientClock()));
  }

  /** `cat <<EOF > file ... EOF`: keeps the text for `kubectl apply -f file`. */
  write = (file: string, text: string): void => {
    const body = text.endsWith("\n") ? text : `${text}\n`;
    this.files.set(file, body);
    console.log(`$ cat <<EOF > ${file}\n${body}EOF`);
  };

  /** Runs one kubectl command line (without the leading `kubectl`) and prints it as a terminal would. */
  kubectl = async (command: string): Promise<Run> => {
    console.log(`$ kubectl ${command}`);
    let argv: string[];
    try {
      argv = shellWords(command);
    } catch (e) {
      return this.failed(`bash: ${(e as Error).message}`, 2);
    }
    const before = this.requests.length;
    const files = this.files;
    const result = await this.client.run(argv, {
      stdin: "",
      // The cell stands for a command typed at a terminal (hence the `$` line), so `exec -it` gets one.
      stdinIsTerminal: true,
      files: {
        readFile: async (path) => files.get(path),
        readDir: async () => undefined,
      },
    });
    // A terminal shows both streams; stderr goes to stdout here too, because
    // the notebook check treats anything on a cell's stderr as a failed cell.
    const shown = `${result.stdout}${result.stderr}`.trimEnd();
    if (shown !== "") console.log(shown);
    return printedRun({ ...result, requests: this.requests.slice(before) });
  };

  /**
   * `curl <url>` from a pod (run as `kubectl exec -it <pod> -- curl`), from a
   * node (`docker exec <node> curl`, as on a kind node) or from a machine
   * outside the cluster (a plain `curl`; `{}` is the user's machine).
   */
  curl = async (url: string, from: ClientSpec = {}, options: CurlOptions = {}): Promise<Run> => {
    const args = [...(options.include ? ["-i"] : []), ...(options.connectTimeoutSeconds === undefined ? [] : ["--connect-timeout", String(options.connectTimeoutSeconds)]), url];
    if ("pod" in from) return this.kubectl(`exec -it ${from.pod}${from.namespace ? ` -n ${from.namespace}` : ""} -- curl ${args.join(" ")}`);
    console.log(`${"node" in from ? `$ docker exec ${from.node} ` : from.host === undefined ? "$ " : `${from.host}$ `}curl ${args.join(" ")}`);
    const before = this.requests.length;
    let result;
    try {
      result = await curlTool(args, { cluster: this.cluster, client: from, writeFile: async () => undefined });
    } catch (e) {
      return this.failed(`error: ${(e as Error).message}`, 1);
    }
    const shown = `${result.stdout}${result.stderr}`.trimEnd();
    if (shown !== "") console.log(shown);
    return printedRun({ ...result, requests: this.requests.slice(before) });
  };

  /** `sleep <seconds>`: virtual time passes, so it costs nothing. */
  sleep = (seconds: number): void => {
    console.log(`$ sleep ${seconds}`);
    this.cluster.advance(seconds);
  };

  /** Prints the hop-by-hop trace of a request (the latest one by default) and returns its hops. */
  trace = (request: CurlResult | undefined = this.requests.at(-1)): readonly TraceHop[] => {
    if (request === undefined) {
      console.log("(no request sent yet)");
      return [];
    }
    console.log(formatTrace(request.trace));
    return request.trace;
  };

  private failed(message: string, exitCode: number): Run {
    console.log(message);
    return printedRun({ stdout: "", stderr: `${message}\n`, exitCode, requests: [] });
  }
}

// tslab prints the value of a cell's last expression, so a cell ending in
// `await kubectl("...")` would print the output a second time, as an object.
// The run has been printed already: it shows as nothing.
function printedRun(output: KubectlResult & { requests: readonly CurlResult[] }): Run {
  const last = output.requests.at(-1);
  const run: Run = { ...output, trace: last?.trace ?? [], response: last?.response };
  return Object.defineProperty(run, Symbol.for("nodejs.util.inspect.custom"), { value: () => "", enumerable: false });
}

/** A fresh simulated cluster (seeded, on a virtual clock) and its terminal. */
export function lab(options: ClusterOptions = {}): Lab {
  return new Lab(createCluster(options));
}
