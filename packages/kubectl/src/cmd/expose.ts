/**
 * `kubectl expose`: a Service for a Deployment, ReplicaSet, Pod or Service
 * (by name or from -f), with its selector and ports taken from the object as
 * kubectl's generator takes them, and --dry-run / -o.
 */
import { KubectlError, StatusError, type KubeObject } from "@svclab/manifest";
import { KINDS } from "@svclab/apiserver";
import { FILENAME_FLAGS, type KubectlCommand } from "../command";
import { boolFlag, stringFlag, stringsFlag } from "../flags";
import { exposeIntrospect, exposedServiceFor, type ExposeParams } from "../generators";
import { PRINT_FLAGS, printObject, printerFor } from "../print/objects";
import { NO_RESOURCES_GIVEN, parseResourceArgs } from "../resources";
import { readManifests } from "../io";

/** Flags copied into the generator's parameters, by flag name. */
const PARAMS: Record<string, keyof ExposeParams> = {
  name: "name",
  port: "port",
  protocol: "protocol",
  "target-port": "targetPort",
  type: "type",
  selector: "selector",
  labels: "labels",
  "external-ip": "externalIP",
  "load-balancer-ip": "loadBalancerIP",
  "session-affinity": "sessionAffinity",
  "cluster-ip": "clusterIP",
};

/** Go's strconv.Atoi, whose error kubectl's service generator passes on. */
function atoi(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new KubectlError([`error: strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`]);
  return Number(text);
}

export const expose: KubectlCommand = {
  name: "expose",
  flags: [
    ...FILENAME_FLAGS,
    ...PRINT_FLAGS,
    ...Object.keys(PARAMS).map((name) => ({ name, ...(name === "labels" ? { short: "l" } : {}), type: "string" as const })),
  ],
  async run(p, ctx) {
    const files = stringsFlag(p, "filename");
    const printer = printerFor(p);
    let objects: KubeObject[];
    if (files.length > 0) {
      objects = (await readManifests(files, ctx.io, boolFlag(p, "recursive"))).map((d) => d.value as KubeObject);
    } else {
      const ref = parseResourceArgs(p.args)[0];
      if (ref === undefined || ref.name === undefined) throw new KubectlError(NO_RESOURCES_GIVEN);
      objects = [await ctx.client.get<KubeObject>(ref.kind, ref.name, { namespace: ctx.namespace })];
    }
    let params: Record<string, string> = {};
    for (const [flag, key] of Object.entries(PARAMS)) {
      const v = stringFlag(p, flag);
      if (v !== undefined) params[key] = v;
    }
    if (ctx.namespaceGiven && printer.dryRun === "client") params.namespace = ctx.namespace;
    // Each object's failure is reported after the others are done, as kubectl's visitor aggregates them.
    const errors: unknown[] = [];
    let printed = 0;
    for (const obj of objects) {
      try {
        params = { ...exposeIntrospect(obj, params as ExposeParams) } as Record<string, string>;
        const service = exposedServiceFor(obj, params as ExposeParams);
        let object = service as KubeObject;
        if (printer.dryRun !== "client") {
          object = (await ctx.client.create<KubeObject>(KINDS.service, service, { namespace: ctx.namespace, fieldManager: "kubectl-expose", dryRun: printer.dryRun === "server" })).object;
        }
        printObject(ctx.out, printer, { kind: KINDS.service, object, typed: printer.dryRun === "client" }, "exposed", printed++);
      } catch (e) {
        if (!(e instanceof KubectlError || e instanceof StatusError)) throw e;
        errors.push(e);
      }
    }
    if (errors.length === 1) throw errors[0];
    // Several errors print as kubectl prints an aggregate: one message a line, without `error: `.
    if (errors.length > 1) ctx.out.fail(errors.map((e) => (e instanceof StatusError ? `Error from server (${e.reason}): ${e.message}` : (e as Error).message.replace(/^error: /, ""))).join("\n"));
  },
};
