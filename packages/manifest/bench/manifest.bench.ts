// Throughput of the admission pipeline and printers on the seed Service.
import { bench, describe } from "vitest";
import { admitCreate, parseManifests, patchObject, toJson, toYaml } from "../src/index";
import { SEED_SERVICE } from "../src/test-support/fixtures";

const text = SEED_SERVICE.replace("portocol", "protocol").replace("sessionAffinity: ClusterIP", "sessionAffinity: ClientIP");
const doc = parseManifests(text, "sample-session-affinity.yaml")[0];
const svc = admitCreate(doc);

describe("manifest", () => {
  bench("parseManifests", () => {
    parseManifests(text, "sample-session-affinity.yaml");
  });
  bench("admitCreate", () => {
    admitCreate(doc);
  });
  bench("patchObject strategic", () => {
    patchObject(svc, { spec: { sessionAffinity: "None" } });
  });
  bench("toYaml", () => {
    toYaml(svc);
  });
  bench("toJson", () => {
    toJson(svc);
  });
});
