/** The book's and the article's manifests, shared by this package's tests. */

export const SAMPLE_DEPLOYMENT = `apiVersion: apps/v1
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
`;

export const SAMPLE_POD = `apiVersion: v1
kind: Pod
metadata:
  name: sample-pod
spec:
  containers:
  - name: tools-container
    image: amsy810/tools:v2.0
`;

/** The article's Service with its two typos corrected. */
export const SAMPLE_SESSION_AFFINITY = `apiVersion: v1
kind: Service
metadata:
  name: sample-session-affinity
spec:
  type: LoadBalancer
  selector:
    app: sample-app
  ports:
  - name: http-port
    protocol: TCP
    port: 8080
    targetPort: 80
    nodePort: 30084
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 10
`;

/** The article's Service exactly as printed (portocol, sessionAffinity: ClusterIP). */
export const SAMPLE_SESSION_AFFINITY_AS_PRINTED = `apiVersion: v1
kind: Service
metadata:
  name: sample-session-affinity
spec:
  type: LoadBalancer
  selector: 
    app: sample-app
  ports:
  - name: http-port
    portocol: TCP
    port: 8080
    targetPort: 80
    nodePort: 30084
  sessionAffinity: ClusterIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 10
`;

export const SAMPLE_NODEPORT_LOCAL = `apiVersion: v1
kind: Service
metadata:
  name: sample-nodeport-local
spec:
  type: NodePort
  externalTrafficPolicy: Local
  ports:
  - name: "http-port"
    protocol: "TCP"
    port: 8080
    targetPort: 80
    nodePort: 30081
  selector:
    app: sample-app
`;

export const SAMPLE_LB_LOCAL = `apiVersion: v1
kind: Service
metadata:
  name: sample-lb-local
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  healthCheckNodePort: 30086
  ports:
  - name: "http-port"
    protocol: "TCP"
    port: 8080
    targetPort: 80
    nodePort: 30085
  selector:
    app: sample-app
`;

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
