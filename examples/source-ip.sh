#!/usr/bin/env bash
# The kubernetes.io tutorial "Using Source IP": which client address a pod
# sees behind a ClusterIP Service, a NodePort Service, and the same
# NodePort once its externalTrafficPolicy is Local.

kubectl create deployment source-ip-app --image=registry.k8s.io/echoserver:1.10
kubectl rollout status deployment source-ip-app

# ClusterIP: the server sees the client pod's own address.
kubectl expose deployment source-ip-app --name=clusterip --port=80 --target-port=8080
kubectl run busybox -it --image=busybox:1.28 --restart=Never --rm -- wget -qO - http://clusterip | grep client_address
kubectl get pods -o wide

# NodePort: from outside, through every node. Nodes forward to the pod
# wherever it runs and masquerade: the server sees node addresses.
kubectl expose deployment source-ip-app --name=nodeport --port=80 --target-port=8080 --type=NodePort
NODEPORT=$(kubectl get -o jsonpath="{.spec.ports[0].nodePort}" services nodeport)
NODES=$(kubectl get nodes -o jsonpath='{ $.items[*].status.addresses[?(@.type=="InternalIP")].address }')
for node in $NODES; do curl -s --connect-timeout 1 $node:$NODEPORT | grep -i client_address; done

# externalTrafficPolicy: Local: only the node running the pod answers, and
# the server sees this machine's address.
kubectl patch svc nodeport -p '{"spec":{"externalTrafficPolicy":"Local"}}'
for node in $NODES; do curl -s --connect-timeout 1 $node:$NODEPORT | grep -i client_address; done
