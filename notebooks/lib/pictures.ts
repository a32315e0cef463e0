// Diagrams drawn from the simulation's own state and traces: the cluster's
// topology with the paths requests took, one request's packet path hop by hop,
// and topologies side by side (externalTrafficPolicy Cluster vs Local).
import type { Cluster, CurlResult, TraceHop } from "@svclab/cluster";
import type { Pod } from "kubernetes-types/core/v1";
import { decidingAccess, journey, serviceHops } from "./journey";
import { arrow, box, document, el, text } from "./svg";

const BLUE = "#2563eb";
const ORANGE = "#c2410c";
const GREEN = "#15803d";
const RED = "#b91c1c";
const GRAY = "#6b7280";
const COLORS = [BLUE, ORANGE, GREEN, RED, GRAY];

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

const count = (n: number) => `${n}×`;
/** A ReplicaSet's pod by its pod-template hash and suffix (`7dd565444b-m44nd`), other pods by name. */
export const shortPodName = (name: string) => /-([a-z0-9]{6,10}-[a-z0-9]{5})$/.exec(name)?.[1] ?? name;

function tally<K>(items: readonly K[], key: (k: K) => string): Map<string, { item: K; n: number }> {
  const m = new Map<string, { item: K; n: number }>();
  for (const item of items) {
    const k = key(item);
    const e = m.get(k);
    if (e) e.n++;
    else m.set(k, { item, n: 1 });
  }
  return m;
}

export interface PanelOptions {
  /** The namespace whose pods are drawn (default "default"). */
  namespace?: string;
  /** Label each node-to-pod path with the source address the pod saw. */
  showSource?: boolean;
  /** A caption above the panel (used side by side). */
  caption?: string;
}

