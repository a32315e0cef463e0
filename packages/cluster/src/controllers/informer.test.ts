// The informer's indexes answer what a list-and-filter of the API server
// answers, after any sequence of creates, relabels, owner changes, bindings,
// phase changes and (graceful) deletes.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Pod, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { matchesSelectorMap } from "@svclab/manifest";
import { ApiServer, KINDS, podHooks } from "@svclab/apiserver";
import { SeededRandom } from "@svclab/sim";
import { SharedInformers } from "./informer";
import {
  BY_CONTROLLER,
  BY_NODE,
  BY_NODE_AND_CONTROLLER,
  BY_OWNER,
  byController,
  byLabel,
  byNode,
  byNodeAndController,
  byOwner,
  bySelector,
  nodeControllerValue,
  selectedPods,
  selectingServices,
  BY_LABEL,
  BY_SELECTOR,
  BY_SERVICE,
  BY_SERVICE_NAME,
  byService,
  byServiceName,
  serviceSlices,
  serviceSliceValue,
} from "./indexes";
import { isPodActive } from "./pod-state";
import { controllerUid } from "./work-queue";

const NAMESPACES = ["default", "team-a"];
const NODES = ["n1", "n2", "n3"];
const OWNERS = ["uid-a", "uid-b", "uid-c"];
const labels = fc.dictionary(fc.constantFrom("app", "tier", "env"), fc.constantFrom("x", "y"), { maxKeys: 3 });
const ref = (uid: string, controller: boolean) => ({ apiVersion: "apps/v1", kind: "ReplicaSet", name: uid, uid, controller });

type Op =
  | { op: "createPod"; ns: string; name: string; labels: Record<string, string>; owner: string | undefined; other: string | undefined }
  | { op: "relabel"; ns: string; name: string; labels: Record<string, string> }
  | { op: "bind"; ns: string; name: string; node: string }
  | { op: "finish"; ns: string; name: string }
  | { op: "delete"; ns: string; name: string; now: boolean }
  | { op: "createService"; ns: string; name: string; selector: Record<string, string> | undefined }
  | { op: "reselect"; ns: string; name: string; selector: Record<string, string> | undefined }
  | { op: "deleteService"; ns: string; name: string }
  | { op: "writeSlice"; ns: string; name: string; service: string | undefined; managedBy: string };

const podName = fc.constantFrom("p0", "p1", "p2", "p3", "p4", "p5");
const svcName = fc.constantFrom("s0", "s1", "s2");
const ns = fc.constantFrom(...NAMESPACES);
const selector = fc.option(labels, { nil: undefined });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("createPod" as const), ns, name: podName, labels, owner: fc.option(fc.constantFrom(...OWNERS), { nil: undefined }), other: fc.option(fc.constantFrom(...OWNERS), { nil: undefined }) }),
  fc.record({ op: fc.constant("relabel" as const), ns, name: podName, labels }),
  fc.record({ op: fc.constant("bind" as const), ns, name: podName, node: fc.constantFrom(...NODES) }),
  fc.record({ op: fc.constant("finish" as const), ns, name: podName }),
  fc.record({ op: fc.constant("delete" as const), ns, name: podName, now: fc.boolean() }),
  fc.record({ op: fc.constant("createService" as const), ns, name: svcName, selector }),
  fc.record({ op: fc.constant("reselect" as const), ns, name: svcName, selector }),
  fc.record({ op: fc.constant("deleteService" as const), ns, name: svcName }),
  fc.record({
    op: fc.constant("writeSlice" as const),
    ns,
    name: fc.constantFrom("e0", "e1", "e2"),
    service: fc.option(svcName, { nil: undefined }),
    managedBy: fc.constantFrom("endpointslice-controller.k8s.io", "endpointslicemirroring-controller.k8s.io"),
  }),
);

function apply(api: ApiServer, o: Op): void {
  const pod = api.tryGet<Pod>(KINDS.pod, o.ns, o.name);
  const svc = api.tryGet<Service>(KINDS.service, o.ns, o.name);
  switch (o.op) {
    case "createPod":
      if (pod !== undefined) return;
      api.create(KINDS.pod, {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: o.name,
          namespace: o.ns,
          labels: o.labels,
          ownerReferences: [...(o.owner ? [ref(o.owner, true)] : []), ...(o.other && o.other !== o.owner ? [ref(o.other, false)] : [])],
        },
        spec: { containers: [{ name: "c", image: "nginx" }] },
      });
      return;
    case "relabel":
      if (pod !== undefined) api.update(KINDS.pod, { ...pod, metadata: { ...pod.metadata, labels: o.labels } });
      return;
    case "bind":
      if (pod !== undefined && !pod.spec?.nodeName) api.bindPod(o.ns, o.name, o.node);
      return;
    case "finish":
      if (pod !== undefined) api.updateStatus(KINDS.pod, { ...pod, status: { ...pod.status, phase: "Succeeded" } });
      return;
    case "delete":
      if (pod !== undefined) api.delete(KINDS.pod, o.ns, o.name, o.now ? { gracePeriodSeconds: 0 } : {});
      return;
    case "createService":
      if (svc === undefined) api.create(KINDS.service, { apiVersion: "v1", kind: "Service", metadata: { name: o.name, namespace: o.ns }, spec: { clusterIP: "None", selector: o.selector, ports: [{ port: 80 }] } });
      return;
    case "reselect":
      if (svc !== undefined) api.update(KINDS.service, { ...svc, spec: { ...svc.spec, selector: o.selector } });
      return;
    case "deleteService":
      if (svc !== undefined) api.delete(KINDS.service, o.ns, o.name);
      return;
    case "writeSlice": {
      const slice = api.tryGet<EndpointSlice>(KINDS.endpointSlice, o.ns, o.name);
      if (slice !== undefined && o.service === undefined) {
        api.delete(KINDS.endpointSlice, o.ns, o.name);
        return;
      }
      const labels = { "endpointslice.kubernetes.io/managed-by": o.managedBy, ...(o.service ? { "kubernetes.io/service-name": o.service } : {}) };
      if (slice === undefined) api.create(KINDS.endpointSlice, { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: o.name, namespace: o.ns, labels }, addressType: "IPv4", endpoints: [] });
      else api.update(KINDS.endpointSlice, { ...slice, metadata: { ...slice.metadata, labels } });
    }
  }
}

