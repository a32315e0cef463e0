/**
 * `kubectl expose`: a Service for a Deployment, ReplicaSet, Pod or Service,
 * with its selector and ports taken from the object as kubectl's generators
 * take them.
 */
import { KubectlError, type KubeObject } from "@svclab/manifest";
import type { Pod, Service, ServicePort } from "kubernetes-types/core/v1";
import type { Deployment } from "kubernetes-types/apps/v1";
import type { KubectlCommand } from "../command";
import { stringFlag } from "../flags";
import { parseResourceArgs } from "../resources";

const SERVICE_TYPES = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];

/** The selector and ports `kubectl expose` copies from the object it exposes. */
function exposed(obj: KubeObject): { selector: Record<string, string>; ports: ServicePort[] } {
  switch (obj.kind) {
    case "Deployment": {
      const d = obj as Deployment;
      if ((d.spec?.selector.matchExpressions ?? []).length > 0) {
        throw new KubectlError(["error: couldn't convert expressions - \"matchExpressions\" is not supported, only \"matchLabels\" is supported"]);
      }
      const ports = (d.spec?.template.spec?.containers ?? []).flatMap((c) => c.ports ?? []);
      return { selector: { ...(d.spec?.selector.matchLabels ?? {}) }, ports: ports.map((cp) => ({ port: cp.containerPort, protocol: cp.protocol ?? "TCP" })) };
    }
    case "Pod": {
      const pod = obj as Pod;
      const ports = (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []);
      return { selector: { ...(pod.metadata?.labels ?? {}) }, ports: ports.map((cp) => ({ port: cp.containerPort, protocol: cp.protocol ?? "TCP" })) };
    }
    case "Service": {
      const svc = obj as Service;
      return { selector: { ...(svc.spec?.selector ?? {}) }, ports: (svc.spec?.ports ?? []).map((sp) => ({ port: sp.port, protocol: sp.protocol ?? "TCP", ...(sp.name ? { name: sp.name } : {}) })) };
    }
    default:
      throw new KubectlError([`error: cannot expose a ${obj.kind}`]);
  }
}

/** Go's strconv.Atoi, whose error kubectl's service generator passes on. */
function atoi(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new KubectlError([`error: strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`]);
  return Number(text);
}

export const expose: KubectlCommand = {
  name: "expose",
  flags: [
    { name: "port", type: "string" },
    { name: "target-port", type: "string" },
    { name: "type", type: "string" },
    { name: "name", type: "string" },
    { name: "protocol", type: "string" },
    { name: "external-ip", type: "string" },
    { name: "session-affinity", type: "string" },
  ],
  async run(p, ctx) {
    const ref = parseResourceArgs(p.args)[0];
    if (ref === undefined || ref.name === undefined) {
      throw new KubectlError(["error: You must provide one or more resources by argument or filename.", "Example resource specifications include:", "   '-f rsrc.yaml'", "   '--filename=rsrc.json'", "   '<resource> <name>'", "   '<resource>'"]);
    }
    const obj = await ctx.client.get<KubeObject>(ref.kind, ref.name, { namespace: ctx.namespace });
    const from = exposed(obj);
    const type = stringFlag(p, "type");
    if (type !== undefined && !SERVICE_TYPES.includes(type)) throw new KubectlError([`error: cannot expose a service of type ${JSON.stringify(type)}`]);
    const portFlag = stringFlag(p, "port");
    const protocol = stringFlag(p, "protocol") ?? "TCP";
    let ports: ServicePort[] = portFlag === undefined ? from.ports : portFlag.split(",").map((x) => ({ port: atoi(x), protocol }));
    if (ports.length === 0) throw new KubectlError([`error: couldn't find port via --port flag or introspection`, "See 'kubectl expose -h' for help and examples"]);
    const target = stringFlag(p, "target-port");
    ports = ports.map((sp, i) => ({
      ...(ports.length > 1 ? { name: sp.name ?? `port-${i + 1}` } : {}),
      port: sp.port,
      protocol: sp.protocol,
      targetPort: target === undefined ? sp.port : /^\d+$/.test(target) ? Number(target) : target,
    }));
    const name = stringFlag(p, "name") ?? ref.name;
    const labels = obj.metadata?.labels;
    const externalIP = stringFlag(p, "external-ip");
    const affinity = stringFlag(p, "session-affinity");
    const service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, ...(labels === undefined ? {} : { labels }) },
      spec: {
        ports,
        selector: from.selector,
        ...(type === undefined ? {} : { type }),
        ...(externalIP === undefined ? {} : { externalIPs: externalIP.split(",") }),
        ...(affinity === undefined ? {} : { sessionAffinity: affinity }),
      },
    };
    await ctx.client.createObject(service, { namespace: ctx.namespace });
    ctx.out.out(`service/${name} exposed`);
  },
};
