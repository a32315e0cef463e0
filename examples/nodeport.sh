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

# From this machine to the first worker's node port: the pods see a node
# address, not ours (externalTrafficPolicy: Cluster masquerades).
NODE_IP=$(kubectl get node kind-worker -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}')
curl -s http://$NODE_IP:30080

# A node port outside the range...
sed -e 's/name: sample-nodeport$/name: sample-nodeport-fail/' -e 's/nodePort: 30080/nodePort: 8888/' sample-nodeport.yaml > sample-nodeport-fail.yaml
kubectl apply -f sample-nodeport-fail.yaml

# ...and one that is taken.
sed -e 's/name: sample-nodeport$/name: sample-nodeport-fail2/' sample-nodeport.yaml > sample-nodeport-fail2.yaml
kubectl apply -f sample-nodeport-fail2.yaml
kubectl get services -o name
