#!/usr/bin/env bash
# NodePort (the book's sample-nodeport): the Service answers on port 30080
# of every node. Then the two ways to get a node port wrong: outside the
# 30000-32767 range, and one another Service already holds.

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

cat <<EOF > sample-nodeport.yaml
apiVersion: v1
kind: Service
metadata:
  name: sample-nodeport
spec:
  type: NodePort
  ports:
  - name: "http-port"
    protocol: "TCP"
    port: 8080
    targetPort: 80
    nodePort: 30080
  selector:
    app: sample-app
EOF

kubectl apply -f sample-deployment.yaml
kubectl apply -f sample-nodeport.yaml
kubectl rollout status deployment sample-deployment
kubectl get service sample-nodeport

# From this machine to each node's port 30080. With externalTrafficPolicy
# Cluster a node may forward to a pod on another node; it then masquerades,
# and that pod sees the node's address instead of ours.
for node in kind-control-plane kind-worker kind-worker2 kind-worker3; do
  ip=$(kubectl get node $node -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}')
  curl -s http://$ip:30080
done

# A node port outside the range...
sed -e 's/name: sample-nodeport$/name: sample-nodeport-fail/' -e 's/nodePort: 30080/nodePort: 8888/' sample-nodeport.yaml > sample-nodeport-fail.yaml
kubectl apply -f sample-nodeport-fail.yaml

# ...and one that is taken.
sed -e 's/name: sample-nodeport$/name: sample-nodeport-fail2/' sample-nodeport.yaml > sample-nodeport-fail2.yaml
kubectl apply -f sample-nodeport-fail2.yaml
kubectl get services -o name
