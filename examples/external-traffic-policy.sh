#!/usr/bin/env bash
# externalTrafficPolicy: Local (the book's sample-nodeport-local and
# sample-lb-local): a node forwards outside traffic only to its own pods,
# without the second hop and without masquerading, so the pod sees our
# address; a node without such a pod does not answer. A LoadBalancer
# Service also gets a healthCheckNodePort that tells the load balancer
# which nodes have local endpoints.

cat <<EOF > sample-deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: sample-deployment
spec:
  replicas: 2
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

cat <<EOF > sample-nodeport-local.yaml
apiVersion: v1
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
EOF

cat <<EOF > sample-lb-local.yaml
apiVersion: v1
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
EOF

kubectl apply -f sample-deployment.yaml
kubectl apply -f sample-nodeport-local.yaml
kubectl apply -f sample-lb-local.yaml
kubectl rollout status deployment sample-deployment
kubectl get pods -o wide

# Each worker's node port: answered by its own pod with our address as
# ClientIP, or not at all.
for node in kind-worker kind-worker2 kind-worker3; do
  ip=$(kubectl get node $node -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}')
  echo "== $node ($ip)"
  curl -sS --connect-timeout 2 http://$ip:30081
done

# The health check node port of the LoadBalancer Service, per worker.
kubectl describe service sample-lb-local | grep -E '^(External Traffic Policy|HealthCheck NodePort):'
for node in kind-worker kind-worker2 kind-worker3; do
  ip=$(kubectl get node $node -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}')
  echo "== $node"
  curl -s -w '  (HTTP %{http_code})\n' http://$ip:30086/healthz
done

# Through the load balancer, once its health checks have settled, only the
# nodes with a local pod get traffic, and our address is kept.
sleep 20
LB_IP=$(kubectl get service sample-lb-local -o jsonpath='{.status.loadBalancer.ingress[0].ip}')
for i in $(seq 1 4); do curl -sS --connect-timeout 2 http://$LB_IP:8080; done
