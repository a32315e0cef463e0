/**
 * The kubelet of one node: brings bound pods up in virtual time (Pending and
 * ContainerCreating, then Running about a second later with an IP from the
 * node's pod CIDR), runs readiness probes, reports image pull failures and
 * crash loops as a real node would, and stops pods gracefully: a deleted pod
 * is Terminating while its containers stop (nginx drains its connections,
 * agnhost exits, a sleeping shell waits for SIGKILL at the end of the grace
 * period), then its sandbox and address are released and the pod object
 * goes away.
 */
import type { Container, Pod, PodCondition, Probe } from "kubernetes-types/core/v1";
import type { SeededRandom } from "@svclab/sim";
import { KINDS, rfc3339, type ApiServer } from "@svclab/apiserver";
import { programFor } from "../apps/images";
import { podResolvConf } from "../dns/coredns";
import type { EventLoop, TimerHandle } from "@svclab/sim";
import { formatIPv4 } from "../net/ip";
import type { NodeIpam } from "./ipam";
import { type ContainerRuntime, PodSandbox } from "./sandbox";
import { ContainerLog } from "./container-log";
import { keyOf, WorkQueue } from "../controllers/work-queue";
import type { NodeLease } from "../controllers/node-lifecycle";
import type { LegacyEventRecorder } from "../events/recorder";

/** Virtual seconds from binding to running containers (sandbox, pull, start). */
export const POD_STARTUP_SECONDS = 1;
/** Seconds from a failed pull to the back-off state. */
const PULL_BACKOFF_SECONDS = 1;
/** Seconds a stopping container needs to exit after its signal. */
const STOP_SECONDS = 0.5;
const CRASH_BACKOFF_START = 10;
const CRASH_BACKOFF_MAX = 300;

export interface KubeletEnv {
  readonly api: ApiServer;
  readonly loop: EventLoop;
  readonly rng: SeededRandom;
  readonly wallClock: () => Date;
  readonly clusterDomain: string;
  readonly dnsServer: string;
  /** Called when a sandbox starts or stops, so the network can route to it. */
  readonly onSandbox: (sandbox: PodSandbox, up: boolean) => void;
  /** The node's Lease, renewed while the kubelet runs. */
  readonly lease: NodeLease;
  /** The kubelet's recorder (source kubelet, this node): the container lifecycle's events. */
  readonly events?: LegacyEventRecorder;
}

interface PodState {
  sandbox: PodSandbox | undefined;
  startedAt: string;
  /** Pending timers only: each leaves the set when it fires, so a pod's state stays flat however long it runs. */
  timers: Set<TimerHandle>;
  stopping: boolean;
  transitions: Map<string, { status: string; time: string }>;
}

function normalisedImage(image: string): string {
  const first = image.split("/")[0] ?? "";
  if (image.includes("/") && (first.includes(".") || first.includes(":"))) return image;
  const withTag = /:[^/]+$/.test(image) ? image : `${image}:latest`;
  return image.includes("/") ? `docker.io/${withTag}` : `docker.io/library/${withTag}`;
}

function hex(rng: SeededRandom, chars: number): string {
  let s = "";
  while (s.length < chars) s += rng.nextU32().toString(16).padStart(8, "0");
  return s.slice(0, chars);
}

export class Kubelet {
  private readonly pods = new Map<string, PodState>();
  private readonly queue: WorkQueue;
  /** False while the node is down (`docker stop`): no container runs, nothing is written. */
  private running = true;

  constructor(
    readonly nodeName: string,
    readonly nodeIP: number,
    private readonly ipam: NodeIpam,
    private readonly env: KubeletEnv,
  ) {
    this.queue = new WorkQueue(env.loop, (key) => {
      if (!this.running) return;
      const pod = this.current(key);
      if (pod === undefined || pod.spec?.nodeName !== this.nodeName) this.teardown(key);
      else this.sync(key, pod);
    });
    env.api.watch<Pod>(KINDS.pod, (e) => {
      if (e.object.spec?.nodeName === this.nodeName) this.queue.add(keyOf(e.object));
    });
    env.lease.start(env.loop.now());
  }

  get isRunning(): boolean {
    return this.running;
  }

