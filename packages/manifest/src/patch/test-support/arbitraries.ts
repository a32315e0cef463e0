// Seeded generators of Services, Deployments and Pods and of patches on them
// (strategic with every directive, merge, JSON patch), drawn from small
// pools of names so that patches hit existing items, duplicate merge keys
// (a port on TCP and UDP) and missing ones alike.
import fc from "fast-check";
import { stringify } from "yaml";

export type Kind = "Service" | "Deployment" | "Pod";
export type Type = "strategic" | "merge" | "json";

export interface Batch {
  readonly kind: Kind;
  readonly type: Type;
  readonly patch: string;
  readonly objects: readonly Record<string, unknown>[];
}

const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined, freq: 2 });
const rec = <T extends Record<string, fc.Arbitrary<unknown>>>(model: T): fc.Arbitrary<Record<string, unknown>> =>
  fc.record(model, { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>;

const word = fc.constantFrom("a", "b", "c", "web", "nginx:1", "nginx:2", "", "yes", "1");
const labelKey = fc.constantFrom("app", "tier", "x", "a.b/c", "__proto__", "constructor");
const labels = fc.dictionary(labelKey, word, { maxKeys: 3 });
const finalizers = fc.subarray(["a", "b", "c", "kubernetes"]);
const portNumber = fc.constantFrom(53, 80, 443, 8080);
const protocol = fc.constantFrom("TCP", "UDP");
const containerName = fc.constantFrom("web", "side", "init");
const envName = fc.constantFrom("A", "B", "C");
const volumeName = fc.constantFrom("data", "cfg");
const directive = fc.constantFrom("delete", "replace", "merge", "bogus", 1);

const ownerReferences = fc.constantFrom([{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "u1" }], [{ apiVersion: "v1", kind: "X", name: "a", uid: "u2" }, { apiVersion: "v1", kind: "X", name: "b", uid: "u1" }]);
const metadata = rec({ name: fc.constant("x"), labels: opt(labels), annotations: opt(labels), finalizers: opt(finalizers), ownerReferences: opt(ownerReferences) }).map((m) => ({ ...m, name: "x" }));

const servicePort = fc.record(
  { port: portNumber, protocol, name: fc.constantFrom("http", "dns", "https"), targetPort: fc.oneof(portNumber, fc.constantFrom("http", "dns")), nodePort: fc.constantFrom(30080, 30053) },
  { requiredKeys: ["port"] },
);

const service = fc
  .record({
    metadata,
    spec: rec({
      type: opt(fc.constantFrom("ClusterIP", "NodePort")),
      selector: opt(labels),
      ports: opt(fc.array(servicePort, { maxLength: 4 })),
      externalIPs: opt(fc.subarray(["10.0.0.1", "10.0.0.2"])),
      sessionAffinity: opt(fc.constantFrom("None", "ClientIP")),
      extra: opt(fc.constantFrom({ a: 1 }, "x", [1])),
    }),
    status: opt(fc.constantFrom({ loadBalancer: { ingress: [{ ip: "192.0.2.1" }] } }, { loadBalancer: {} })),
  })
  .map((o) => ({ apiVersion: "v1", kind: "Service", ...o }));

const containerPort = fc.record({ containerPort: portNumber, protocol, name: fc.constantFrom("http", "dns") }, { requiredKeys: ["containerPort"] });
const envVar = fc.record({ name: envName, value: word }, { requiredKeys: ["name"] });
const container = fc
  .record(
    {
      name: containerName,
      image: word,
      ports: fc.array(containerPort, { maxLength: 3 }),
      env: fc.array(envVar, { maxLength: 3 }),
      args: fc.array(word, { maxLength: 2 }),
      volumeMounts: fc.array(fc.record({ name: volumeName, mountPath: fc.constantFrom("/a", "/b") }), { maxLength: 2 }),
      resources: rec({ limits: opt(fc.constantFrom({ cpu: "500m" }, { cpu: "1", memory: "1Gi" })), requests: opt(fc.constant({ cpu: "100m" })) }),
      livenessProbe: rec({ httpGet: opt(rec({ path: opt(fc.constant("/")), port: fc.constantFrom(80, "http") })), periodSeconds: opt(fc.constant(10)) }),
    },
    { requiredKeys: ["name"] },
  );
const nodeAffinity = fc.constantFrom(
  { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }] } } },
  { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { topologyKey: "zone" } }] } },
);
const volume = fc.oneof(
  fc.record({ name: volumeName, emptyDir: fc.constant({}) }),
  fc.record({ name: volumeName, configMap: fc.record({ name: word }) }),
);
const toleration = fc.record({ key: word, operator: fc.constantFrom("Exists", "Equal"), effect: fc.constantFrom("NoSchedule", "NoExecute") });
const podSpec = fc.record(
  {
    containers: fc.array(container, { minLength: 1, maxLength: 3 }),
    initContainers: fc.array(container, { maxLength: 1 }),
    volumes: fc.array(volume, { maxLength: 3 }),
    nodeSelector: labels,
    tolerations: fc.array(toleration, { maxLength: 2 }),
    restartPolicy: fc.constantFrom("Always", "Never"),
    affinity: nodeAffinity,
    securityContext: fc.constantFrom({ runAsUser: 1000 }, { fsGroup: 2000, runAsNonRoot: true }),
  },
  { requiredKeys: ["containers"] },
);
const deployment = fc
  .record({
    metadata,
    spec: fc.record(
      {
        replicas: fc.integer({ min: 0, max: 5 }),
        selector: fc.record({ matchLabels: labels }),
        strategy: fc.oneof(
          fc.constant({ type: "Recreate" }),
          fc.record({ type: fc.constant("RollingUpdate"), rollingUpdate: rec({ maxSurge: opt(fc.constantFrom(1, "25%")), maxUnavailable: opt(fc.constantFrom(0, "25%")) }) }),
        ),
        template: fc.record({ metadata: fc.record({ labels }), spec: podSpec }),
      },
      { requiredKeys: ["template"] },
    ),
    status: opt(fc.record({ replicas: fc.constant(1), conditions: fc.constantFrom([{ type: "Available", status: "True" }], [{ type: "Progressing", status: "True" }, { type: "Available", status: "False" }]) })),
  })
  .map((o) => ({ apiVersion: "apps/v1", kind: "Deployment", ...o }));
