/**
 * `docker stop|start|restart NODE...`, as kind users take a node down and
 * bring it back: a kind node is a docker container named after the node.
 * The cluster does what a real one does with the node gone (see
 * Cluster.stopNode). Output and errors are docker's; other docker commands
 * are outside the simulation and say so.
 */
import { defineCommand, type Command } from "just-bash";
import type { Cluster } from "@svclab/cluster";

const USAGE: Readonly<Record<string, string>> = {
  stop: "docker stop [OPTIONS] CONTAINER [CONTAINER...]\n\nStop one or more running containers",
  start: "docker start [OPTIONS] CONTAINER [CONTAINER...]\n\nStart one or more stopped containers",
  restart: "docker restart [OPTIONS] CONTAINER [CONTAINER...]\n\nRestart one or more containers",
};

export function dockerCommand(cluster: () => Cluster): Command {
  return defineCommand("docker", async (args) => {
    const [verb, ...names] = args;
    const usage = verb === undefined ? undefined : USAGE[verb];
    if (verb === undefined || usage === undefined) {
      const what = verb === undefined ? "docker" : `docker ${verb}`;
      return { stdout: "", stderr: `svclab: ${what} is not simulated; docker stop, start and restart of the cluster's nodes are\n`, exitCode: 1 };
    }
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
