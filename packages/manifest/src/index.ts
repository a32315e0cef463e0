// @svclab/manifest public API: Kubernetes manifests as kubectl and the API
// server take them (parse, strict decode, default, validate, patch, print).

export type { KubeObject, KindName, KindInfo } from "./kinds";
export { SUPPORTED_KINDS, lookupKind, resolveResource, kindInfoOf, resourceRef } from "./kinds";

export type { ManifestDocument } from "./yaml";
export { parseManifests } from "./yaml";

export type { DecodeOptions } from "./decode";
export { decodeManifest, decodeWithFieldValidation } from "./decode";

export {
  applyDefaults,
  withNamespace,
  defaultImagePullPolicy,
  isExternallyAccessible,
  needsHealthCheck,
  DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS,
  MAX_CLIENT_IP_SERVICE_AFFINITY_SECONDS,
} from "./defaults";

export type { FieldErrorType } from "./validation/field";
export {
  FieldError,
  fieldRequired,
  fieldInvalid,
  fieldNotSupported,
  fieldDuplicate,
  fieldForbidden,
  fieldTooLong,
  fieldNotFound,
} from "./validation/field";
export { validateObject, validateObjectUpdate } from "./validation";
export { NODE_PORT_RANGE, nodePortOutOfRangeError, nodePortAllocatedError } from "./validation/service";

export type { StatusReason, KubectlErrorContext } from "./status";
export {
  StatusError,
  KubectlError,
  invalidError,
  badRequestError,
  decodingError,
  notFoundError,
  alreadyExistsError,
  conflictError,
  renderKubectlError,
} from "./status";

export type { AdmitOptions } from "./admission";
export { admitCreate, admitUpdate, admitDecodedCreate, admitDecodedUpdate, qosClass } from "./admission";

export type { PatchType, FieldValidation, PatchOptions, PatchResult } from "./patch";
export { patchObject, parsePatch, strategicMergePatch, createThreeWayMergePatch } from "./patch";
export { mergePatch } from "./patch/merge";
export { jsonPatch } from "./patch/json";

export { toJson, toYaml } from "./print";
export { matchesLabelSelector, matchesSelectorMap } from "./selector";
export { jsonEqual as semanticEqual } from "./safe";
export { LAST_APPLIED, canonicalJson, withLastApplied, applyPatchFor } from "./apply";