const pod = fc.record({ metadata, spec: podSpec }).map((o) => ({ apiVersion: "v1", kind: "Pod", ...o }));

export const objectOf: Record<Kind, fc.Arbitrary<Record<string, unknown>>> = { Service: service, Deployment: deployment, Pod: pod };

// ---- strategic merge patches ----

/** Sometimes a directive on the item or map. */
const withDirective = (a: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Record<string, unknown>> =>
  fc.oneof({ weight: 4, arbitrary: a }, { weight: 1, arbitrary: fc.tuple(a, directive).map(([m, d]) => ({ ...m, $patch: d })) });

/** A patch list: items to merge, delete, replace; a lone `$patch: replace`; now and then a bad item. */
const listPatch = (item: fc.Arbitrary<Record<string, unknown>>, bad: fc.Arbitrary<unknown>): fc.Arbitrary<unknown[]> =>
  fc.array(
    fc.oneof(
      { weight: 8, arbitrary: withDirective(item) },
      { weight: 1, arbitrary: fc.constant({ $patch: "replace" }) },
      { weight: 1, arbitrary: bad },
    ),
    { maxLength: 3 },
  );

const mapPatch = withDirective(fc.dictionary(labelKey, fc.oneof(word, fc.constant(null)), { maxKeys: 3 }));
const orderOf = <T>(key: string, values: fc.Arbitrary<T>): fc.Arbitrary<Record<string, T>[]> =>
  fc.array(values.map((v) => ({ [key]: v })), { maxLength: 3 });
const someKeys = (keys: string[]): fc.Arbitrary<unknown> => fc.oneof({ weight: 5, arbitrary: fc.subarray(keys) }, { weight: 1, arbitrary: fc.constant("type") });

const metadataPatch = rec({
  labels: opt(fc.oneof(mapPatch, fc.constant(null))),
  annotations: opt(mapPatch),
  finalizers: opt(fc.oneof(finalizers, fc.constant([1]))),
  "$deleteFromPrimitiveList/finalizers": opt(finalizers),
  "$setElementOrder/finalizers": opt(fc.shuffledSubarray(["a", "b", "c", "kubernetes"])),
  ownerReferences: opt(listPatch(rec({ uid: fc.constantFrom("u1", "u3"), name: opt(word) }), fc.constant({ name: "nouid" }))),
  "$setElementOrder/name": opt(fc.constant([])),
  "$deleteFromPrimitiveList/nope": opt(fc.constant(["a"])),
});

const servicePortPatch = rec({ port: portNumber, protocol: opt(protocol), name: opt(fc.constantFrom("http", "dns")), targetPort: opt(portNumber), nodePort: opt(fc.constant(null)) });
const serviceSpecPatch = rec({
  ports: opt(listPatch(servicePortPatch, fc.constantFrom({ name: "noport" }, "80", { port: { a: 1 } }))),
  "$setElementOrder/ports": opt(orderOf("port", portNumber)),
  selector: opt(mapPatch),
  type: opt(fc.constantFrom("NodePort", "LoadBalancer", null)),
  externalIPs: opt(fc.oneof(fc.subarray(["10.0.0.3", "10.0.0.1"]), fc.constant(null))),
  "$deleteFromPrimitiveList/externalIPs": opt(fc.constant(["10.0.0.1"])),
  "$retainKeys": opt(someKeys(["ports", "selector", "type", "externalIPs"])),
  extra: opt(fc.constantFrom({ b: 2 }, "y", [2], null)),
  sessionAffinity: opt(fc.constantFrom({ a: 1 }, "ClientIP")),
});

const envPatch = rec({ name: envName, value: opt(fc.oneof(word, fc.constant(null))) });
const containerPortPatch = rec({ containerPort: portNumber, protocol: opt(protocol), name: opt(fc.constantFrom("http", "dns")) });
const containerPatch = rec({
  name: containerName,
  image: opt(word),
  env: opt(listPatch(envPatch, fc.constantFrom({ value: "novalue" }, "A"))),
  "$setElementOrder/env": opt(orderOf("name", envName)),
  ports: opt(listPatch(containerPortPatch, fc.constantFrom({ protocol: "UDP" }))),
  "$setElementOrder/ports": opt(orderOf("containerPort", portNumber)),
  args: opt(fc.array(word, { maxLength: 2 })),
  volumeMounts: opt(listPatch(rec({ mountPath: fc.constantFrom("/a", "/b", "/c"), name: opt(volumeName) }), fc.constant({ name: "data" }))),
  resources: opt(withDirective(rec({ limits: opt(fc.constantFrom({ cpu: "2" }, { cpu: null }, { memory: { a: 1 } }, null)), requests: opt(fc.constant({ cpu: "200m" })) }))),
  livenessProbe: opt(fc.oneof(fc.constant(null), rec({ httpGet: opt(rec({ port: opt(fc.constantFrom("http", 8080)), path: opt(fc.constant({ a: 1 })) })), periodSeconds: opt(fc.constantFrom(5, null)) }))),
});
const podSpecPatch = rec({
  containers: opt(listPatch(containerPatch, fc.constantFrom({ image: "noname" }, "web", [1]))),
  "$setElementOrder/containers": opt(orderOf("name", containerName)),
  initContainers: opt(listPatch(containerPatch, fc.constant({ image: "x" }))),
  volumes: opt(listPatch(rec({ name: volumeName, emptyDir: opt(fc.constant({})), configMap: opt(fc.oneof(fc.record({ name: word }), fc.constant(null))), "$retainKeys": opt(fc.constant(["name", "emptyDir"])) }), fc.constant({ emptyDir: {} }))),
  "$setElementOrder/volumes": opt(orderOf("name", volumeName)),
  nodeSelector: opt(mapPatch),
  tolerations: opt(fc.array(toleration, { maxLength: 2 })),
  "$setElementOrder/tolerations": opt(fc.constant([{ key: "a" }])),
  restartPolicy: opt(fc.constantFrom("Never", null)),
  "$retainKeys": opt(someKeys(["containers", "volumes", "restartPolicy", "nodeSelector"])),
  affinity: opt(fc.oneof(fc.constant(null), nodeAffinity, fc.constant({ nodeAffinity: { $patch: "delete" } }))),
  securityContext: opt(fc.constantFrom({ runAsUser: 0 }, { runAsUser: null, fsGroup: 1 }, { $patch: "replace", runAsGroup: 3 })),
  "$setElementOrder/restartPolicy": opt(fc.constant(["Always"])),
});
const deploymentSpecPatch = rec({
  replicas: opt(fc.constantFrom(3, null, "2", 1.5, 1e21)),
  minReadySeconds: opt(fc.constantFrom(5, 2.5)),
  strategy: opt(withDirective(rec({ type: opt(fc.constantFrom("Recreate", "RollingUpdate")), rollingUpdate: opt(fc.oneof(fc.constant(null), rec({ maxSurge: opt(fc.constantFrom(2, "50%")) }))), "$retainKeys": opt(someKeys(["type", "rollingUpdate"])) }))),
  selector: opt(rec({ matchLabels: opt(mapPatch) })),
  template: opt(rec({ metadata: opt(rec({ labels: opt(mapPatch) })), spec: opt(podSpecPatch) })),
});

const topDirective = <T extends Record<string, unknown>>(a: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 30, arbitrary: a },
    { weight: 1, arbitrary: fc.tuple(a, fc.constantFrom("replace", "delete", "merge")).map(([m, d]) => ({ ...m, $patch: d })) },
    { weight: 1, arbitrary: fc.constantFrom(null, [], "x", { metadata: { name: "x" }, kind: null }) },
  );

