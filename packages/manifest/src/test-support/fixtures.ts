// The seed article's manifests, verbatim (its `cat <<EOF` bodies), kept once
// in examples/manifests/ for every package's tests.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const read = (name: string): string => readFileSync(join(__dirname, "../../../../examples/manifests", name), "utf8");

export const SEED_SERVICE = read("sample-session-affinity-as-printed.yaml");
export const SEED_DEPLOYMENT = read("sample-deployment.yaml");
export const SEED_POD = read("sample-pod.yaml");
