// discovery.k8s.io/v1 EndpointSlice.
import { objectMeta, objectReference } from "./meta";
import { bool, i32, list, map, str, struct, strings } from "./types";

export const endpointSlice = struct("EndpointSlice", {
  apiVersion: str(),
  kind: str(),
  metadata: objectMeta,
  addressType: str("v1.AddressType"),
  endpoints: list(
    struct("Endpoint", {
      addresses: strings,
      conditions: struct("EndpointConditions", { ready: bool, serving: bool, terminating: bool }),
      hostname: str(),
      targetRef: objectReference,
      deprecatedTopology: map(str()),
      nodeName: str(),
      zone: str(),
      hints: struct("EndpointHints", {
        forZones: list(struct("ForZone", { name: str() })),
        forNodes: list(struct("ForNode", { name: str() })),
      }),
    }),
  ),
  ports: list(struct("EndpointPort", { name: str(), protocol: str("v1.Protocol"), port: i32, appProtocol: str() })),
});
