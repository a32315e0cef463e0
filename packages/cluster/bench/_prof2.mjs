import { createCluster } from "../dist/index.js";
import { readFileSync } from "node:fs";
const src = readFileSync(new URL("./run.mjs", import.meta.url), "utf8");
const grab = (name) => src.split(`const ${name} = \``)[1].split("`;")[0];
const c = createCluster({ seed: 1 }); c.apply(grab("DEPLOYMENT")); c.apply(grab("POD")); c.apply(grab("SERVICE")); c.settle();
const fqdn = "http://sample-session-affinity.default.svc.cluster.local:8080";
const t0 = performance.now();
for (let i = 0; i < 200000; i++) { c.curl(fqdn, { pod: "sample-pod" }, { trace: false }); c.curl("http://172.18.0.6:8080/", {}, { trace: false }); }
console.log("req/s", 400000 / ((performance.now() - t0) / 1000));
