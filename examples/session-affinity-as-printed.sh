#!/usr/bin/env bash
# The seed article's Service exactly as printed. It has two typos, and the
# API server reports them one at a time: strict decoding first (the unknown
# field `portocol` is a BadRequest), validation second (`sessionAffinity:
# ClusterIP` is Invalid). Nothing is created until both are fixed.

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
    portocol: TCP
    port: 8080
    targetPort: 80
    nodePort: 30084
  sessionAffinity: ClusterIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 10
EOF

kubectl apply -f sample-session-affinity.yaml

# Fix the first typo: the field is `protocol`.
sed -i 's/portocol:/protocol:/' sample-session-affinity.yaml
kubectl apply -f sample-session-affinity.yaml

# Fix the second: the affinity type is `ClientIP`.
sed -i 's/sessionAffinity: ClusterIP/sessionAffinity: ClientIP/' sample-session-affinity.yaml
kubectl apply -f sample-session-affinity.yaml
kubectl get service sample-session-affinity -o jsonpath='{.spec.sessionAffinity} {.spec.sessionAffinityConfig.clientIP.timeoutSeconds}{"\n"}'
