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
import { keyOf, WorkQueue } from "../controllers/work-queue";

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
}

interface PodState {
  sandbox: PodSandbox | undefined;
  startedAt: string;
  timers: TimerHandle[];
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

  constructor(
    readonly nodeName: string,
    readonly nodeIP: number,
    private readonly ipam: NodeIpam,
    private readonly env: KubeletEnv,
  ) {
    const queue = new WorkQueue(env.loop, (key) => {
      const pod = this.current(key);
      if (pod === undefined || pod.spec?.nodeName !== this.nodeName) this.teardown(key);
      else this.sync(key, pod);
    });
    env.api.watch<Pod>(KINDS.pod, (e) => {
      if (e.object.spec?.nodeName === this.nodeName) queue.add(keyOf(e.object));
    });
  }

  private sync(key: string, pod: Pod): void {
    let state = this.pods.get(key);
    if (pod.metadata?.deletionTimestamp !== undefined) {
      if (state === undefined) this.finish(key, pod);
      else if (!state.stopping) this.stop(key, pod, state);
      return;
    }
    if (state !== undefined) return;
    state = { sandbox: undefined, startedAt: rfc3339(this.env.wallClock()), timers: [], stopping: false, transitions: new Map() };
    this.pods.set(key, state);
    this.writeStatus(key, pod);
    const s = state;
    s.timers.push(this.env.loop.after(POD_STARTUP_SECONDS, () => this.start(key, s)));
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
      const program = programFor(c, { hostname, now: this.env.wallClock });
      const runtime: ContainerRuntime = {
        name: c.name,
        image: c.image ?? "",
        program,
        containerID: `containerd://${hex(this.env.rng, 64)}`,
        state: { kind: "running", startedAt: now },
        ready: false,
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
      if (c.state.kind === "running") {
        sandbox.listen(c);
        this.startReadiness(key, state, spec, c);
      } else if (c.state.kind === "image-pull-error") {
        state.timers.push(this.env.loop.after(PULL_BACKOFF_SECONDS, () => {
          c.state = { kind: "image-pull-error", reason: "ImagePullBackOff" };
          this.writeStatus(key);
        }));
      } else if (c.state.kind === "crash-loop") {
        this.scheduleRestart(key, state, c, CRASH_BACKOFF_START);
      }
    });
    this.env.onSandbox(sandbox, true);
    this.writeStatus(key);
  }

  private scheduleRestart(key: string, state: PodState, c: ContainerRuntime, delay: number): void {
    state.timers.push(this.env.loop.after(delay, () => {
      if (c.state.kind !== "crash-loop" || state.stopping) return;
      c.state = { kind: "crash-loop", restarts: c.state.restarts + 1, finishedAt: rfc3339(this.env.wallClock()) };
      this.writeStatus(key);
      this.scheduleRestart(key, state, c, Math.min(delay * 2, CRASH_BACKOFF_MAX));
    }));
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
      const ok = this.probe(state.sandbox, spec, probe);
      successes = ok ? successes + 1 : 0;
      failures = ok ? 0 : failures + 1;
      const before = c.ready;
      if (ok && successes >= (probe.successThreshold ?? 1)) c.ready = true;
      if (!ok && failures >= (probe.failureThreshold ?? 3)) c.ready = false;
      if (c.ready !== before) this.writeStatus(key);
      state.timers.push(this.env.loop.after(period, tick));
    };
    state.timers.push(this.env.loop.after(probe.initialDelaySeconds ?? 0, tick));
  }

  /** httpGet succeeds on 200-399, tcpSocket on a listening port; exec probes pass. */
  private probe(sandbox: PodSandbox, spec: Container, probe: Probe): boolean {
    const portOf = (p: number | string) =>
      typeof p === "number" ? p : spec.ports?.find((cp) => cp.name === p)?.containerPort ?? Number(p);
    if (probe.httpGet) {
      const handler = sandbox.listeners.get(portOf(probe.httpGet.port));
      if (handler === undefined) return false;
      const res = handler(
        { method: "GET", path: probe.httpGet.path ?? "/", headers: { host: `${sandbox.ipText}:${portOf(probe.httpGet.port)}`, "user-agent": "kube-probe/1.30", accept: "*/*" } },
        { remoteAddress: formatIPv4(this.nodeIP), remotePort: 40000, localAddress: sandbox.ipText, localPort: portOf(probe.httpGet.port) },
      );
      return res.status >= 200 && res.status < 400;
    }
    if (probe.tcpSocket) return sandbox.listeners.has(portOf(probe.tcpSocket.port));
    return true;
  }

  private stop(key: string, pod: Pod, state: PodState): void {
    state.stopping = true;
    for (const t of state.timers) t.cancel();
    state.timers = [];
    const sandbox = state.sandbox;
    if (sandbox === undefined) {
      this.finish(key, pod);
      return;
    }
    const grace = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
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
