/**
 * `docker stop|start|restart NODE...`, as kind users take a node down and
 * bring it back: a kind node is a docker container named after the node.
 * The cluster does what a real one does with the node gone (see
 * Cluster.stopNode). `docker exec NODE iptables-save | nft list ruleset |
 * ipvsadm -Ln | conntrack -L` reads the node's Service proxy state, as
 * kind users inspect kube-proxy. Output and errors are docker's; other
 * docker commands are outside the simulation and say so.
 */
import { defineCommand, type Command } from "just-bash";
import type { Cluster } from "@svclab/cluster";

const USAGE: Readonly<Record<string, string>> = {
  stop: "docker stop [OPTIONS] CONTAINER [CONTAINER...]\n\nStop one or more running containers",
  start: "docker start [OPTIONS] CONTAINER [CONTAINER...]\n\nStart one or more stopped containers",
  restart: "docker restart [OPTIONS] CONTAINER [CONTAINER...]\n\nRestart one or more containers",
  exec: "docker exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\nExecute a command in a running container",
};

/** What a kind node image has in PATH that svclab answers. */
const NODE_COMMANDS = ["iptables-save", "nft", "ipvsadm", "conntrack"];

export function dockerCommand(cluster: () => Cluster): Command {
  return defineCommand("docker", async (args) => {
    const [verb, ...names] = args;
    const usage = verb === undefined ? undefined : USAGE[verb];
    if (verb === undefined || usage === undefined) {
      const what = verb === undefined ? "docker" : `docker ${verb}`;
      return { stdout: "", stderr: `svclab: ${what} is not simulated; docker stop, start and restart of the cluster's nodes are\n`, exitCode: 1 };
    }
    if (verb === "exec") return exec(cluster(), names);
    if (names.length === 0) {
      return { stdout: "", stderr: `"docker ${verb}" requires at least 1 argument.\nSee 'docker ${verb} --help'.\n\nUsage:  ${usage}\n`, exitCode: 1 };
    }
    const c = cluster();
    const nodes = new Set(c.topology.nodes.map((n) => n.name));
    let stdout = "";
    let stderr = "";
    for (const name of names) {
      if (!nodes.has(name)) {
        stderr += `Error response from daemon: No such container: ${name}\n`;
        continue;
      }
      if (verb !== "start" && c.nodeRunning(name)) c.stopNode(name);
      if (verb !== "stop" && !c.nodeRunning(name)) c.startNode(name);
      stdout += `${name}\n`;
    }
    return { stdout, stderr, exitCode: stderr === "" ? 0 : 1 };
  });
}

/** `docker exec [-i] [-t] NODE COMMAND ARGS...` on a kind node. */
function exec(c: Cluster, args: readonly string[]): { stdout: string; stderr: string; exitCode: number } {
  let i = 0;
  while (i < args.length && /^-[it]+$/.test(args[i] as string)) i++;
  const [name, ...argv] = args.slice(i);
  if (name === undefined || argv.length === 0) {
    return { stdout: "", stderr: `"docker exec" requires at least 2 arguments.\nSee 'docker exec --help'.\n\nUsage:  ${USAGE.exec}\n`, exitCode: 1 };
  }
  if (!c.topology.nodes.some((n) => n.name === name)) return { stdout: "", stderr: `Error response from daemon: No such container: ${name}\n`, exitCode: 1 };
  if (!c.nodeRunning(name)) return { stdout: "", stderr: `Error response from daemon: container ${name} is not running\n`, exitCode: 1 };
  const cmd = argv[0] as string;
  if (!NODE_COMMANDS.includes(cmd)) {
    return { stdout: "", stderr: `svclab: docker exec ${name} ${cmd} is not simulated; the node answers ${NODE_COMMANDS.join(", ")}\n`, exitCode: 1 };
  }
  const r = c.node(name).proxy.command(argv);
  if (r !== undefined) return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
  // No kube-proxy on this node (Cilium replaces it): nothing of its state exists.
  if (cmd === "conntrack" && (argv[1] === "-L" || argv[1] === "--dump")) return { stdout: "", stderr: "conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.\n", exitCode: 0 };
  if (cmd === "ipvsadm") return { stdout: "IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n", stderr: "", exitCode: 0 };
  if (cmd === "iptables-save" || (cmd === "nft" && argv[1] === "list" && argv[2] === "ruleset")) return { stdout: "", stderr: "", exitCode: 0 };
  return { stdout: "", stderr: `svclab: docker exec ${name} ${argv.join(" ")} is not simulated\n`, exitCode: 1 };
}
