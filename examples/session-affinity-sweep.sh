#!/usr/bin/env bash
# The article's question as a measurement: after the 10-second affinity
# timeout, does the next request land on another pod? Run it over many
# seeds: svclab sweep examples/session-affinity-sweep.sh --seeds 1-1000
kubectl create deployment sample-deployment --image=amsy810/echo-nginx:v2.0 --replicas=3 > /dev/null
kubectl run sample-pod --image=amsy810/tools:v2.0 > /dev/null
kubectl apply -f - > /dev/null <<EOF
apiVersion: v1
kind: Service
metadata:
  name: sample-session-affinity
spec:
  type: LoadBalancer
  selector:
    app: sample-deployment
  ports:
  - name: http-port
    protocol: TCP
    port: 8080
    targetPort: 80
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 10
EOF
kubectl rollout status deployment sample-deployment > /dev/null
kubectl wait --for=condition=Ready pod/sample-pod > /dev/null

url=http://sample-session-affinity.default.svc.cluster.local:8080
first=$(kubectl exec sample-pod -- curl -s $url | grep -o 'From=[^ ]*')
again=$(kubectl exec sample-pod -- curl -s $url | grep -o 'From=[^ ]*')
sleep 11
after=$(kubectl exec sample-pod -- curl -s $url | grep -o 'From=[^ ]*')

# Within the timeout the pod must not change; after it, Cilium picks again among the three.
echo "MEASURE kept=$([ "$first" = "$again" ] && echo 1 || echo 0) switched=$([ "$first" != "$after" ] && echo 1 || echo 0)"
