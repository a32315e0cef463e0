#!/usr/bin/env bash
# Service API - session affinity: the seed article's walk-through with its
# YAML corrected (`protocol:` instead of `portocol:`, `sessionAffinity:
# ClientIP` instead of `ClusterIP`). Run it with `svclab run --echo`.

# Common objects: three echo-nginx pods and a tools pod to curl from.
cat <<EOF > sample-deployment.yaml
apiVersion: apps/v1
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
EOF

cat <<EOF > sample-pod.yaml
apiVersion: v1
kind: Pod
metadata:
  name: sample-pod
spec:
  containers:
  - name: tools-container
    image: amsy810/tools:v2.0
EOF

# Requests within 10 seconds of the last one go to the same pod.
cat <<EOF > sample-session-affinity.yaml
apiVersion: v1
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
EOF

kubectl apply -f sample-deployment.yaml
kubectl apply -f sample-pod.yaml
kubectl apply -f sample-session-affinity.yaml
kubectl rollout status deployment sample-deployment
kubectl wait --for=condition=Ready pod/sample-pod

# First request
kubectl exec -it sample-pod -- curl http://sample-session-affinity.default.svc.cluster.local:8080

# Within 10 seconds of the last request
kubectl exec -it sample-pod -- curl http://sample-session-affinity.default.svc.cluster.local:8080

# More than 10 seconds after the last request
sleep 11
kubectl exec -it sample-pod -- curl http://sample-session-affinity.default.svc.cluster.local:8080

# Disable session affinity
kubectl patch service sample-session-affinity -p '{"spec": {"sessionAffinity": "None"}}'

# First request
kubectl exec -it sample-pod -- curl http://sample-session-affinity.default.svc.cluster.local:8080

# Within 10 seconds of the last request
kubectl exec -it sample-pod -- curl http://sample-session-affinity.default.svc.cluster.local:8080
