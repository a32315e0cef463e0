// The seed article's manifests, verbatim (cat <<EOF bodies).
export const SEED_SERVICE = `apiVersion: v1
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

export const SEED_DEPLOYMENT = `apiVersion: apps/v1
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

export const SEED_POD = `apiVersion: v1
kind: Pod
metadata:
  name: sample-pod
spec:
  containers:
  - name: tools-container
    image: amsy810/tools:v2.0
`;
