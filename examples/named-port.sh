#!/usr/bin/env bash
# targetPort by name (the book's sample-named-port-*): two pods name their
# port `http`, one on 80 and one on 81 (NGINX_PORT=81), and the Service
# sends each connection to whatever port the chosen pod calls `http`.

cat <<EOF > sample-named-port-pods.yaml
apiVersion: v1
kind: Pod
metadata:
  name: sample-named-port-pod-80
  labels:
    app: sample-app
spec:
  containers:
  - name: nginx-container
    image: amsy810/echo-nginx:v2.0
    ports:
    - name: http
      containerPort: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: sample-named-port-pod-81
  labels:
    app: sample-app
spec:
  containers:
  - name: nginx-container
    image: amsy810/echo-nginx:v2.0
    env:
    - name: NGINX_PORT
      value: "81"
    ports:
    - name: http
      containerPort: 81
EOF

cat <<EOF > sample-named-port-service.yaml
apiVersion: v1
kind: Service
metadata:
  name: sample-named-port-service
spec:
  type: ClusterIP
  ports:
  - name: "http-port"
    protocol: "TCP"
    port: 8080
    targetPort: http
  selector:
    app: sample-app
EOF

kubectl apply -f sample-named-port-pods.yaml
kubectl apply -f sample-named-port-service.yaml
kubectl run sample-pod --image=amsy810/tools:v2.0
kubectl wait --for=condition=Ready pod --all

kubectl describe service sample-named-port-service | grep -E '^(TargetPort|Endpoints):'
kubectl get endpointslices -l kubernetes.io/service-name=sample-named-port-service

# Both pods answer, each on its own port.
for i in $(seq 1 10); do
  kubectl exec sample-pod -- curl -s http://sample-named-port-service:8080
done | awk '{print $3}' | sort | uniq -c
