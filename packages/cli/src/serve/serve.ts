/**
 * `svclab serve`: the simulated cluster behind a real API endpoint, for the
 * real kubectl, k9s and client libraries. It works the way `kind create
 * cluster` leaves things: an HTTPS server on loopback with a CA of its own,
 * and the user's kubeconfig holding a `svclab-<name>` cluster, user (bearer
 * token) and context, set current. Stopping (Ctrl-C) takes those entries out
 * again unless asked to keep them.
 */
import { readFile } from "node:fs/promises";
import { kubeconfigKey, removeKubeconfigEntries, startApiServerHttp, writeKubeconfig, type ApiServerHttp } from "@svclab/apiserver";
import { createCluster, type TopologyOptions } from "@svclab/cluster";
import { httpTransport, kubeconfigCluster } from "@svclab/kubectl";
import { CLOCK_ADVANCE_PATH, ServedClock, parseDurationSeconds, type ClockMode } from "./clock";
import { publishHostPorts, type HostPorts, type PortMapping } from "./host-ports";

export interface ServeOptions {
  readonly name: string;
  readonly seed?: number;
  readonly topology?: TopologyOptions;
  readonly address: string;
  readonly port: number;
  readonly kubeconfig?: string;
  readonly clock: ClockMode;
  readonly keepKubeconfig: boolean;
  /** kind's extraPortMappings of the topology file. */
  readonly hostPorts?: readonly PortMapping[];
}

export interface Served {
  readonly server: ApiServerHttp;
  readonly kubeconfigPath: string;
  readonly clock: ServedClock;
  readonly hostPorts: HostPorts;
  /** Stops serving; removes the kubeconfig entries unless they are to be kept. */
  stop(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

/** Boots the cluster and serves it; the caller decides when to stop. */
export async function serve(opts: ServeOptions, warn: (line: string) => void): Promise<Served> {
  if (!LOOPBACK.has(opts.address)) {
    warn(`WARNING: serving on ${opts.address}: anyone who can reach this address and holds the token controls the simulated cluster`);
  }
  // The real kubectl prints ages against the host's clock: the cluster starts now.
  const cluster = createCluster({ ...opts.topology, ...(opts.seed === undefined ? {} : { seed: opts.seed }), startTime: new Date().toISOString() });
  const clock = new ServedClock(cluster, opts.clock);
  for (const m of opts.hostPorts ?? []) {
    if (!LOOPBACK.has(m.listenAddress)) warn(`WARNING: publishing port ${m.hostPort} on ${m.listenAddress}: anyone who can reach this address reaches the simulated cluster's Services`);
  }
  const hostPorts = await publishHostPorts(cluster, opts.hostPorts ?? []);
  let server: ApiServerHttp;
  try {
    server = await startApiServerHttp({ handler: clock.handler(cluster.restHandler()), host: opts.address, port: opts.port });
  } catch (e) {
    await hostPorts.close();
    throw e;
  }
  const location = opts.kubeconfig === undefined ? {} : { explicitPath: opts.kubeconfig };
  let kubeconfigPath: string;
  try {
    kubeconfigPath = await writeKubeconfig(
      { name: opts.name, server: server.url, ...(server.caCert === undefined ? {} : { caCert: server.caCert }), ...(server.token === null ? {} : { token: server.token }) },
      location,
    );
  } catch (e) {
    await Promise.all([server.close(), hostPorts.close()]);
    throw e;
  }
  clock.start();
  let stopped = false;
  return {
    server,
    kubeconfigPath,
    clock,
    hostPorts,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      clock.stop();
      await Promise.all([server.close(), hostPorts.close()]);
      if (!opts.keepKubeconfig) await removeKubeconfigEntries(opts.name, location);
    },
  };
}

/** What `svclab serve` prints once the server listens, after kind's own wording. */
export function servingBanner(opts: ServeOptions, served: Served): string {
  const ctx = kubeconfigKey(opts.name);
  const clock =
    opts.clock === "wall" ? "virtual time follows the wall clock" : `virtual time moves only with 'svclab clock advance DURATION --context ${ctx}'`;
  return [
    `svclab cluster "${opts.name}" serving on ${served.server.url} (seed ${opts.seed ?? 1}; ${clock})`,
    `Set kubectl context to "${ctx}" in ${served.kubeconfigPath}`,
    ...served.hostPorts.ports.map((p) => `Published ${p.address}:${p.hostPort} -> ${p.node}:${p.containerPort}/TCP (connections come from 172.18.0.1, the host on kind's network)`),
    "You can now use your cluster with:",
    "",
    `kubectl cluster-info --context ${ctx}`,
    "kubectl apply -f examples/manifests/sample-deployment.yaml",
    "kubectl get pods -o wide",
    "",
    opts.keepKubeconfig ? "Press Ctrl-C to stop." : `Press Ctrl-C to stop (the ${ctx} entries are then removed from the kubeconfig).`,
    "",
  ].join("\n");
}

/**
 * `svclab clock advance DURATION`: asks a `--clock manual` server (found
 * through the kubeconfig, as kubectl finds it) to let that much virtual time pass.
 */
export async function advanceServedClock(duration: string, kubeconfigPath: string, context: string | undefined): Promise<string> {
  if (parseDurationSeconds(duration) === undefined) throw new Error(`invalid duration ${JSON.stringify(duration)}: use e.g. 11, 11s, 1.5m, 2h or 1d`);
  let text: string;
  try {
    text = await readFile(kubeconfigPath, "utf8");
  } catch {
    throw new Error(`${kubeconfigPath}: No such file or directory (is svclab serve running?)`);
  }
  const config = kubeconfigCluster(text, context);
  let res;
  try {
    res = await httpTransport(config).handle({
      method: "POST",
      path: CLOCK_ADVANCE_PATH,
      query: new URLSearchParams({ duration }),
      headers: { accept: "application/json" },
      body: "",
    });
  } catch {
    throw new Error(`the connection to the server ${new URL(config.server).host} was refused - is svclab serve running?`);
  }
  if (res.kind !== "body") throw new Error("unexpected answer from the server");
  const body = JSON.parse(res.body) as { message?: string; now?: string };
  if (res.status !== 200) throw new Error(body.message ?? `the server answered ${res.status}`);
  return `clock advanced by ${duration}; cluster time ${body.now}`;
}
