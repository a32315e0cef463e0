/**
 * How kubectl reaches a cluster: a transport that answers API requests
 * (client-go's rest.Interface, reduced to one call) and the clock kubectl
 * reads and waits on. The in-process transport calls the API server's
 * RestHandler directly, no sockets (`svclab run`, notebooks); the HTTP
 * transport speaks to a server from a kubeconfig. Waiting is the clock's:
 * in-process it lets the cluster's virtual time run, as a real kubectl's
 * watch lets real time pass.
 */
import type { RestHandler } from "@svclab/apiserver";

export interface ClientClock {
  /** The time kubectl reads: ages in describe, rollout restart's timestamp. */
  now(): Date;
  /**
   * Lets time pass until `done` holds, checking whenever something may have
   * changed; false when `timeoutSeconds` ran out first.
   */
  waitUntil(done: () => Promise<boolean>, timeoutSeconds: number): Promise<boolean>;
}

export interface ClusterClient {
  readonly transport: RestHandler;
  readonly clock: ClientClock;
}

/** kubectl against an API server in the same process: requests are calls, time is the cluster's. */
export function inProcessClient(handler: RestHandler, clock: ClientClock): ClusterClient {
  return { transport: handler, clock };
}
