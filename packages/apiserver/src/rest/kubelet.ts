/**
 * What the API server asks of a node's kubelet (pkg/kubelet/client and the
 * kubelet's exec/containerLogs endpoints), implemented by the cluster: the
 * API server checks the pod and container, then hands the streams over.
 */

/** One container of a pod. */
export interface ContainerTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
}

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
  /** The runtime could not start the process (containerd's error text). */
  readonly startError?: string;
}

export interface LogOptions {
  readonly tailLines?: number;
  readonly timestamps?: boolean;
  readonly previous?: boolean;
}

export interface NodeConnection {
  /**
   * Runs a process in a running container. `stdin` is the client's stream
   * (or all of it as a string): the process reads what it needs, and the
   * exec ends when the process exits, whether or not the client closed stdin.
   */
  exec(target: ContainerTarget, command: readonly string[], stdin: string | AsyncIterable<string>): Promise<ExecResult>;
  /** The container's log so far, one line per "\n". */
  logs(target: ContainerTarget, opts: LogOptions): string;
  /** Lines written from now on (`follow=true`), until the returned stop; without it a follow ends after what is there. */
  followLogs?(target: ContainerTarget, opts: LogOptions, onText: (text: string) => void): () => void;
}
