import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";

/**
 * kubeconfig files the way kind writes them (sigs.k8s.io/kind
 * pkg/cluster/internal/kubeconfig): one cluster, user and context, all named
 * `svclab-<name>`, inserted or replaced in the file kubectl would merge into,
 * with every other entry and field kept, and the current context set to ours.
 */

export interface KubeconfigLocation {
  /** The `--kubeconfig` flag; when given it is the only file considered. */
  readonly explicitPath?: string;
  /** Defaults to `process.env` (`KUBECONFIG`, `HOME`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface KubeconfigEntry {
  /** The cluster's name; entries are called `svclab-<name>`. */
  readonly name: string;
  /** e.g. `https://127.0.0.1:6443`. */
  readonly server: string;
  /** PEM of the CA that signed the serving certificate (HTTPS only). */
  readonly caCert?: string;
  /** Bearer token; omitted, the user entry has no credentials. */
  readonly token?: string;
}

type Named = { name?: unknown; [field: string]: unknown };
type Kubeconfig = Record<string, unknown>;

/** The name kind would give: its clusters are `kind-<name>`, ours `svclab-<name>`. */
export function kubeconfigKey(name: string): string {
  return `svclab-${name}`;
}

/** The files kubectl loads: `--kubeconfig` alone, else `$KUBECONFIG`'s list (empty and repeated entries dropped), else `~/.kube/config`. */
export function kubeconfigPaths(location: KubeconfigLocation = {}): string[] {
  if (location.explicitPath) return [location.explicitPath];
  const env = location.env ?? process.env;
  const listed = [...new Set((env.KUBECONFIG ?? "").split(path.delimiter).filter((p) => p !== ""))];
  if (listed.length > 0) return listed;
  return [path.join(env.HOME ?? os.homedir(), ".kube", "config")];
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The file kubectl would add a new entry to: of several, the first that exists, else the last. */
export async function kubeconfigPathForMerge(location: KubeconfigLocation = {}): Promise<string> {
  const paths = kubeconfigPaths(location);
  if (paths.length > 1) for (const file of paths) if (await isFile(file)) return file;
  // kubeconfigPaths never returns an empty list.
  return paths.at(-1) as string;
}

// client-go's lock protocol: `<file>.lock` created exclusively, a few retries.
async function withLock<T>(file: string, body: () => Promise<T>): Promise<T> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
  const lock = `${file}.lock`;
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      await (await fs.open(lock, "wx", 0o600)).close();
      try {
        return await body();
      } finally {
        await fs.rm(lock, { force: true });
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`failed to lock config file: ${(lastError as Error).message}`);
}

async function read(file: string): Promise<Kubeconfig> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  let config: unknown;
  try {
    config = parse(text) ?? {};
  } catch (error) {
    throw new Error(`failed to read kubeconfig ${file}: ${(error as Error).message}`);
  }
  if (typeof config !== "object" || Array.isArray(config)) throw new Error(`failed to read kubeconfig ${file}: not a mapping`);
  return config as Kubeconfig;
}

// sigs.k8s.io/yaml's form, which kind normalises to: sorted keys, list items at their key's indentation.
async function write(file: string, config: Kubeconfig): Promise<void> {
  await fs.writeFile(file, stringify(config, { sortMapEntries: true, indentSeq: false, lineWidth: 0 }), { mode: 0o600 });
}

function list(config: Kubeconfig, field: "clusters" | "users" | "contexts"): Named[] {
  const value = config[field];
  return Array.isArray(value) ? (value as Named[]) : [];
}

function upsert(entries: Named[], entry: Named): Named[] {
  let replaced = false;
  const out = entries.map((existing) => {
    if (existing?.name !== entry.name) return existing;
    replaced = true;
    return entry;
  });
  return replaced ? out : [...out, entry];
}

/** Writes or merges the cluster's entries and makes it the current context; returns the file written. */
export async function writeKubeconfig(entry: KubeconfigEntry, location: KubeconfigLocation = {}): Promise<string> {
  const file = await kubeconfigPathForMerge(location);
  const key = kubeconfigKey(entry.name);
  await withLock(file, async () => {
    const config = await read(file);
    const cluster: Record<string, string> = { server: entry.server };
    if (entry.caCert !== undefined) cluster["certificate-authority-data"] = Buffer.from(entry.caCert, "utf8").toString("base64");
    config.clusters = upsert(list(config, "clusters"), { cluster, name: key });
    config.users = upsert(list(config, "users"), { name: key, user: entry.token === undefined ? {} : { token: entry.token } });
    config.contexts = upsert(list(config, "contexts"), { context: { cluster: key, user: key }, name: key });
    config["current-context"] = key;
    // Clients that check apiVersion and kind (kind#1242: the JavaScript one) need them.
    if (config.apiVersion === undefined && config.kind === undefined) {
      config.apiVersion = "v1";
      config.kind = "Config";
      config.preferences ??= {};
    }
    await write(file, config);
  });
  return file;
}

/**
 * Removes the cluster's entries from every kubeconfig file kubectl loads, and
 * unsets the current context where it was ours (`kind delete cluster`).
 * Returns the files that changed.
 */
export async function removeKubeconfigEntries(name: string, location: KubeconfigLocation = {}): Promise<string[]> {
  const key = kubeconfigKey(name);
  const changed: string[] = [];
  for (const file of kubeconfigPaths(location)) {
    if (!(await isFile(file))) continue;
    await withLock(file, async () => {
      const config = await read(file);
      let mutated = false;
      for (const field of ["clusters", "users", "contexts"] as const) {
        const entries = list(config, field);
        const kept = entries.filter((e) => e?.name !== key);
        if (kept.length !== entries.length) {
          config[field] = kept;
          mutated = true;
        }
      }
      if (config["current-context"] === key) {
        config["current-context"] = "";
        mutated = true;
      }
      if (mutated) {
        await write(file, config);
        changed.push(file);
      }
    });
  }
  return changed;
}
