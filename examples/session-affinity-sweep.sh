#!/usr/bin/env bash
# The article's question as a measurement: after the 10-second affinity
# timeout, does the next request land on another pod? Run it over many
# seeds: svclab sweep examples/session-affinity-sweep.sh --seeds 1-1000
kubectl apply -f manifests/sample-deployment.yaml > /dev/null
kubectl apply -f manifests/sample-pod.yaml > /dev/null
kubectl apply -f manifests/sample-session-affinity.yaml > /dev/null
kubectl rollout status deployment sample-deployment > /dev/null
kubectl wait --for=condition=Ready pod/sample-pod > /dev/null

url=http://sample-session-affinity.default.svc.cluster.local:8080
first=$(kubectl exec sample-pod -- curl -s $url | grep -o 'From=[^ ]*')
again=$(kubectl exec sample-pod -- curl -s $url | grep -o 'From=[^ ]*')
sleep 11
after=$(kubectl exec sample-pod -- curl -s $url | grep -o 'From=[^ ]*')

# Within the timeout the pod must not change; after it, Cilium picks again among the three.
echo "MEASURE kept=$([ "$first" = "$again" ] && echo 1 || echo 0) switched=$([ "$first" != "$after" ] && echo 1 || echo 0)"
