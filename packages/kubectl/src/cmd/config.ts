/**
 * `kubectl config view|get-contexts|current-context` over the kubeconfig
 * this kubectl was given (by default the one kind writes for a cluster
 * named kind, which is what the in-process cluster stands for). view
 * redacts credentials unless --raw, and --minify keeps the current
 * context's entries only.
 */
import { KubectlError, toYaml, type KubeObject } from "@svclab/manifest";
import type { KubectlCommand } from "../command";
import { boolFlag, stringFlag } from "../flags";
import { typedJson } from "../print/objects";
import { renderTable } from "../print/table";

export type Kubeconfig = Record<string, unknown>;

type Named = { name?: string; [field: string]: unknown };

/** DATA+OMITTED for certificate data, REDACTED for secrets: clientcmdapi's redaction. */
const REDACTIONS: Record<string, string> = {
  "certificate-authority-data": "DATA+OMITTED",
  "client-certificate-data": "DATA+OMITTED",
  "client-key-data": "DATA+OMITTED",
  token: "REDACTED",
  password: "REDACTED",
};

function redact(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(redact);
  if (typeof v !== "object" || v === null) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, REDACTIONS[k] !== undefined && typeof x === "string" ? REDACTIONS[k] : redact(x)]));
}

function entries(cfg: Kubeconfig, field: string): Named[] {
  const list = cfg[field];
  return Array.isArray(list) ? (list as Named[]) : [];
}

function contextOf(c: Named): Record<string, string | undefined> {
  return (c.context ?? {}) as Record<string, string | undefined>;
}

/** clientcmd's v1 types' field order, which `config view -o json` keeps (YAML sorts). */
const FIELD_ORDER: Record<string, readonly string[]> = {
  config: ["kind", "apiVersion", "preferences", "clusters", "users", "contexts", "current-context", "extensions"],
  named: ["name", "cluster", "user", "context"],
  cluster: ["server", "tls-server-name", "insecure-skip-tls-verify", "certificate-authority", "certificate-authority-data", "proxy-url", "disable-compression", "extensions"],
  user: ["client-certificate", "client-certificate-data", "client-key", "client-key-data", "token", "tokenFile", "as", "as-uid", "as-groups", "as-user-extra", "username", "password", "auth-provider", "exec", "extensions"],
  context: ["cluster", "user", "namespace", "extensions"],
};

function ordered(v: Record<string, unknown>, order: readonly string[]): Record<string, unknown> {
  const keys = [...order.filter((k) => k in v), ...Object.keys(v).filter((k) => !order.includes(k))];
  return Object.fromEntries(keys.map((k) => [k, v[k]]));
}

function inGoOrder(cfg: Kubeconfig): Kubeconfig {
  const named = (list: unknown, inner: string): unknown =>
    Array.isArray(list) ? list.map((e: Named) => ordered({ ...e, ...(e[inner] === undefined ? {} : { [inner]: ordered(e[inner] as Record<string, unknown>, FIELD_ORDER[inner] as string[]) }) }, FIELD_ORDER.named as string[])) : list;
  return ordered({ ...cfg, clusters: named(cfg.clusters, "cluster"), users: named(cfg.users, "user"), contexts: named(cfg.contexts, "context") }, FIELD_ORDER.config as string[]);
}

function view(cfg: Kubeconfig, minify: boolean, raw: boolean): Kubeconfig {
  let out: Kubeconfig = { ...cfg, apiVersion: cfg.apiVersion ?? "v1", kind: cfg.kind ?? "Config", preferences: cfg.preferences ?? {} };
  if (minify) {
    const current = String(cfg["current-context"] ?? "");
    const ctx = entries(cfg, "contexts").find((c) => c.name === current);
    if (ctx === undefined) throw new KubectlError([current === "" ? "error: current-context must exist in order to minify" : `error: cannot locate context ${current}`]);
    const { cluster, user } = contextOf(ctx);
    out = { ...out, contexts: [ctx], clusters: entries(cfg, "clusters").filter((c) => c.name === cluster), users: entries(cfg, "users").filter((u) => u.name === user) };
  }
  return raw ? out : (redact(out) as Kubeconfig);
}

export const config: KubectlCommand = {
  name: "config",
  flags: [
    { name: "output", short: "o", type: "string" },
    { name: "minify", type: "bool" },
    { name: "raw", type: "bool" },
    { name: "flatten", type: "bool" },
    { name: "no-headers", type: "bool" },
  ],
  run(p, ctx) {
    const cfg = ctx.kubeconfig;
    const [sub, ...names] = p.args;
    switch (sub) {
      case "current-context": {
        const current = cfg["current-context"];
        if (typeof current !== "string" || current === "") throw new KubectlError(["error: current-context is not set"]);
        ctx.out.out(current);
        return;
      }
      case "view": {
        const shown = view(cfg, boolFlag(p, "minify"), boolFlag(p, "raw") || boolFlag(p, "flatten"));
        const o = stringFlag(p, "output") ?? "yaml";
        if (o !== "yaml" && o !== "json") throw new KubectlError([`error: unable to match a printer suitable for the output format ${JSON.stringify(o)}, allowed formats are: json,yaml`]);
        ctx.out.stdout += o === "json" ? typedJson(inGoOrder(shown)) : toYaml(shown as KubeObject);
        return;
      }
      case "get-contexts": {
        const current = cfg["current-context"];
        const all = entries(cfg, "contexts").sort((a, b) => String(a.name).localeCompare(String(b.name)));
        const shown = names.length === 0 ? all : all.filter((c) => names.includes(String(c.name)));
        const o = stringFlag(p, "output");
        if (o === "name") for (const c of shown) ctx.out.out(String(c.name));
        else {
          const rows = boolFlag(p, "no-headers") ? [] : [["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"]];
          for (const c of shown) {
            const { cluster, user, namespace } = contextOf(c);
            rows.push([c.name === current ? "*" : "", String(c.name), cluster ?? "", user ?? "", namespace ?? ""]);
          }
          ctx.out.stdout += renderTable(rows);
        }
        const missing = names.filter((n) => !shown.some((c) => c.name === n));
        if (missing.length > 0) ctx.out.fail(`error: context ${missing.join(", ")} not found`);
        return;
      }
      default:
        throw new KubectlError(sub === undefined ? ["error: Required resource not specified."] : [`error: unknown command ${JSON.stringify(p.args.join(" "))}`, "See 'kubectl config -h' for help and examples"]);
    }
  },
};
