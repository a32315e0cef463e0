import { describe, expect, it } from "vitest";
import { admitCreate } from "../admission";
import { renderKubectlError } from "../status";

function message(raw: unknown): string {
  try {
    admitCreate(raw);
    return "";
  } catch (e) {
    return renderKubectlError(e);
  }
}

describe("EndpointSlice, Endpoints, Namespace and Node validation", () => {
  it.each<[string, unknown, string]>([
    [
      "slice with a bad IPv4 address",
      { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: "s-1" }, addressType: "IPv4", endpoints: [{ addresses: ["10.0.0.300"] }] },
      'The EndpointSlice "s-1" is invalid: endpoints[0].addresses[0]: Invalid value: "10.0.0.300": must be a valid IPv4 address',
    ],
    [
      "slice with an unknown address type",
      { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: "s-1" }, addressType: "IPv5" },
      'The EndpointSlice "s-1" is invalid: addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"',
    ],
    ["valid slice", { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: "s-1" }, addressType: "IPv4", endpoints: [{ addresses: ["10.0.0.3"], conditions: { ready: true } }], ports: [{ port: 80 }] }, ""],
    [
      "endpoints with a bad IP",
      { apiVersion: "v1", kind: "Endpoints", metadata: { name: "e" }, subsets: [{ addresses: [{ ip: "x" }], ports: [{ port: 80 }] }] },
      'The Endpoints "e" is invalid: subsets[0].addresses[0].ip: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ],
    [
      "namespace name is a DNS-1123 label",
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "a.b" } },
      'The Namespace "a.b" is invalid: metadata.name: Invalid value: "a.b": must not contain dots',
    ],
    ["node", { apiVersion: "v1", kind: "Node", metadata: { name: "kind-worker" }, spec: { podCIDRs: ["10.244.1.0/24"] } }, ""],
  ])("%s", (_n, raw, expected) => {
    expect(message(raw)).toBe(expected);
  });
});
