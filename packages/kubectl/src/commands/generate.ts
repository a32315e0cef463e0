/**
 * kubectl's object generators, as the Kubernetes docs' Service tutorials
 * use them: `kubectl create deployment NAME --image=...`, `kubectl create
 * namespace NAME` and `kubectl expose deployment|pod|service NAME
 * --port=... [--target-port=...] [--type=...]`. Each builds the object
 * kubectl would send and creates it.
 */
import { KubectlError, type KubeObject } from "@svclab/manifest";
import type { Pod, Service, ServicePort } from "kubernetes-types/core/v1";
import type { Deployment } from "kubernetes-types/apps/v1";
import type { CommandContext, KubectlCommand } from "../command";
import { intFlag, stringFlag, stringsFlag, type ParsedArgs } from "../flags";
import { parseResourceArgs } from "../resources";

/** The container name kubectl derives from an image: its last path element, without tag or digest. */
function containerName(image: string): string {
  const last = image.split("/").pop() ?? image;
  return last.split("@")[0]?.split(":")[0] ?? last;
}

export async function createDeployment(p: ParsedArgs, ctx: CommandContext): Promise<void> {
  const name = p.args[1];
  if (name === undefined) throw new KubectlError(["error: exactly one NAME is required, got 0", "See 'kubectl create deployment -h' for help and examples"]);
  const images = stringsFlag(p, "image");
  if (images.length === 0) throw new KubectlError([`error: required flag(s) "image" not set`]);
  const port = intFlag(p, "port");
  const labels = { app: name };
  const deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels },
    spec: {
      replicas: intFlag(p, "replicas") ?? 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: images.map((image) => ({ name: containerName(image), image, ...(port === undefined ? {} : { ports: [{ containerPort: port }] }) })) },
      },
    },
  };
  await ctx.client.createObject(deployment, { namespace: ctx.namespace });
  ctx.out.out(`deployment.apps/${name} created`);
}

export async function createNamespace(p: ParsedArgs, ctx: CommandContext): Promise<void> {
  const name = p.args[1];
  if (name === undefined) throw new KubectlError(["error: exactly one NAME is required, got 0", "See 'kubectl create namespace -h' for help and examples"]);
  await ctx.client.createObject({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
  ctx.out.out(`namespace/${name} created`);
}

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
    let ports: ServicePort[] = portFlag === undefined ? from.ports : portFlag.split(",").map((x) => ({ port: Number(x), protocol }));
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