/** One topology panel at (x0, y0): clients, load balancer, nodes with their pods, and the requests' paths. */
function topologyPanel(cluster: Cluster, requests: readonly CurlResult[], x0: number, y0: number, width: number, options: PanelOptions): { body: string; height: number } {
  const journeys = requests.map((r) => journey(cluster, r));
  const parts: string[] = [];
  let y = y0;
  if (options.caption !== undefined) {
    parts.push(text(x0, y + 14, options.caption, { size: 15, weight: "bold" }));
    y += 30;
  }
  // Row 1: clients outside the cluster; row 2: the load balancer.
  const external = [...new Set(journeys.filter((j) => j.clientPod === undefined && j.client !== "").map((j) => j.client))];
  const clientBoxes = new Map<string, Rect>();
  external.forEach((client, i) => {
    const w = 190;
    const x = x0 + width / 2 - (external.length * (w + 20) - 20) / 2 + i * (w + 20);
    clientBoxes.set(client, { x, y, w, h: 44 });
    parts.push(box(x, y, w, 44, "#eff6ff", BLUE), text(x + w / 2, y + 18, "client (outside the cluster)", { size: 12, anchor: "middle", fill: BLUE }), text(x + w / 2, y + 35, client, { size: 13, weight: "bold", anchor: "middle" }));
  });
  if (external.length > 0) y += 90;
  const balancers = [...new Set(journeys.map((j) => j.loadBalancer).filter((a): a is string => a !== undefined))];
  const lbBoxes = new Map<string, Rect>();
  balancers.forEach((address, i) => {
    const w = 220;
    const x = x0 + width / 2 - w / 2 + i * (w + 20);
    lbBoxes.set(address, { x, y, w, h: 44 });
    parts.push(box(x, y, w, 44, "#fff7ed", ORANGE), text(x + w / 2, y + 18, "cloud load balancer", { size: 12, anchor: "middle", fill: ORANGE }), text(x + w / 2, y + 35, address, { size: 13, weight: "bold", anchor: "middle" }));
  });
  if (balancers.length > 0) y += 90;

  // Row 3: the nodes, each with its pods.
  const nodes = cluster.nodes();
  const roles = new Map(cluster.topology.nodes.map((n) => [n.name, n.role]));
  const gap = 14;
  const nw = (width - gap * (nodes.length - 1)) / nodes.length;
  const pods = cluster.list<Pod>("pods", { namespace: options.namespace ?? "default" });
  const answered = tally(journeys.filter((j) => j.pod !== undefined), (j) => j.pod as string);
  const podBoxes = new Map<string, Rect>();
  const headers = new Map<string, Rect>();
  const podH = 58;
  // Pods start below a lane where the node-to-pod paths and their labels run.
  const lane = 104;
  const rows = Math.max(1, ...nodes.map((n) => pods.filter((p) => p.spec?.nodeName === n.name).length));
  const nodeH = lane + rows * (podH + 28) - 18;
  nodes.forEach((node, i) => {
    const x = x0 + i * (nw + gap);
    headers.set(node.name, { x, y, w: nw, h: 44 });
    parts.push(box(x, y, nw, nodeH, "#f3f4f6", "#9ca3af"), text(x + 10, y + 20, node.name, { size: 14, weight: "bold" }), text(x + 10, y + 38, nw >= 230 ? `${node.internalIP} · ${roles.get(node.name) ?? ""}` : node.internalIP, { size: 12, fill: GRAY }));
    pods
      .filter((p) => p.spec?.nodeName === node.name)
      .forEach((pod, k) => {
        const name = pod.metadata?.name ?? "";
        const r = { x: x + 8, y: y + lane + k * (podH + 28), w: nw - 16, h: podH };
        podBoxes.set(name, r);
        const hits = answered.get(name)?.n ?? 0;
        const isClient = journeys.some((j) => j.clientPod === name);
        parts.push(box(r.x, r.y, r.w, r.h, hits > 0 ? "#dcfce7" : "white", hits > 0 ? GREEN : isClient ? BLUE : GRAY, hits > 0 || isClient ? 2 : 1));
        parts.push(text(r.x + 8, r.y + 16, nw >= 230 ? name : shortPodName(name), { size: 12, weight: "bold" }));
        const note = hits > 0 ? `answered ${count(hits)}` : isClient ? "client" : "";
        parts.push(text(r.x + 8, r.y + 33, pod.status?.podIP ?? "", { size: 12, fill: GRAY }));
        if (note) parts.push(text(r.x + 8, r.y + 50, note, { size: 12, weight: "bold", fill: hits > 0 ? GREEN : BLUE }));
      });
  });

  // The paths: client -> load balancer -> node -> pod, counted per distinct path.
  const edges: string[] = [];
  const bottom = (r: Rect) => [r.x + r.w / 2, r.y + r.h] as const;
  const top = (r: Rect, dx = 0) => [r.x + r.w / 2 + dx, r.y] as const;
  for (const { item, n } of tally(journeys, (j) => `${j.client}|${j.loadBalancer}`).values()) {
    const from = clientBoxes.get(item.client);
    const lb = item.loadBalancer === undefined ? undefined : lbBoxes.get(item.loadBalancer);
    if (from && lb) edges.push(arrow(...bottom(from), ...top(lb), BLUE, count(n)));
  }
  for (const { item, n } of tally(journeys.filter((j) => j.clientPod === undefined), (j) => `${j.client}|${j.loadBalancer}|${j.entryNode}`).values()) {
    const from = item.loadBalancer === undefined ? clientBoxes.get(item.client) : lbBoxes.get(item.loadBalancer);
    const to = item.entryNode === undefined ? undefined : headers.get(item.entryNode);
    if (from && to) edges.push(arrow(...bottom(from), ...top(to), item.loadBalancer === undefined ? BLUE : ORANGE, count(n)));
  }
  for (const { item, n } of tally(journeys, (j) => `${j.clientPod}|${j.entryNode}|${j.pod}|${options.showSource ? j.seenSource : ""}|${j.dropped}`).values()) {
    const label = `${count(n)}${options.showSource && item.seenSource ? ` · sees ${item.seenSource}` : ""}`;
    if (item.dropped && item.entryNode !== undefined) {
      const h = headers.get(item.entryNode);
      if (h) edges.push(text(h.x + h.w / 2, h.y + h.h + 34, `✕ dropped ${count(n)}`, { size: 13, weight: "bold", fill: RED, anchor: "middle" }));
      continue;
    }
    const to = item.pod === undefined ? undefined : podBoxes.get(item.pod);
    if (!to) continue;
    const clientPod = item.clientPod === undefined ? undefined : podBoxes.get(item.clientPod);
    if (clientPod) {
      // A pod's own node translates at connect(): straight from the client pod to the chosen one.
      if (clientPod === to) continue;
      const sameNode = Math.abs(clientPod.x - to.x) < 1;
      if (sameNode) edges.push(arrow(clientPod.x + clientPod.w * 0.7, clientPod.y, to.x + to.w * 0.7, to.y + to.h, GREEN, label));
      else if (to.x < clientPod.x) edges.push(arrow(clientPod.x, clientPod.y + clientPod.h / 2, to.x + to.w, to.y + to.h / 2, GREEN, label));
      else edges.push(arrow(clientPod.x + clientPod.w, clientPod.y + clientPod.h / 2, to.x, to.y + to.h / 2, GREEN, label));
      continue;
    }
    const h = item.entryNode === undefined ? undefined : headers.get(item.entryNode);
    if (!h) continue;
    const remote = item.podNode !== item.entryNode;
    const [fx, fy] = [h.x + h.w / 2, h.y + h.h];
    edges.push(remote ? arrow(fx, fy, to.x + to.w / 2, to.y, RED, label, true) : arrow(fx, fy, to.x + to.w / 2, to.y, GREEN, label));
  }
  return { body: [...parts, ...edges].join(""), height: y + nodeH - y0 };
}

