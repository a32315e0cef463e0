/**
 * `kubectl create -f`, and the generators `create deployment`, `create
 * service clusterip|nodeport|loadbalancer|externalname` and `create
 * namespace`, with --dry-run and -o as kubectl prints them.
 */
import { KubectlError, StatusError, lookupKind, type KindInfo, type KubeObject } from "@svclab/manifest";
import { FILENAME_FLAGS, type CommandContext, type KubectlCommand } from "../command";
import { boolFlag, intFlag, stringFlag, stringsFlag, type ParsedArgs } from "../flags";
import { createdServiceFor, deploymentFor, type CreatedServiceType } from "../generators";
import { PRINT_FLAGS, printObject, printerFor, type Printer } from "../print/objects";
import { visit, withNamespace } from "../visitor";

/** NameFromCommandArgs: the one NAME after the generator's words. */
function nameArg(p: ParsedArgs, at: number, usage: string): string {
  const names = p.args.slice(at);
  if (names.length !== 1) throw new KubectlError([`error: exactly one NAME is required, got ${names.length}`, `See 'kubectl create ${usage} -h' for help and examples`]);
  return names[0] as string;
}

/**
 * Prints a generated object, or sends it first unless --dry-run=client.
 * `failure` is the prefix kubectl's typed-client generators put on a server
 * error (`failed to create deployment: ...`); without one the API error
 * prints as kubectl prints any.
 */
async function createGenerated(ctx: CommandContext, printer: Printer, obj: Record<string, unknown>, failure?: string): Promise<void> {
  const kind = lookupKind(obj.apiVersion as string, obj.kind as string) as KindInfo;
  if (printer.dryRun === "client") {
    printObject(ctx.out, printer, { kind, object: obj as KubeObject, typed: true }, "created");
    return;
  }
  let created: KubeObject;
  try {
    created = await ctx.client.createObject<KubeObject>(obj, { namespace: ctx.namespace, dryRun: printer.dryRun === "server" });
  } catch (e) {
    if (failure !== undefined && e instanceof StatusError) throw new KubectlError([`error: ${failure}: ${e.message}`]);
    throw e;
  }
  printObject(ctx.out, printer, { kind, object: created, typed: false }, "created");
}

function enforcedNamespace(ctx: CommandContext): string | undefined {
  return ctx.namespaceGiven ? ctx.namespace : undefined;
}

async function createDeployment(p: ParsedArgs, ctx: CommandContext, printer: () => Printer): Promise<void> {
  const name = nameArg(p, 1, "deployment");
  const images = stringsFlag(p, "image");
  if (images.length === 0) throw new KubectlError([`error: required flag(s) "image" not set`]);
  const out = printer();
  const deployment = deploymentFor(
    { name, ...(ctx.namespaceGiven ? { namespace: ctx.namespace } : {}), images, command: p.rest ?? [], port: intFlag(p, "port") ?? -1, replicas: intFlag(p, "replicas") ?? 1 },
    ctx.random,
  );
  await createGenerated(ctx, out, deployment, "failed to create deployment");
}

const SERVICE_TYPES: Record<string, CreatedServiceType> = { clusterip: "ClusterIP", nodeport: "NodePort", loadbalancer: "LoadBalancer", externalname: "ExternalName" };

/** The flags each `create service` subcommand has beyond --tcp. */
const SERVICE_ONLY_FLAGS: Record<CreatedServiceType, readonly string[]> = {
  ClusterIP: ["clusterip"],
  NodePort: ["node-port"],
  LoadBalancer: [],
  ExternalName: ["external-name"],
};
const SERVICE_FLAGS = ["clusterip", "node-port", "external-name"];

async function createService(p: ParsedArgs, ctx: CommandContext, printer: () => Printer): Promise<void> {
  const sub = p.args[1];
  const type = SERVICE_TYPES[sub ?? ""];
  if (type === undefined) {
    // (Without a subcommand kubectl prints the command's help instead.)
    throw new KubectlError([`error: unknown command ${JSON.stringify(p.args.slice(1).join(" "))}`, "See 'kubectl create service -h' for help and examples"]);
  }
  const foreign = SERVICE_FLAGS.find((f) => p.flags.has(f) && !SERVICE_ONLY_FLAGS[type].includes(f));
  if (foreign !== undefined) throw new KubectlError([`Error: unknown flag: --${foreign}`, `See 'kubectl create service ${sub} --help' for usage.`]);
  if (type === "ExternalName" && !p.flags.has("external-name")) throw new KubectlError([`error: required flag(s) "external-name" not set`]);
  const name = nameArg(p, 2, `service ${sub}`);
  const out = printer();
  const clusterIP = stringFlag(p, "clusterip");
  const service = createdServiceFor({
    type,
    name,
    ...(ctx.namespaceGiven ? { namespace: ctx.namespace } : {}),
    tcp: stringsFlag(p, "tcp").flatMap((t) => t.split(",")),
    ...(clusterIP === undefined ? {} : { clusterIP }),
    nodePort: intFlag(p, "node-port") ?? 0,
    externalName: stringFlag(p, "external-name") ?? "",
  });
  await createGenerated(ctx, out, service, `failed to create ${type} service`);
}

async function createNamespace(p: ParsedArgs, ctx: CommandContext, printer: () => Printer): Promise<void> {
  const name = nameArg(p, 1, "namespace");
  await createGenerated(ctx, printer(), { kind: "Namespace", apiVersion: "v1", metadata: { name, creationTimestamp: null }, spec: {}, status: {} });
}

const GENERATORS: Record<string, (p: ParsedArgs, ctx: CommandContext, printer: () => Printer) => Promise<void>> = {
  deployment: createDeployment,
  deploy: createDeployment,
  service: createService,
  svc: createService,
  namespace: createNamespace,
  ns: createNamespace,
};

export const create: KubectlCommand = {
  name: "create",
  flags: [
    ...FILENAME_FLAGS,
    ...PRINT_FLAGS,
    { name: "image", type: "strings" },
    { name: "replicas", short: "r", type: "int" },
    { name: "port", type: "int" },
    { name: "tcp", type: "strings" },
    { name: "clusterip", type: "string" },
    { name: "node-port", type: "int" },
    { name: "external-name", type: "string" },
  ],
  async run(p, ctx) {
    const generator = p.args[0];
    const printer = (): Printer => printerFor(p);
    const build = GENERATORS[generator ?? ""];
    if (build !== undefined) return build(p, ctx, printer);
    if (generator !== undefined) throw new KubectlError([`error: Unexpected args: [${p.args.join(" ")}]`, "See 'kubectl create -h' for help and examples"]);
    const out = printer();
    await visit(ctx, stringsFlag(p, "filename"), boolFlag(p, "recursive"), "create", async (t) => {
      const obj = withNamespace(t);
      if (out.dryRun === "client") {
        printObject(ctx.out, out, { kind: t.kind, object: obj as KubeObject, typed: false }, "created");
        return;
      }
      const created = await ctx.client.createObject<KubeObject>(obj, { namespace: t.namespace, dryRun: out.dryRun === "server" });
      printObject(ctx.out, out, { kind: t.kind, object: created, typed: false }, "created");
    });
  },
};