const topRetainKeys = opt(fc.constantFrom(["metadata", "spec"], ["apiVersion", "kind", "metadata", "spec", "status"]));
const strategicPatch: Record<Kind, fc.Arbitrary<unknown>> = {
  Service: topDirective(rec({ metadata: opt(metadataPatch), spec: opt(serviceSpecPatch), status: opt(fc.constantFrom({ loadBalancer: { ingress: [{ hostname: "h" }] } }, { loadBalancer: null })), $retainKeys: topRetainKeys })),
  Deployment: topDirective(
    rec({
      metadata: opt(metadataPatch),
      spec: opt(deploymentSpecPatch),
      status: opt(rec({ conditions: opt(listPatch(rec({ type: fc.constantFrom("Available", "Ready"), status: opt(fc.constantFrom("True", "False")) }), fc.constant({ status: "x" }))), replicas: opt(fc.constantFrom(2, null)) })),
      $retainKeys: topRetainKeys,
    }),
  ),
  Pod: topDirective(rec({ metadata: opt(metadataPatch), spec: opt(podSpecPatch) })),
};

// ---- merge patches: the same shapes without directives, plus nulls in lists ----

const jsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    word,
    fc.constant(null),
    fc.constantFrom(0, 7, -1, 2.5, 1e21, 123456789.5, 1e-7),
    fc.boolean(),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom("a", "b", "name", "port", "__proto__"), tie("value"), { maxKeys: 3 }),
  ),
})).value;