/** The cluster's nodes and pods, the clients and load balancer, and the path every request took. */
export function topology(cluster: Cluster, requests: readonly CurlResult[], title: string, subtitle?: string, options: PanelOptions = {}): string {
  const width = 1000;
  const panel = topologyPanel(cluster, requests, 20, 80, width - 40, options);
  return document(width, panel.height + 130, title, subtitle, COLORS, panel.body + legend(20, panel.height + 100));
}

/** Topology panels side by side, e.g. the same requests under externalTrafficPolicy Cluster and Local. */
export function sideBySide(title: string, subtitle: string | undefined, panels: readonly { caption: string; cluster: Cluster; requests: readonly CurlResult[] }[]): string {
  const pw = 620;
  const drawn = panels.map((p, i) => topologyPanel(p.cluster, p.requests, 20 + i * (pw + 40), 80, pw, { caption: p.caption, showSource: true }));
  const height = Math.max(...drawn.map((d) => d.height));
  return document(40 + panels.length * pw + (panels.length - 1) * 40, height + 130, title, subtitle, COLORS, drawn.map((d) => d.body).join("") + legend(20, height + 100));
}

function legend(x: number, y: number): string {
  return [
    el("line", { x1: x, y1: y, x2: x + 30, y2: y, stroke: GREEN, "stroke-width": 2 }),
    text(x + 38, y + 4, "served on the node the request reached", { size: 12 }),
    el("line", { x1: x + 330, y1: y, x2: x + 360, y2: y, stroke: RED, "stroke-width": 2, "stroke-dasharray": "6 4" }),
    text(x + 368, y + 4, "forwarded to a pod on another node (second hop)", { size: 12 }),
    box(x + 700, y - 9, 18, 18, "#dcfce7", GREEN, 2),
    text(x + 726, y + 4, "pod that answered", { size: 12 }),
  ].join("");
}

interface Card {
  tag: string;
  color: string;
  lines: string[];
}

function wrap(line: string, max = 112): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > max) {
    const cut = rest.lastIndexOf(" ", max);
    const at = cut > 20 ? cut : max;
    out.push(rest.slice(0, at));
    rest = `    ${rest.slice(at).trimStart()}`;
  }
  return [...out, rest];
}

const PATHS: Record<string, string> = {
  socket: "socket-level load balancer, inside connect(): no packet is translated",
  "north-south": "nodeport_lb4: a packet arriving from outside",
  "east-west": "lb4 on a packet from a pod",
};

