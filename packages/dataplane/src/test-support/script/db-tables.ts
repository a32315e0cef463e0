/**
 * The agent's tables in the column format of Cilium's `db show` (the
 * TableHeader/TableRow methods of pkg/loadbalancer's Service, Frontend and
 * Backend), and the comparison `db/cmp` makes: the expected file's header
 * names the columns to compare, each row is cut at the header's column
 * starts, and rows are compared in table order.
 */

import { parseIPv4 } from "@svclab/sim";
import { formatL3n4 } from "../../control/addr";
import type { NodeDataplane } from "../../control/node-dataplane";
import type { Service } from "../../control/model";

type Row = Record<string, string>;

/** Go's time.Duration.String() for whole seconds. */
export function goDuration(seconds: number): string {
  if (seconds === 0) return "0s";
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

function serviceRow(svc: Service): Row {
  const trafficPolicy =
    svc.extTrafficPolicy === svc.intTrafficPolicy
      ? svc.extTrafficPolicy
      : `Ext=${svc.extTrafficPolicy}, Int=${svc.intTrafficPolicy}`;
  const flags: string[] = [];
  if (svc.sessionAffinity) flags.push(`SessionAffinity=${goDuration(svc.sessionAffinityTimeoutSec)}`);
  if (svc.sourceRanges.length > 0) flags.push(`SourceRanges=${svc.sourceRanges.join(", ")}`);
  if (svc.sourceRangesPolicy === "deny") flags.push("SourceRangesPolicy=deny");
  if (svc.proxyRedirectPort !== 0) flags.push(`ProxyRedirect=${svc.proxyRedirectPort}`);
  if (svc.healthCheckNodePort !== 0) flags.push(`HealthCheckNodePort=${svc.healthCheckNodePort}`);
  if (svc.lbAlgorithm !== undefined) flags.push(`ExplicitLBAlgorithm=${svc.lbAlgorithm}`);
  if (svc.forwardingMode !== undefined) flags.push(`ForwardingMode=${svc.forwardingMode}`);
  if (svc.trafficDistribution !== undefined) flags.push(`TrafficDistribution=${svc.trafficDistribution}`);
  if (svc.loadBalancerClass !== undefined) flags.push(`LoadBalancerClass=${svc.loadBalancerClass}`);
  flags.sort();
  const portNames = Object.keys(svc.portNames)
    .sort()
    .map((n) => `${n}=${svc.portNames[n]}`)
    .join(", ");
  return {
    Name: svc.name,
    Source: "k8s",
    PortNames: portNames,
    TrafficPolicy: trafficPolicy,
    Flags: flags.join(", "),
  };
}

function compareAddr(a: { addr: number; port: number; proto: number }, b: { addr: number; port: number; proto: number }): number {
  return a.addr - b.addr || a.port - b.port || a.proto - b.proto;
}

const MAX_SHOWN_BACKENDS = 5;

function frontendRows(dp: NodeDataplane): Row[] {
  const rows = [...dp.tables.frontends.values()].sort((a, b) => compareAddr(a, b) || a.scope - b.scope);
  return rows.map((fe) => {
    const backends = dp.writer
      .frontendBackends(fe)
      .filter((b) => b.inst.state !== "maintenance")
      .map((b) => b.row)
      .sort(compareAddr)
      .map((r) => formatL3n4(r.addr, r.port, r.proto));
    const status = fe.status.kind === "done" ? "Done" : fe.status.kind === "pending" ? "Pending" : `Error: ${fe.status.error}`;
    // Cilium's Frontend.TableRow shows five backends and counts the rest.
    const shown = backends.length > MAX_SHOWN_BACKENDS ? `${backends.slice(0, MAX_SHOWN_BACKENDS).join(", ")} + ${backends.length - MAX_SHOWN_BACKENDS} more ...` : backends.join(", ");
    return {
      Address: fe.key,
      Type: fe.type,
      ServiceName: fe.serviceName,
      PortName: fe.portName,
      Backends: shown,
      RedirectTo: "",
      Status: status,
    };
  });
}

function stateSuffix(state: string): string {
  return state === "active" ? "" : ` [${state}]`;
}

function backendRows(dp: NodeDataplane, perInstance: boolean): Row[] {
  const rows = [...dp.tables.backends.values()].sort(compareAddr);
  const out: Row[] = [];
  for (const be of rows) {
    const address = formatL3n4(be.addr, be.port, be.proto);
    const names = [...be.instances.keys()].sort();
    if (perInstance) {
      for (const name of names) {
        const inst = be.instances.get(name)!;
        out.push({
          Service: name,
          Address: address,
          Source: "k8s",
          Priority: "4",
          State: inst.unhealthy ? "quarantined" : inst.state,
          PortNames: inst.portNames.join(", "),
          NodeName: inst.nodeName,
          Zone: inst.zone,
        });
      }
      continue;
    }
    // "test/echo [terminating] (http)": the state (or [unhealthy]) before the port names.
    const instances = names.map((name) => {
      const inst = be.instances.get(name)!;
      const ports = inst.portNames.filter((n) => n !== "");
      const state = inst.unhealthy ? "unhealthy" : inst.state;
      return `${name}${stateSuffix(state)}${ports.length > 0 ? ` (${ports.join(", ")})` : ""}`;
    });
    const first = be.instances.get(names[0] as string);
    out.push({
      Address: address,
      Instances: instances.join(", "),
      Shadows: "",
      NodeName: first?.nodeName ?? "",
      Zone: first?.zone ?? "",
    });
  }
  return out;
}

/** A row of Cilium's node-addresses table, as the script inserted it. */
export interface NodeAddressRow {
  addr: string;
  nodeport: boolean;
  primary: boolean;
  devicename: string;
}

function nodeAddressRows(rows: readonly NodeAddressRow[]): Row[] {
  return [...rows]
    .sort((a, b) => parseIPv4(a.addr) - parseIPv4(b.addr))
    .map((r) => ({ Address: r.addr, NodePort: String(r.nodeport), Primary: String(r.primary), DeviceName: r.devicename }));
}

/** The rows of a table; before `hive start` only node-addresses has any (Cilium's tables exist, empty). */
export function tableRows(dp: NodeDataplane | undefined, table: string, header: readonly string[], nodeAddrs: readonly NodeAddressRow[] = []): Row[] {
  switch (table) {
    case "node-addresses":
      return nodeAddressRows(nodeAddrs);
    case "services":
      return dp === undefined ? [] : [...dp.tables.services.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map(serviceRow);
    case "frontends":
      return dp === undefined ? [] : frontendRows(dp);
    case "backends":
      return dp === undefined ? [] : backendRows(dp, header.includes("Service"));
    default:
      throw new Error(`db/cmp: unknown table "${table}"`);
  }
}

/** Splits a `db show` file into its header and rows, cutting each row at the header's column starts. */
export function parseShownTable(text: string): { header: string[]; rows: string[][] } {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const headerLine = lines[0] ?? "";
  const starts: number[] = [];
  const header: string[] = [];
  const re = /\S+/g;
  for (let m = re.exec(headerLine); m !== null; m = re.exec(headerLine)) {
    starts.push(m.index);
    header.push(m[0]);
  }
  const rows = lines.slice(1).map((line) =>
    starts.map((s, i) => {
      const end = i + 1 < starts.length ? starts[i + 1] : line.length;
      return line.slice(s, end).trim();
    }),
  );
  return { header, rows };
}

/** `db/cmp`: undefined when equal, else a diff for the failure message. */
export function compareTable(
  dp: NodeDataplane | undefined,
  table: string,
  expectedText: string,
  nodeAddrs: readonly NodeAddressRow[] = [],
): string | undefined {
  const { header, rows } = parseShownTable(expectedText);
  const actualRows = tableRows(dp, table, header, nodeAddrs);
  const actual = actualRows.map((r) =>
    header.map((h) => {
      const v = r[h];
      if (v === undefined) throw new Error(`db/cmp: table "${table}" has no column "${h}"`);
      return v;
    }),
  );
  const show = (rs: string[][]) => rs.map((r) => r.join(" | ")).join("\n");
  return show(actual) === show(rows) ? undefined : `table ${table} differs:\nexpected:\n${show(rows)}\nactual:\n${show(actual)}`;
}