  /**
   * The node goes down: every container dies with it, the Lease is no longer
   * renewed, and the API objects stay as they were until the node lifecycle
   * controller notices.
   */
  stopNode(): void {
    if (!this.running) return;
    this.running = false;
    this.env.lease.stop(this.env.loop.now());
    for (const key of [...this.pods.keys()]) this.teardown(key);
  }

  /** The node is back: the kubelet renews its Lease and syncs every pod bound to it from scratch. */
  startNode(): void {
    if (this.running) return;
    this.running = true;
    this.env.lease.start(this.env.loop.now());
    for (const pod of this.env.api.list<Pod>(KINDS.pod)) if (pod.spec?.nodeName === this.nodeName) this.queue.add(keyOf(pod));
  }

  private sync(key: string, pod: Pod): void {
    let state = this.pods.get(key);
    if (pod.metadata?.deletionTimestamp !== undefined) {
      if (state === undefined) this.finish(key, pod);
      else if (!state.stopping) this.stop(key, pod, state);
      return;
    }
    if (state !== undefined) return;
    state = { sandbox: undefined, startedAt: rfc3339(this.env.wallClock()), timers: new Set(), stopping: false, transitions: new Map() };
    this.pods.set(key, state);
    this.writeStatus(key, pod);
    const s = state;
    this.after(s, POD_STARTUP_SECONDS, () => this.start(key, s));
  }

  private start(key: string, state: PodState): void {
    const pod = this.current(key);
    if (pod === undefined || state.stopping) return;
    const ns = pod.metadata?.namespace ?? "";
    const name = pod.metadata?.name ?? "";
    const ip = this.ipam.allocate();
    const now = rfc3339(this.env.wallClock());
    const hostname = pod.spec?.hostname ?? name;
    const restartPolicy = pod.spec?.restartPolicy ?? "Always";
    const containers: ContainerRuntime[] = (pod.spec?.containers ?? []).map((c) => {
      const log = new ContainerLog(this.env.wallClock);
      const program = programFor(c, { hostname, now: this.env.wallClock, log: (line) => log.write(line) });
      const runtime: ContainerRuntime = {
        name: c.name,
        image: c.image ?? "",
        program,
        containerID: `containerd://${hex(this.env.rng, 64)}`,
        state: { kind: "running", startedAt: now },
        ready: false,
        log,
      };
      if (program === undefined) runtime.state = { kind: "image-pull-error", reason: "ErrImagePull" };
      else if (program.kind === "exits") {
        const restarts = restartPolicy === "Always" || (restartPolicy === "OnFailure" && program.exitCode !== 0);
        runtime.state = restarts
          ? { kind: "crash-loop", restarts: 1, finishedAt: now }
          : { kind: "completed", exitCode: program.exitCode, startedAt: now, finishedAt: now };
      }
      return runtime;
    });
    const sandbox = new PodSandbox(
      ns, name, pod.metadata?.uid ?? "", this.nodeName, ip, formatIPv4(ip), this.env.rng.nextU32() + 1,
      podResolvConf(ns, this.env.clusterDomain, this.env.dnsServer), containers,
    );
    state.sandbox = sandbox;
    (pod.spec?.containers ?? []).forEach((spec, i) => {
      const c = containers[i] as ContainerRuntime;
      this.containerStartEvents(pod, spec, c);
      if (c.state.kind === "running") {
        sandbox.listen(c);
        this.startReadiness(key, state, spec, c);
      } else if (c.state.kind === "image-pull-error") {
        this.after(state, PULL_BACKOFF_SECONDS, () => {
          c.state = { kind: "image-pull-error", reason: "ImagePullBackOff" };
          const current = this.current(key) ?? pod;
          this.containerEvent(current, spec, "Normal", "BackOff", `Back-off pulling image "${spec.image ?? ""}"`);
          this.containerEvent(current, spec, "Warning", "Failed", "Error: ImagePullBackOff");
          this.writeStatus(key);
        });
      } else if (c.state.kind === "crash-loop") {
        this.scheduleRestart(key, state, c, CRASH_BACKOFF_START);
      }
    });
    this.env.onSandbox(sandbox, true);
    this.writeStatus(key);
  }

  private containerEvent(pod: Pod, spec: Container, type: "Normal" | "Warning", reason: string, message: string): void {
    this.env.events?.event(pod, type, reason, message, { kind: KINDS.pod, fieldPath: `spec.containers{${spec.name}}` });
  }