function cards(cluster: Cluster, trace: readonly TraceHop[]): Card[] {
  const podByIP = new Map(cluster.list<Pod>("pods", { allNamespaces: true }).map((p) => [p.status?.podIP ?? "", p.metadata?.name ?? ""]));
  const podOf = (address: string) => podByIP.get(address.replace(/:\d+.*$/, ""));
  const service = new Set(serviceHops(trace));
  const out: Card[] = [];
  for (const h of trace) {
    switch (h.step) {
      case "dns": {
        const found = h.queries.find((q) => q.rcode === "NOERROR");
        out.push({ tag: "DNS", color: GRAY, lines: [`${found?.name ?? h.queries[0]?.name ?? ""} → ${h.answer ?? "no answer"}`, `asked ${h.server} (kube-dns), answered by ${h.answeredBy ?? "nobody"}; ${h.queries.length} queries along the search path`] });
        break;
      }
      case "connect": {
        const client = podOf(h.source);
        out.push({ tag: "connect", color: BLUE, lines: [`${h.source} → ${h.destination}`, client ? `from pod ${client}${h.clientNode ? ` on ${h.clientNode}` : ""}` : "from a machine outside the cluster"] });
        break;
      }
      case "cloud-lb":
        out.push({ tag: "load balancer", color: ORANGE, lines: [`${h.address} → node ${h.node}`, `healthy nodes: ${h.healthyNodes.join(", ") || "none"}`] });
        break;
      case "datapath": {
        if (!service.has(h)) break;
        const lines = [`${PATHS[h.path] ?? h.path}`];
        if (h.verdict === "drop") lines.push(`DROP ${h.frontend}: ${h.dropReason}`);
        else if (h.verdict === "pass") lines.push("not a service address: passed unchanged");
        else {
          lines.push(`DNAT ${h.frontend} → ${h.backend}  (${podOf(h.backend) ?? "?"} on ${h.backendNode})`);
          lines.push(...wrap(`decided by ${decidingAccess(h)}`));
          if (h.path !== "socket") lines.push(h.snat ? `SNAT: source rewritten to ${h.source}, so the reply must come back through ${h.node}` : h.dsr ? `DSR: source kept (${h.source}); the pod answers the client directly` : `source kept: ${h.source}`);
        }
        out.push({ tag: `Cilium · ${h.node}`, color: h.verdict === "drop" ? RED : GREEN, lines });
        break;
      }
      case "forward":
        out.push({ tag: "forward", color: RED, lines: [`${h.from} → ${h.to}`, h.reason] });
        break;
      case "pod":
        out.push({ tag: "pod", color: GREEN, lines: [`${h.pod.replace(/^default\//, "")} on ${h.node} (${h.address}) answers`, `it sees the source ${h.seenSource}`] });
        break;
      case "host":
        out.push({ tag: "host", color: GRAY, lines: [`${h.node} (${h.address}): ${h.listener}`] });
        break;
      case "reply":
        out.push({ tag: "reply", color: BLUE, lines: [`${h.status} from ${h.from}`, ...(h.reverseNat ? wrap(`reverse NAT: ${h.reverseNat}`) : ["no reverse translation needed"])] });
        break;
      case "error":
        out.push({ tag: "error", color: RED, lines: [h.message] });
        break;
    }
  }
  return out;
}

/** One request hop by hop: connect, the datapath's translation and the map entry that decided it, the pod, the reply. */
export function packetPath(cluster: Cluster, request: CurlResult, title: string, subtitle?: string): string {
  const width = 1000;
  const parts: string[] = [];
  let y = 76;
  const all = cards(cluster, request.trace);
  all.forEach((card, i) => {
    const h = 16 + card.lines.length * 19;
    parts.push(box(20, y, width - 40, h, "white", card.color, 1.5), box(20, y, 150, h, card.color, card.color));
    parts.push(text(95, y + h / 2 + 5, card.tag, { size: 13, weight: "bold", fill: "white", anchor: "middle" }));
    card.lines.forEach((line, k) => parts.push(text(184, y + 23 + k * 19, line, { size: 13, weight: k === 0 ? "bold" : "normal" })));
    y += h;
    if (i < all.length - 1) {
      parts.push(arrow(95, y + 2, 95, y + 20, GRAY));
      y += 22;
    }
  });
  return document(width, y + 20, title, subtitle, COLORS, parts.join(""));
}

