#!/usr/bin/env bash
# Kubernetes' e2e session-affinity tests (test/e2e/network/service.go), in
# their own style: three agnhost serve-hostname backends (port 80 -> 9376),
# an exec pod, and 16 requests per check from inside it. Affinity holds
# when the last 15 answers name one host (AffinityConfirmCount). Checked
# for ClusterIP and NodePort: plain affinity, the timeout (125 s), and
# switching affinity off and on. Exits non-zero if a check fails.
set -e

backend() { # name type
  cat <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: $1
spec:
  replicas: 3
  selector:
    matchLabels:
      name: $1
  template:
    metadata:
      labels:
        name: $1
    spec:
      containers:
      - name: $1
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: ["serve-hostname"]
        ports:
        - containerPort: 9376
---
apiVersion: v1
kind: Service
metadata:
  name: $1
spec:
  type: $2
  selector:
    name: $1
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 125
  ports:
  - port: 80
    targetPort: 9376
EOF
}

# The URL the exec pod uses: the cluster IP, or the first node's InternalIP and the node port.
target() { # name type
  if [ "$2" = ClusterIP ]; then
    echo "$(kubectl get service $1 -o jsonpath='{.spec.clusterIP}'):80"
  else
    echo "$(kubectl get nodes -o jsonpath='{.items[0].status.addresses[?(@.type=="InternalIP")].address}'):$(kubectl get service $1 -o jsonpath='{.spec.ports[0].nodePort}')"
  fi
}

# 16 requests from the exec pod; prints how many distinct hosts the last 15 named.
hosts_seen() { # url
  kubectl exec execpod -- /bin/sh -c "for i in \$(seq 0 15); do echo; curl -q -s --connect-timeout 2 http://$1/ ; done" \
    | grep -v '^$' | tail -15 | sort -u | wc -l
}

verdict() { # description ok
  if [ "$2" = yes ]; then echo "PASS: $1"; else echo "FAIL: $1"; exit 1; fi
}

kubectl run execpod --image=registry.k8s.io/e2e-test-images/agnhost:2.53 -- pause
kubectl wait --for=condition=Ready pod/execpod

for type in ClusterIP NodePort; do
  name=affinity-$(echo $type | tr 'A-Z' 'a-z')
  backend $name $type | kubectl apply -f -
  kubectl rollout status deployment $name
  url=$(target $name $type)

  # should have session affinity work
  [ "$(hosts_seen $url)" -eq 1 ] && ok=yes || ok=no
  verdict "$type: session affinity holds for 15 requests" $ok

  # should have session affinity timeout work: one request, then wait past the timeout
  seen=$(kubectl exec execpod -- curl -q -s --connect-timeout 2 http://$url/)
  first=$seen
  ok=no
  for i in $(seq 1 10); do
    sleep 130
    seen=$(kubectl exec execpod -- curl -q -s --connect-timeout 2 http://$url/)
    if [ "$seen" != "$first" ]; then ok=yes; break; fi
  done
  verdict "$type: session is not sticky after reaching the timeout" $ok

  # should be able to switch session affinity
  kubectl patch service $name -p '{"spec":{"sessionAffinity":"None"}}'
  [ "$(hosts_seen $url)" -gt 1 ] && ok=yes || ok=no
  verdict "$type: no affinity after switching to None" $ok
  kubectl patch service $name -p '{"spec":{"sessionAffinity":"ClientIP"}}'
  [ "$(hosts_seen $url)" -eq 1 ] && ok=yes || ok=no
  verdict "$type: affinity again after switching back to ClientIP" $ok
done