  /**
   * kuberuntime_container.go startContainer and the image manager: the pull
   * (images the node has are "already present", unknown ones fail to
   * resolve), then Created and Started.
   */
  private containerStartEvents(pod: Pod, spec: Container, c: ContainerRuntime): void {
    const image = spec.image ?? "";
    if (c.state.kind === "image-pull-error") {
      const ref = normalisedImage(image);
      this.containerEvent(pod, spec, "Normal", "Pulling", `Pulling image "${image}"`);
      this.containerEvent(pod, spec, "Warning", "Failed", `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`);
      this.containerEvent(pod, spec, "Warning", "Failed", "Error: ErrImagePull");
      return;
    }
    this.containerEvent(pod, spec, "Normal", "Pulled", `Container image "${image}" already present on machine`);
    this.containerEvent(pod, spec, "Normal", "Created", `Created container: ${spec.name}`);
    this.containerEvent(pod, spec, "Normal", "Started", `Started container ${spec.name}`);
  }

  /** A timer owned by the pod: cancelled when the pod stops, forgotten when it fires. */
  private after(state: PodState, seconds: number, run: () => void): void {
    const handle = this.env.loop.after(seconds, () => {
      state.timers.delete(handle);
      run();
    });
    state.timers.add(handle);
  }

  private scheduleRestart(key: string, state: PodState, c: ContainerRuntime, delay: number): void {
    this.after(state, delay, () => {
      if (c.state.kind !== "crash-loop" || state.stopping) return;
      c.state = { kind: "crash-loop", restarts: c.state.restarts + 1, finishedAt: rfc3339(this.env.wallClock()) };
      const pod = this.current(key);
      const spec = pod?.spec?.containers.find((s) => s.name === c.name);
      if (pod !== undefined && spec !== undefined) {
        this.containerStartEvents(pod, spec, c);
        this.containerEvent(pod, spec, "Warning", "BackOff", `Back-off restarting failed container ${c.name} in pod ${pod.metadata?.name ?? ""}_${pod.metadata?.namespace ?? ""}(${pod.metadata?.uid ?? ""})`);
      }
      this.writeStatus(key);
      this.scheduleRestart(key, state, c, Math.min(delay * 2, CRASH_BACKOFF_MAX));
    });
  }

  private startReadiness(key: string, state: PodState, spec: Container, c: ContainerRuntime): void {
    const probe = spec.readinessProbe;
    if (probe === undefined) {
      c.ready = true;
      return;
    }
    let successes = 0;
    let failures = 0;
    const period = probe.periodSeconds ?? 10;
    const tick = () => {
      if (state.stopping || state.sandbox === undefined) return;
      const failure = this.probe(state.sandbox, spec, probe);
      const ok = failure === undefined;
      if (!ok) {
        const pod = this.current(key);
        if (pod !== undefined) this.containerEvent(pod, spec, "Warning", "Unhealthy", `Readiness probe failed: ${failure}`);
      }
      successes = ok ? successes + 1 : 0;
      failures = ok ? 0 : failures + 1;
      const before = c.ready;
      if (ok && successes >= (probe.successThreshold ?? 1)) c.ready = true;
      if (!ok && failures >= (probe.failureThreshold ?? 3)) c.ready = false;
      if (c.ready !== before) this.writeStatus(key);
      this.after(state, period, tick);
    };
    this.after(state, probe.initialDelaySeconds ?? 0, tick);
  }

