/**
 * A running pod as the network sees it: its address on the node, the
 * sockets its containers listen on, and the connections it holds (so a
 * graceful stop can drain them). The kubelet creates and stops sandboxes;
 * the network delivers connections to them.
 */
import type { ContainerLog } from "./container-log";
import type { ResolvConf } from "../dns/coredns";
import type { ContainerProgram, HttpHandler } from "../apps/images";

export type ContainerState =
  | { readonly kind: "image-pull-error"; readonly reason: "ErrImagePull" | "ImagePullBackOff" }
  | { readonly kind: "running"; readonly startedAt: string }
  | { readonly kind: "crash-loop"; readonly restarts: number; readonly finishedAt: string }
  /** Exited and not restarted (restartPolicy Never, or OnFailure after a success). */
  | { readonly kind: "completed"; readonly exitCode: number; readonly startedAt: string; readonly finishedAt: string };

export interface ContainerRuntime {
  readonly name: string;
  readonly image: string;
  readonly program: ContainerProgram | undefined;
  readonly containerID: string;
  state: ContainerState;
  /** Readiness as the probe (or its absence) decides. */
  ready: boolean;
  /** What the container wrote to stdout and stderr. */
  readonly log?: ContainerLog;
}

export class PodSandbox {
  /** Server sockets by TCP port. */
  readonly listeners = new Map<number, HttpHandler>();
  /** Bound UDP ports. */
  readonly udpPorts = new Set<number>();
  /** Accepting new connections (false once the pod is told to stop). */
  accepting = true;
  openConnections = 0;
  /** Called when the last open connection closes while draining. */
  onDrained: (() => void) | undefined;

  constructor(
    readonly namespace: string,
    readonly name: string,
    readonly uid: string,
    readonly nodeName: string,
    readonly ip: number,
    readonly ipText: string,
    /** The network namespace cookie socket LB keys affinity on. */
    readonly netnsCookie: number,
    readonly resolvConf: ResolvConf,
    readonly containers: ContainerRuntime[],
  ) {}

  get key(): string {
    return `${this.namespace}/${this.name}`;
  }

  /** Opens the listening sockets of running server containers. */
  listen(c: ContainerRuntime): void {
    if (c.program?.kind !== "server") return;
    for (const port of c.program.ports) this.listeners.set(port, c.program.handler);
    for (const port of c.program.udpPorts ?? []) this.udpPorts.add(port);
  }

  closeConnection(): void {
    this.openConnections--;
    if (this.openConnections === 0 && this.onDrained) {
      const f = this.onDrained;
      this.onDrained = undefined;
      f();
    }
  }
}
