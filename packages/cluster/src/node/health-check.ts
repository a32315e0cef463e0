/**
 * The service health-check server every node runs on a LoadBalancer +
 * externalTrafficPolicy=Local service's healthCheckNodePort (kube-proxy's
 * healthcheck package; Cilium's kube-proxy replacement answers the same
 * way). Any path gets the same answer: 200 when the node has a ready local
 * endpoint, 503 otherwise, so the cloud load balancer stops sending traffic
 * to nodes that would drop it.
 */
import { response, type HttpResponse } from "../apps/http";

export function healthCheckResponse(namespace: string, name: string, localEndpoints: number, proxyHealthy = true): HttpResponse {
  const body =
    `{\n\t"service": {\n\t\t"namespace": ${JSON.stringify(namespace)},\n\t\t"name": ${JSON.stringify(name)}\n\t},\n` +
    `\t"localEndpoints": ${localEndpoints},\n\t"serviceProxyHealthy": ${proxyHealthy}\n}`;
  return response(
    localEndpoints !== 0 && proxyHealthy ? 200 : 503,
    {
      "Content-Type": "application/json",
      "X-Content-Type-Options": "nosniff",
      "X-Load-Balancing-Endpoint-Weight": String(localEndpoints),
    },
    body,
  );
}