  /**
   * httpGet succeeds on 200-399, tcpSocket on a listening port; exec probes
   * pass. A failure is the prober's output (pkg/probe/http, pkg/probe/tcp).
   */
  private probe(sandbox: PodSandbox, spec: Container, probe: Probe): string | undefined {
    const portOf = (p: number | string) =>
      typeof p === "number" ? p : spec.ports?.find((cp) => cp.name === p)?.containerPort ?? Number(p);
    const refused = (port: number): string => `dial tcp ${sandbox.ipText}:${port}: connect: connection refused`;
    if (probe.httpGet) {
      const port = portOf(probe.httpGet.port);
      const handler = sandbox.listeners.get(port);
      if (handler === undefined) return `Get "${(probe.httpGet.scheme ?? "HTTP").toLowerCase()}://${sandbox.ipText}:${port}${probe.httpGet.path ?? "/"}": ${refused(port)}`;
      const res = handler(
        { method: "GET", path: probe.httpGet.path ?? "/", headers: { host: `${sandbox.ipText}:${portOf(probe.httpGet.port)}`, "user-agent": "kube-probe/1.30", accept: "*/*" } },
        { remoteAddress: formatIPv4(this.nodeIP), remotePort: 40000, localAddress: sandbox.ipText, localPort: portOf(probe.httpGet.port) },
      );
      return res.status >= 200 && res.status < 400 ? undefined : `HTTP probe failed with statuscode: ${res.status}`;
    }
    if (probe.tcpSocket) {
      const port = portOf(probe.tcpSocket.port);
      return sandbox.listeners.has(port) ? undefined : refused(port);
    }
    return undefined;
  }

  private stop(key: string, pod: Pod, state: PodState): void {
    state.stopping = true;
    for (const t of state.timers) t.cancel();
    state.timers.clear();
    const sandbox = state.sandbox;
    if (sandbox === undefined) {
      this.finish(key, pod);
      return;
    }
    const grace = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    for (const spec of pod.spec?.containers ?? []) {
      if (sandbox.containers.some((c) => c.name === spec.name && c.state.kind === "running")) this.containerEvent(pod, spec, "Normal", "Killing", `Stopping container ${spec.name}`);
    }
    const kill = this.env.loop.after(grace, () => this.finish(key, pod));
    const programs = sandbox.containers.map((c) => c.program);
    const waitsForKill = programs.some((p) => p !== undefined && p.kind !== "exits" && p.onStop === "ignore");
    const drains = programs.some((p) => p?.kind === "server" && p.onStop === "drain");
    // Listening sockets close at the signal; established connections stay until the app exits.
    sandbox.accepting = false;
    if (waitsForKill) return;
    const exit = () => {
      kill.cancel();
      this.env.loop.after(STOP_SECONDS, () => this.finish(key, pod));
    };
    if (drains && sandbox.openConnections > 0) sandbox.onDrained = exit;
    else exit();
  }

  /** Containers are gone: release the sandbox and remove the pod object. */
  private finish(key: string, pod: Pod): void {
    // A grace-period timer of a node that went down: the restarted kubelet syncs the pod again.
    if (!this.running) return;
    this.teardown(key);
    const ns = pod.metadata?.namespace ?? "";
    const name = pod.metadata?.name ?? "";
    const current = this.env.api.tryGet<Pod>(KINDS.pod, ns, name);
    if (current !== undefined && current.metadata?.uid === pod.metadata?.uid) this.env.api.delete(KINDS.pod, ns, name, { gracePeriodSeconds: 0 });
  }

  private teardown(key: string): void {
    const state = this.pods.get(key);
    if (state === undefined) return;
    this.pods.delete(key);
    for (const t of state.timers) t.cancel();
    const sandbox = state.sandbox;
    if (sandbox !== undefined) {
      sandbox.accepting = false;
      sandbox.listeners.clear();
      sandbox.udpPorts.clear();
      this.ipam.release(sandbox.ip);
      this.env.onSandbox(sandbox, false);
    }
  }

  private current(key: string): Pod | undefined {
    const slash = key.indexOf("/");
    return this.env.api.tryGet<Pod>(KINDS.pod, key.slice(0, slash), key.slice(slash + 1));
  }