const names = (objs: readonly { metadata?: { namespace?: string; name?: string } }[]) => objs.map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`);

describe("informer indexes", () => {
  it("agree with a full scan after any sequence of changes", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const api = new ApiServer(new SeededRandom(1), () => new Date(0));
        api.setHooks(KINDS.pod, podHooks);
        for (const name of NAMESPACES) api.create(KINDS.namespace, { apiVersion: "v1", kind: "Namespace", metadata: { name } });
        const informers = new SharedInformers(api);
        const pods = informers.for<Pod>(KINDS.pod);
        const services = informers.for<Service>(KINDS.service);
        const slices = informers.for<EndpointSlice>(KINDS.endpointSlice);
        slices.addIndex(BY_SERVICE, byService);
        // Half the indexes exist before the changes, half are built over a warm cache.
        pods.addIndex(BY_CONTROLLER, byController);
        pods.addIndex(BY_LABEL, byLabel);
        services.addIndex(BY_SELECTOR, bySelector);
        const half = Math.floor(ops.length / 2);
        for (const o of ops.slice(0, half)) apply(api, o);
        pods.addIndex(BY_OWNER, byOwner);
        pods.addIndex(BY_NODE, byNode);
        pods.addIndex(BY_NODE_AND_CONTROLLER, byNodeAndController);
        slices.addIndex(BY_SERVICE_NAME, byServiceName);
        for (const o of ops.slice(half)) apply(api, o);

        const allPods = api.list<Pod>(KINDS.pod);
        expect(names(pods.list())).toEqual(names(allPods));
        for (const uid of OWNERS) {
          expect(names(pods.byIndex(BY_CONTROLLER, uid))).toEqual(names(allPods.filter((p) => controllerUid(p) === uid)));
          expect(names(pods.byIndex(BY_OWNER, uid))).toEqual(names(allPods.filter((p) => p.metadata?.ownerReferences?.some((r) => r.uid === uid))));
        }
        for (const node of NODES) {
          const bound = allPods.filter((p) => p.spec?.nodeName === node && isPodActive(p));
          expect(pods.countByIndex(BY_NODE, node)).toBe(bound.length);
          for (const uid of OWNERS) {
            expect(pods.countByIndex(BY_NODE_AND_CONTROLLER, nodeControllerValue(node, uid))).toBe(bound.filter((p) => controllerUid(p) === uid).length);
          }
        }
        for (const namespace of NAMESPACES) {
          const nsSlices = api.list<EndpointSlice>(KINDS.endpointSlice, namespace);
          for (const service of ["s0", "s1", "s2"]) {
            const named = nsSlices.filter((s) => s.metadata?.labels?.["kubernetes.io/service-name"] === service);
            expect(names(serviceSlices(slices, namespace, service))).toEqual(names(named));
            for (const managedBy of ["endpointslice-controller.k8s.io", "endpointslicemirroring-controller.k8s.io"]) {
              expect(names(slices.byIndex(BY_SERVICE, serviceSliceValue(namespace, managedBy, service)))).toEqual(
                names(named.filter((s) => s.metadata?.labels?.["endpointslice.kubernetes.io/managed-by"] === managedBy)),
              );
            }
          }
          const inNs = api.list<Pod>(KINDS.pod, namespace);
          for (const svc of api.list<Service>(KINDS.service, namespace)) {
            const sel = svc.spec?.selector;
            if (sel === undefined) continue;
            expect(names(selectedPods(pods, namespace, sel))).toEqual(names(inNs.filter((p) => matchesSelectorMap(sel, p.metadata?.labels ?? {}))));
          }
          for (const pod of inNs) {
            const l = pod.metadata?.labels ?? {};
            const scan = api.list<Service>(KINDS.service, namespace).filter((s) => s.spec?.selector !== undefined && matchesSelectorMap(s.spec.selector, l));
            expect(names(selectingServices(services, namespace, [l]))).toEqual(names(scan));
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
