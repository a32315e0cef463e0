// The scale workload of issue 12: N Deployments x 3 pods (the book's echo
// image) and N ClusterIP Services selecting them, created through the
// TypeScript API, then settled.
export function deployment(i) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: `app-${i}` },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: `app-${i}` } },
      template: {
        metadata: { labels: { app: `app-${i}` } },
        spec: { containers: [{ name: "nginx-container", image: "amsy810/echo-nginx:v2.0" }] },
      },
    },
  };
}

export function service(i) {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: `svc-${i}` },
    spec: { selector: { app: `app-${i}` }, ports: [{ name: "http", protocol: "TCP", port: 8080, targetPort: 80 }] },
  };
}

/** Builds and settles the workload; returns the cluster. */
export function buildCluster(createCluster, n, opts = {}) {
  const c = createCluster({ seed: 1, ...opts });
  for (let i = 0; i < n; i++) {
    c.create(deployment(i));
    c.create(service(i));
  }
  c.settle();
  return c;
}
