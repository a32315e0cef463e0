/**
 * `kubectl describe TYPE [NAME_PREFIX]` for services, pods, nodes and
 * deployments. As in kubectl, a name that matches no object exactly
 * describes every object whose name starts with it.
 */
import { KubectlError, StatusError, renderKubectlError, type KubeObject } from "@svclab/manifest";
import type { Endpoints, Event, Namespace, Node, Pod, Service } from "kubernetes-types/core/v1";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { CommandContext, KubectlCommand } from "../command";
import { stringFlag } from "../flags";
import { describeDeployment } from "../describe/deployment";
import { describeEndpointSlice, describeEndpoints } from "../describe/endpoints";
import { describeNamespace } from "../describe/namespace";
import { describeReplicaSet } from "../describe/replicaset";
import { describeNode } from "../describe/node";
import { describePod } from "../describe/pod";
import { describeService } from "../describe/service";
import { KINDS, formatSelector } from "@svclab/apiserver";
import { parseResourceArgs } from "../resources";

/** describe.go's DefaultChunkSize: events are listed 500 at a time. */
const EVENT_CHUNK = 500;

/**
 * searchEvents: the events whose involvedObject is the object (name,
 * namespace, uid, and kind unless `withKind` is false, as for pods), in
 * fields.Set's sorted order.
 */
async function searchEvents(ctx: CommandContext, ref: { kind?: string; name: string; namespace: string; uid: string }): Promise<Event[]> {
  const fields: Record<string, string> = { "involvedObject.name": ref.name, "involvedObject.namespace": ref.namespace, "involvedObject.uid": ref.uid };
  if (ref.kind !== undefined) fields["involvedObject.kind"] = ref.kind;
  const fieldSelector = Object.keys(fields)
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join(",");
  return ctx.client.list<Event>(KINDS.event, { namespace: ref.namespace, allNamespaces: ref.namespace === "", fieldSelector, limit: EVENT_CHUNK });
}

async function describeObject(ctx: CommandContext, obj: KubeObject): Promise<string> {
  const client = ctx.client;
  const ns = obj.metadata?.namespace ?? "";
  const name = obj.metadata?.name ?? "";
  const uid = obj.metadata?.uid ?? "";
  const now = ctx.clock.now();
  const events = (): Promise<Event[]> => searchEvents(ctx, { kind: obj.kind, name, namespace: ns, uid });
  switch (obj.kind) {
    case "Service": {
      const slices = await client.list<EndpointSlice>(KINDS.endpointSlice, { namespace: ns, labelSelector: `kubernetes.io/service-name=${name}` });
      return describeService(obj as Service, slices, await events(), now);
    }
    case "Pod":
      // describe.go clears the reference's kind for pods.
      return describePod(obj as Pod, now, await searchEvents(ctx, { name, namespace: ns, uid }));
    case "Node": {
      const pods = (await client.list<Pod>(KINDS.pod, { allNamespaces: true })).filter((p) => p.spec?.nodeName === name);
      // The node controller records with the node's uid, the kubelet with its name.
      const nodeEvents = [...(await events()), ...(await searchEvents(ctx, { kind: obj.kind, name, namespace: ns, uid: name }))];
      return describeNode(obj as unknown as Node, pods, now, nodeEvents);
    }
    case "Deployment":
      return describeDeployment(obj as Deployment, await client.list<ReplicaSet>(KINDS.replicaSet, { namespace: ns }), await events(), now);
    case "ReplicaSet": {
      const rs = obj as ReplicaSet;
      return describeReplicaSet(rs, await client.list<Pod>(KINDS.pod, { namespace: ns, labelSelector: formatSelector(rs.spec?.selector) }), await events(), now);
    }
    case "Endpoints":
      return describeEndpoints(obj as Endpoints, await events(), now);
    case "EndpointSlice":
      return describeEndpointSlice(obj as EndpointSlice, await events(), now);
    case "Namespace":
      return describeNamespace(obj as Namespace);
    default:
      throw new KubectlError([`error: describe of ${obj.kind ?? "this kind"} is not supported by this simulator`]);
  }
}

export const describe: KubectlCommand = {
  name: "describe",
  flags: [{ name: "selector", short: "l", type: "string" }],
  async run(p, ctx) {
    if (p.args.length === 0) {
      throw new KubectlError([
        'error: You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.',
      ]);
    }
    const client = ctx.client;
    const selector = stringFlag(p, "selector");
    const objs: KubeObject[] = [];
    for (const ref of parseResourceArgs(p.args)) {
      const ns = ref.kind.namespaced ? ctx.namespace : "";
      const all = (): Promise<KubeObject[]> =>
        client.list<KubeObject>(ref.kind, { namespace: ns, allNamespaces: !ref.kind.namespaced, ...(selector === undefined ? {} : { labelSelector: selector }) });
      if (ref.name === undefined) {
        objs.push(...(await all()));
        continue;
      }
      try {
        objs.push(await client.get<KubeObject>(ref.kind, ref.name, { namespace: ns }));
      } catch (e) {
        if (!(e instanceof StatusError) || e.reason !== "NotFound") throw e;
        const prefixed = (await all()).filter((o) => (o.metadata?.name ?? "").startsWith(ref.name as string));
        if (prefixed.length === 0) {
          ctx.out.fail(renderKubectlError(e));
          continue;
        }
        objs.push(...prefixed);
      }
    }
    if (objs.length === 0 && ctx.out.exitCode === 0) {
      ctx.out.err(`No resources found in ${ctx.namespace} namespace.`);
      return;
    }
    const texts: string[] = [];
    for (const o of objs) texts.push(await describeObject(ctx, o));
    ctx.out.stdout += texts.join("\n\n");
  },
};