const mergePatchOf = (kind: Kind): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 6, arbitrary: strategicPatch[kind] },
    { weight: 3, arbitrary: rec({ metadata: opt(rec({ labels: opt(mapPatch) })), spec: opt(fc.dictionary(fc.constantFrom("ports", "selector", "type", "containers", "template", "extra"), jsonValue, { maxKeys: 3 })) }) },
    { weight: 1, arbitrary: fc.constantFrom(null, [1, null, { a: null }], "x", 3, { kind: null }, { metadata: null }) },
  );

// ---- JSON patches ----

const paths = fc.constantFrom(
  "/metadata/labels/app",
  "/metadata/labels/new",
  "/metadata/labels",
  "/metadata/finalizers/0",
  "/metadata/finalizers/-",
  "/metadata/finalizers/-1",
  "/spec/ports/0",
  "/spec/ports/1/port",
  "/spec/ports/-",
  "/spec/ports/-1",
  "/spec/ports/-9",
  "/spec/ports/01",
  "/spec/ports/+0",
  "/spec/ports/9",
  "/spec/ports/x",
  "/spec/selector/app",
  "/spec/type",
  "/spec/template/spec/containers/0/image",
  "/spec/template/spec/containers/-1/env/0",
  "/spec/containers/0/image",
  "/spec/containers/0/env/-",
  "/spec/nope/x",
  "/spec/extra/a",
  "",
  "/",
  "spec/type",
  "/metadata/a~1b",
  "/metadata/labels/a.b~1c",
  "/__proto__/polluted",
  "/constructor/prototype",
  "/kind",
  "/spec",
);
const operation = fc.record(
  {
    op: fc.constantFrom("add", "remove", "replace", "move", "copy", "test", "bogus", 1),
    path: fc.oneof({ weight: 12, arbitrary: paths }, { weight: 1, arbitrary: fc.constantFrom(3, null) }),
    value: jsonValue,
    from: paths,
  },
  { requiredKeys: ["op", "path"] },
);
const jsonPatchOps = fc.oneof(
  { weight: 20, arbitrary: fc.array(operation, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, { op: "add" }, "x", [1], [null]) },
);

