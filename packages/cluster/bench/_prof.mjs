import { createCluster } from "../dist/index.js";
import { readFileSync } from "node:fs";
const src = readFileSync(new URL("./run.mjs", import.meta.url), "utf8");
const grab = (name) => src.split(`const ${name} = \``)[1].split("`;")[0];
const D = grab("DEPLOYMENT"), P = grab("POD"), S = grab("SERVICE");
const t0 = performance.now();
for (let i = 0; i < 100; i++) { const c = createCluster({ seed: i }); c.apply(D); c.apply(P); c.apply(S); c.settle(); }
console.log("avg ms", (performance.now() - t0) / 100);
