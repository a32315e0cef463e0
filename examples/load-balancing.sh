#!/usr/bin/env bash
# A ClusterIP Service in front of three pods (the book's sample-clusterip):
# each new connection from the client pod may land on any of them.

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

cat <<EOF > sample-clusterip.yaml
apiVersion: v1
kind: Service
metadata:
  name: sample-clusterip
spec:
  type: ClusterIP
  ports:
  - name: "http-port"
    protocol: "TCP"
    port: 8080
    targetPort: 80
  selector:
    app: sample-app
EOF

kubectl apply -f sample-deployment.yaml
kubectl apply -f sample-clusterip.yaml
kubectl run sample-pod --image=amsy810/tools:v2.0
kubectl rollout status deployment sample-deployment
kubectl wait --for=condition=Ready pod/sample-pod

kubectl get service sample-clusterip
kubectl get endpoints sample-clusterip

# Twelve requests, counted per pod that answered.
for i in $(seq 1 12); do
  kubectl exec sample-pod -- curl -s http://sample-clusterip:8080
done | awk '{print $3}' | sort | uniq -c
