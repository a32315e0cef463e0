// A small cluster with the article's Deployment and affinity Service, for the
// helpers' tests.
import { createCluster, type Cluster } from "@svclab/cluster";

const manifests = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: sample-deployment
spec:
  replicas: 3
  selector:
    matchLabels:
      app: sample-app
  template:
    metadata:
      labels:
        app: sample-app
    spec:
      containers:
      - name: nginx-container
        image: amsy810/echo-nginx:v2.0
---
apiVersion: v1
kind: Service
metadata:
  name: sample-session-affinity
spec:
  type: NodePort
  selector:
    app: sample-app
  ports:
  - name: http-port
    port: 8080
    targetPort: 80
    nodePort: 30084
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 10
`;

export function articleCluster(): Cluster {
  const cluster = createCluster({ seed: 1 });
  for (const result of cluster.apply(manifests)) if (!result.ok) throw new Error(result.line);
  cluster.settle();
  return cluster;
}
