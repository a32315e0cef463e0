/**
 * `kubectl api-resources` and `kubectl top`: both read discovery. The
 * resource table lists what the server serves, stably sorted by API group
 * (kubectl's sortableResource without --sort-by: the core group first),
 * each group's resources by name; subresources left out. `top` needs the
 * metrics.k8s.io group, which a cluster without metrics-server does not have.
 */
import { KubectlError } from "@svclab/manifest";
import type { ApiClient } from "../client/api-client";
import type { KubectlCommand } from "../command";
import { boolFlag, stringFlag } from "../flags";
import { renderTable } from "../print/table";
import { helpText } from "../help";

interface ApiResource {
  readonly name: string;
  readonly namespaced: boolean;
  readonly kind: string;
  readonly verbs: readonly string[];
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
}

interface GroupList {
  readonly groups: readonly { name: string; preferredVersion: { groupVersion: string } }[];
}

interface Served extends ApiResource {
  readonly group: string;
  readonly groupVersion: string;
}

async function servedResources(client: ApiClient): Promise<Served[]> {
  const versions: { group: string; groupVersion: string }[] = [{ group: "", groupVersion: "v1" }];
  for (const g of (await client.discovery<GroupList>("/apis")).groups) versions.push({ group: g.name, groupVersion: g.preferredVersion.groupVersion });
  const out: Served[] = [];
  for (const v of versions) {
    const list = await client.discovery<{ resources: ApiResource[] }>(v.group === "" ? "/api/v1" : `/apis/${v.groupVersion}`);
    const top = list.resources.filter((r) => !r.name.includes("/")).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    out.push(...top.map((r) => ({ ...r, group: v.group, groupVersion: v.groupVersion })));
  }
  return out.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
}

export const apiResources: KubectlCommand = {
  name: "api-resources",
  flags: [
    { name: "output", short: "o", type: "string" },
    { name: "namespaced", type: "string" },
    { name: "api-group", type: "string" },
    { name: "no-headers", type: "bool" },
    { name: "verbs", type: "strings" },
  ],
  async run(p, ctx) {
    const output = stringFlag(p, "output") ?? "";
    if (output !== "" && output !== "wide" && output !== "name") throw new KubectlError([`error: --output ${output} is not available`]);
    const namespaced = stringFlag(p, "namespaced");
    if (namespaced !== undefined && namespaced !== "true" && namespaced !== "false") {
      throw new KubectlError([`Error: invalid argument ${JSON.stringify(namespaced)} for "--namespaced" flag: strconv.ParseBool: parsing ${JSON.stringify(namespaced)}: invalid syntax`, "See 'kubectl api-resources --help' for usage."]);
    }
    const group = stringFlag(p, "api-group");
    const verbs = p.flags.has("verbs") ? (p.flags.get("verbs") as string[]).flatMap((v) => v.split(",")) : [];
    const resources = (await servedResources(ctx.client)).filter(
      (r) => (namespaced === undefined || String(r.namespaced) === namespaced) && (group === undefined || r.group === group) && verbs.every((v) => r.verbs.includes(v)),
    );
    if (output === "name") {
      for (const r of resources) ctx.out.out(r.group === "" ? r.name : `${r.name}.${r.group}`);
      return;
    }
    const wide = output === "wide";
    const rows: string[][] = boolFlag(p, "no-headers") ? [] : [["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND", ...(wide ? ["VERBS", "CATEGORIES"] : [])]];
    for (const r of resources) {
      rows.push([r.name, (r.shortNames ?? []).join(","), r.groupVersion, String(r.namespaced), r.kind, ...(wide ? [[...r.verbs].sort().join(","), (r.categories ?? []).join(",")] : [])]);
    }
    ctx.out.stdout += renderTable(rows);
  },
};

const METRICS_GROUP = "metrics.k8s.io";

/** `kubectl top pod|node`: the Metrics API, when the cluster serves it. */
export const top: KubectlCommand = {
  name: "top",
  flags: [
    { name: "selector", short: "l", type: "string" },
    { name: "all-namespaces", short: "A", type: "bool" },
    { name: "containers", type: "bool" },
    { name: "no-headers", type: "bool" },
    { name: "sort-by", type: "string" },
  ],
  async run(p, ctx) {
    const what = p.args[0];
    // Without a resource kubectl prints top's help on stderr and fails.
    if (what === undefined) {
      ctx.out.fail(helpText("top") as string);
      return;
    }
    if (!["pod", "pods", "po", "node", "nodes", "no"].includes(what)) {
      throw new KubectlError([`error: unknown command ${JSON.stringify(p.args.join(" "))}`, "See 'kubectl top -h' for help and examples"]);
    }
    // Nothing in the simulator serves the Metrics API; kubectl finds that out from discovery.
    const groups = (await ctx.client.discovery<GroupList>("/apis")).groups;
    if (!groups.some((g) => g.name === METRICS_GROUP)) throw new KubectlError(["error: Metrics API not available"]);
    throw new KubectlError([`error: ${METRICS_GROUP} is served by something the simulator does not know`]);
  },
};
