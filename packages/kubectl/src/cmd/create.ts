/**
 * `kubectl create -f`, and the generators `kubectl create deployment` and
 * `kubectl create namespace`.
 */
import { KubectlError } from "@svclab/manifest";
import { FILENAME_FLAGS, type CommandContext, type KubectlCommand } from "../command";
import { boolFlag, intFlag, stringsFlag, type ParsedArgs } from "../flags";
import { qualifiedRef } from "../resources";
import { visit, withNamespace } from "../visitor";

function containerName(image: string): string {
  const last = image.split("/").pop() ?? image;
  return last.split("@")[0]?.split(":")[0] ?? last;
}

async function createDeployment(p: ParsedArgs, ctx: CommandContext): Promise<void> {
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

async function createNamespace(p: ParsedArgs, ctx: CommandContext): Promise<void> {
  const name = p.args[1];
  if (name === undefined) throw new KubectlError(["error: exactly one NAME is required, got 0", "See 'kubectl create namespace -h' for help and examples"]);
  await ctx.client.createObject({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
  ctx.out.out(`namespace/${name} created`);
}

export const create: KubectlCommand = {
  name: "create",
  flags: [
    ...FILENAME_FLAGS,
    { name: "image", type: "strings" },
    { name: "replicas", short: "r", type: "int" },
    { name: "port", type: "int" },
  ],
  async run(p, ctx) {
    const generator = p.args[0];
    if (generator === "deployment" || generator === "deploy") return createDeployment(p, ctx);
    if (generator === "namespace" || generator === "ns") return createNamespace(p, ctx);
    if (generator !== undefined) throw new KubectlError([`error: Unexpected args: [${p.args.join(" ")}]`, "See 'kubectl create -h' for help and examples"]);
    await visit(ctx, stringsFlag(p, "filename"), boolFlag(p, "recursive"), "create", async (t) => {
      await ctx.client.createObject(withNamespace(t), { namespace: t.namespace });
      ctx.out.out(`${qualifiedRef(t.kind, t.name)} created`);
    });
  },
};