function text(value: unknown, yaml: boolean): string {
  if (yaml && value !== null && typeof value === "object") return stringify(value, { version: "1.1" });
  return JSON.stringify(value) ?? "null";
}

/** Patch bodies that are not what they should be. */
const malformed = fc.constantFrom('{"spec": {', "not json", "[1,", '{"a":1}x', " ", '\t{"metadata":{"labels":{"a":"b"}}}', "{a: 1}", "- op: add\n  path: /metadata/labels/a\n  value: b\n", "[]", "{}", "spec:\n  - 1\n");

const patchOf = (kind: Kind, type: Type): fc.Arbitrary<string> => {
  const value = type === "strategic" ? strategicPatch[kind] : type === "merge" ? mergePatchOf(kind) : jsonPatchOps;
  return fc.oneof({ weight: 30, arbitrary: fc.tuple(value, fc.integer({ min: 0, max: 9 })).map(([v, r]) => text(v, r === 0)) }, { weight: 1, arbitrary: malformed });
};

/** A patch and the objects it is applied to. */
export function batch(perBatch: number): fc.Arbitrary<Batch> {
  return fc
    .tuple(fc.constantFrom<Kind>("Service", "Deployment", "Pod"), fc.constantFrom<Type>("strategic", "strategic", "merge", "json"))
    .chain(([kind, type]) =>
      fc.record({
        kind: fc.constant(kind),
        type: fc.constant(type),
        patch: patchOf(kind, type),
        // Through JSON, as kubectl reads them: keys left undefined disappear.
        // Mostly the patch's own kind, now and then another (a Service patch on a Pod).
        objects: fc.array(
          fc.oneof({ weight: 12, arbitrary: objectOf[kind] }, { weight: 1, arbitrary: fc.oneof(service, deployment, pod) }).map((o) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>),
          { minLength: perBatch, maxLength: perBatch },
        ),
      }),
    );
}
