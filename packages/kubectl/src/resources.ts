/**
 * Resource arguments as kubectl's builder reads them: `pods`, `po,svc`,
 * `pod/x svc/y`, `pods x y`, `all`, with the RESTMapper's short names.
 */
import { KubectlError, resolveResource, type KindInfo, type KubeObject } from "@svclab/manifest";
import { SERVED_KINDS } from "@svclab/apiserver";

export interface ResourceRef {
  readonly kind: KindInfo;
  /** Undefined: every object of the kind (subject to -l). */
  readonly name: string | undefined;
}

/** kubectl get all: the workload kinds this cluster serves, in kubectl's order. */
const ALL = ["pods", "services", "deployments", "replicasets"];

/** The RESTMapper (Node is served by the cluster before @svclab/manifest knows it). */
function resolveKind(arg: string): KindInfo {
  const lower = arg.toLowerCase();
  const kind = resolveResource(lower) ?? SERVED_KINDS.find((k) => lower === k.resource || lower === k.singular || k.shortNames.includes(lower));
  if (kind === undefined) throw new KubectlError([`error: the server doesn't have a resource type ${JSON.stringify(arg)}`]);
  return kind;
}

/** Parses resource arguments into (kind, name) pairs, in the order given. */
export function parseResourceArgs(args: readonly string[]): ResourceRef[] {
  if (args.length === 0) return [];
  if (args.some((a) => a.includes("/"))) {
    if (!args.every((a) => a.includes("/"))) {
      throw new KubectlError([
        "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
      ]);
    }
    return args.map((a) => {
      const slash = a.indexOf("/");
      const name = a.slice(slash + 1);
      if (name === "") throw new KubectlError([`error: arguments in resource/name form must have a single resource and name`]);
      return { kind: resolveKind(a.slice(0, slash)), name };
    });
  }
  const [types, ...names] = args as [string, ...string[]];
  const kinds = types.split(",").flatMap((t) => (t === "all" ? ALL : [t])).map(resolveKind);
  if (names.length === 0) return kinds.map((kind) => ({ kind, name: undefined }));
  return kinds.flatMap((kind) => names.map((name) => ({ kind, name })));
}

/** `service/x`, `deployment.apps/x`: kubectl's type/name with the API group. */
export function qualifiedRef(kind: KindInfo, name: string): string {
  return `${kind.group === "" ? kind.singular : `${kind.singular}.${kind.group}`}/${name}`;
}

/** `service "x"`, `deployment.apps "x"`: how delete names an object. */
export function quotedRef(kind: KindInfo, name: string): string {
  return `${kind.group === "" ? kind.singular : `${kind.singular}.${kind.group}`} ${JSON.stringify(name)}`;
}

export function nameOf(obj: KubeObject): string {
  return obj.metadata?.name ?? "";
}

/** What kubectl's resource builder says when it is given nothing to visit (delete, scale, wait...). */
export const NO_RESOURCES_GIVEN: readonly string[] = [
  "error: You must provide one or more resources by argument or filename.",
  "Example resource specifications include:",
  "   '-f rsrc.yaml'",
  "   '--filename=rsrc.json'",
  "   '<resource> <name>'",
  "   '<resource>'",
];
