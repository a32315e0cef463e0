/** The book's and the article's manifests for this package's tests; the YAML lives once in examples/manifests/. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const read = (name: string): string => readFileSync(join(__dirname, "../../../../examples/manifests", name), "utf8");

export const SAMPLE_DEPLOYMENT = read("sample-deployment.yaml");
export const SAMPLE_POD = read("sample-pod.yaml");
/** The article's Service with its two typos corrected. */
export const SAMPLE_SESSION_AFFINITY = read("sample-session-affinity.yaml");
/** The article's Service exactly as printed (portocol, sessionAffinity: ClusterIP). */
export const SAMPLE_SESSION_AFFINITY_AS_PRINTED = read("sample-session-affinity-as-printed.yaml");
export const SAMPLE_LB_LOCAL = read("sample-lb-local.yaml");