  private writeStatus(key: string, known?: Pod): void {
    const pod = known ?? this.current(key);
    const state = this.pods.get(key);
    if (pod === undefined || state === undefined) return;
    const sandbox = state.sandbox;
    const containers = sandbox?.containers;
    const allReady = containers !== undefined && containers.length > 0 && containers.every((c) => c.state.kind === "running" && c.ready);
    const now = rfc3339(this.env.wallClock());
    const cond = (type: string, ok: boolean, reason?: string, message?: string): PodCondition => {
      const status = ok ? "True" : "False";
      const prev = state.transitions.get(type);
      const time = prev !== undefined && prev.status === status ? prev.time : now;
      state.transitions.set(type, { status, time });
      const c: PodCondition = { type, status, lastTransitionTime: time };
      if (reason !== undefined) c.reason = reason;
      if (message !== undefined) c.message = message;
      return c;
    };
    const notReady = containers?.filter((c) => !(c.state.kind === "running" && c.ready)).map((c) => c.name) ?? (pod.spec?.containers ?? []).map((c) => c.name);
    const notReadyMsg = `containers with unready status: [${notReady.join(" ")}]`;
    const hostIP = formatIPv4(this.nodeIP);
    const status: NonNullable<Pod["status"]> = {
      phase: phaseOf(containers),
      conditions: [
        cond("PodReadyToStartContainers", sandbox !== undefined),
        cond("Initialized", true),
        allReady ? cond("Ready", true) : cond("Ready", false, "ContainersNotReady", notReadyMsg),
        allReady ? cond("ContainersReady", true) : cond("ContainersReady", false, "ContainersNotReady", notReadyMsg),
        cond("PodScheduled", true),
      ],
      hostIP,
      hostIPs: [{ ip: hostIP }],
      startTime: state.startedAt,
      containerStatuses: (pod.spec?.containers ?? []).map((spec, i) => {
        const c = containers?.[i];
        const image = normalisedImage(spec.image ?? "");
        const base = { name: spec.name, image, imageID: "", ready: false, restartCount: 0, started: false };
        if (c === undefined) return { ...base, image: spec.image ?? "", state: { waiting: { reason: "ContainerCreating" } }, lastState: {} };
        switch (c.state.kind) {
          case "image-pull-error":
            return {
              ...base,
              image: spec.image ?? "",
              state: {
                waiting:
                  c.state.reason === "ErrImagePull"
                    ? { reason: "ErrImagePull", message: `failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found` }
                    : { reason: "ImagePullBackOff", message: `Back-off pulling image "${spec.image ?? ""}"` },
              },
              lastState: {},
            };
          case "crash-loop":
            return {
              ...base,
              imageID: imageIdOf(image, c.containerID),
              containerID: c.containerID,
              restartCount: c.state.restarts,
              state: { waiting: { reason: "CrashLoopBackOff", message: `back-off ${Math.min(CRASH_BACKOFF_START * 2 ** (c.state.restarts - 1), CRASH_BACKOFF_MAX)}s restarting failed container=${spec.name} pod=${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})` } },
              lastState: { terminated: { exitCode: 0, reason: "Completed", startedAt: c.state.finishedAt, finishedAt: c.state.finishedAt, containerID: c.containerID } },
            };
          case "running":
            return { ...base, imageID: imageIdOf(image, c.containerID), containerID: c.containerID, ready: c.ready, started: true, state: { running: { startedAt: c.state.startedAt } }, lastState: {} };
          case "completed":
            return {
              ...base,
              imageID: imageIdOf(image, c.containerID),
              containerID: c.containerID,
              state: { terminated: { exitCode: c.state.exitCode, reason: c.state.exitCode === 0 ? "Completed" : "Error", startedAt: c.state.startedAt, finishedAt: c.state.finishedAt, containerID: c.containerID } },
              lastState: {},
            };
        }
      }),
      qosClass: "BestEffort",
    };
    if (sandbox !== undefined) {
      status.podIP = sandbox.ipText;
      status.podIPs = [{ ip: sandbox.ipText }];
    }
    const prev = JSON.stringify(pod.status ?? {});
    if (prev === JSON.stringify(status)) return;
    this.env.api.updateStatus(KINDS.pod, { ...pod, status });
  }
}

/** The pod phase from its containers (before the sandbox exists, Pending). */
function phaseOf(containers: readonly ContainerRuntime[] | undefined): "Pending" | "Running" | "Succeeded" | "Failed" {
  if (containers === undefined) return "Pending";
  if (containers.length > 0 && containers.every((c) => c.state.kind === "completed")) {
    return containers.every((c) => c.state.kind === "completed" && c.state.exitCode === 0) ? "Succeeded" : "Failed";
  }
  return containers.some((c) => c.state.kind === "running" || c.state.kind === "crash-loop" || c.state.kind === "completed") ? "Running" : "Pending";
}

/** A stable digest-looking image ID (the simulator has no registry). */
function imageIdOf(image: string, containerID: string): string {
  return `${image.replace(/:[^/:]+$/, "")}@sha256:${containerID.slice(-64).split("").reverse().join("")}`;
}
