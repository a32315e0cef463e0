/**
 * @svclab/kubectl: kubectl's command line (flags, verbs, printing, error
 * texts) as a client of the cluster's API.
 */
export { Kubectl } from "./kubectl";
export type { KubectlCluster, AppliedObject, ExecTarget, ProcessResult } from "./cluster";
export type { FileAccess, KubectlIO, KubectlResult } from "./io";
