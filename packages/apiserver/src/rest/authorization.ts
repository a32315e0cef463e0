/**
 * authorization.k8s.io/v1 self reviews, what `kubectl auth can-i` and k9s
 * ask before acting: SelfSubjectAccessReview (may I do this?) and
 * SelfSubjectRulesReview (what may I do?). The one user of `svclab serve`
 * holds the kubeconfig kind writes, whose group kubeadm binds to
 * cluster-admin, so every request is allowed, with the reason the RBAC
 * authorizer gives for that binding. Reviews are created and answered,
 * never stored.
 */
import { fieldInvalid, invalidError, type KindInfo } from "@svclab/manifest";

/** KindInfo names the stored kinds; a review's kind is not one of them, hence the cast. */
function review(kind: string, resource: string): KindInfo {
  return Object.freeze({ kind, group: "authorization.k8s.io", version: "v1", apiVersion: "authorization.k8s.io/v1", resource, singular: kind.toLowerCase(), shortNames: Object.freeze([]), namespaced: false }) as unknown as KindInfo;
}

export const SELF_SUBJECT_ACCESS_REVIEW = review("SelfSubjectAccessReview", "selfsubjectaccessreviews");
export const SELF_SUBJECT_RULES_REVIEW = review("SelfSubjectRulesReview", "selfsubjectrulesreviews");

/** The review resources: discovery lists them with the one verb they serve. */
export const REVIEW_KINDS: readonly KindInfo[] = [SELF_SUBJECT_ACCESS_REVIEW, SELF_SUBJECT_RULES_REVIEW];
export const REVIEW_VERBS = ["create"];

/** kind's admin.conf user: kubeadm binds its group to cluster-admin (Kubernetes 1.29 and later). */
const ALLOWED_REASON = 'RBAC: allowed by ClusterRoleBinding "kubeadm:cluster-admins" of ClusterRole "cluster-admin" to Group "kubeadm:cluster-admins"';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The review as the server answers it: what was asked, creationTimestamp null, and the decision. */
function answered(obj: Json, status: Json): Json {
  const metadata = isObject(obj.metadata) ? { ...obj.metadata, creationTimestamp: null } : { creationTimestamp: null };
  return { kind: obj.kind, apiVersion: obj.apiVersion, metadata, spec: isObject(obj.spec) ? obj.spec : {}, status };
}

/** ValidateSelfSubjectAccessReviewSpec, then the authorizer's decision. */
export function selfSubjectAccessReview(obj: Json): Json {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const resource = spec.resourceAttributes ?? undefined;
  const nonResource = spec.nonResourceAttributes ?? undefined;
  const errs = [];
  if (resource !== undefined && nonResource !== undefined) errs.push(fieldInvalid("spec.nonResourceAttributes", nonResource, "cannot be specified in combination with resourceAttributes"));
  if (resource === undefined && nonResource === undefined) errs.push(fieldInvalid("spec.resourceAttributes", null, "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
  if (errs.length > 0) throw invalidError(SELF_SUBJECT_ACCESS_REVIEW, "", errs);
  return answered(obj, { allowed: true, reason: ALLOWED_REASON });
}

/** cluster-admin's rules, as the RBAC rule resolver lists them. */
export function selfSubjectRulesReview(obj: Json): Json {
  return answered(obj, {
    resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }],
    nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
    incomplete: false,
  });
}
