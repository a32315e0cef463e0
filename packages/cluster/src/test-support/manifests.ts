/**
 * The book's and the article's manifests, shared by this package's tests;
 * the YAML itself lives once in examples/manifests/.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const read = (name: string): string => readFileSync(join(__dirname, "../../../../examples/manifests", name), "utf8");

export const SAMPLE_DEPLOYMENT = read("sample-deployment.yaml");

export const SAMPLE_POD = read("sample-pod.yaml");

/** The article's Service with its two typos corrected. */
export const SAMPLE_SESSION_AFFINITY = read("sample-session-affinity.yaml");

/** The article's Service exactly as printed (portocol, sessionAffinity: ClusterIP). */
export const SAMPLE_SESSION_AFFINITY_AS_PRINTED = read("sample-session-affinity-as-printed.yaml");

export const SAMPLE_NODEPORT_LOCAL = read("sample-nodeport-local.yaml");

export const SAMPLE_LB_LOCAL = read("sample-lb-local.yaml");

/** The e2e tests' backend: agnhost serve-hostname, 3 replicas, port 80 -> 9376. */
export function e2eBackend(name: string, type: "ClusterIP" | "NodePort", affinity: "ClientIP" | "None", timeoutSeconds?: number): string {
  const config = timeoutSeconds === undefined ? "" : `\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: ${timeoutSeconds}`;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 3
  selector:
    matchLabels:
      name: ${name}
  template:
    metadata:
      labels:
        name: ${name}
    spec:
      containers:
      - name: ${name}
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: ["serve-hostname"]
        ports:
        - containerPort: 9376
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  type: ${type}
  selector:
    name: ${name}
  ports:
  - port: 80
    targetPort: 9376
  sessionAffinity: ${affinity}${config}
---
apiVersion: v1
kind: Pod
metadata:
  name: execpod
spec:
  containers:
  - name: agnhost-container
    image: registry.k8s.io/e2e-test-images/agnhost:2.53
    args: ["pause"]
`;
}
