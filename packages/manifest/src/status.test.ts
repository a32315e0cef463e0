import { describe, expect, it } from "vitest";
import { lookupKind } from "./kinds";
import { alreadyExistsError, invalidError, notFoundError, renderKubectlError } from "./status";
import { fieldRequired } from "./validation/field";

const service = lookupKind("v1", "Service")!;
const deployment = lookupKind("apps/v1", "Deployment")!;

describe("Status errors as kubectl prints them", () => {
  it("NotFound", () => {
    expect(renderKubectlError(notFoundError(service, "x"))).toBe('Error from server (NotFound): services "x" not found');
    expect(renderKubectlError(notFoundError(deployment, "d"))).toBe('Error from server (NotFound): deployments.apps "d" not found');
  });

  it("AlreadyExists with the -f source", () => {
    expect(renderKubectlError(alreadyExistsError(service, "x"), { verb: "creating", file: "s.yaml" })).toBe(
      'Error from server (AlreadyExists): error when creating "s.yaml": services "x" already exists',
    );
  });

  it("Invalid carries a Status with causes", () => {
    const e = invalidError(deployment, "d", [fieldRequired("spec.selector"), fieldRequired("spec.template.spec.containers")]);
    expect(e.code).toBe(422);
    expect(e.reason).toBe("Invalid");
    expect(e.status.message).toBe('Deployment.apps "d" is invalid: [spec.selector: Required value, spec.template.spec.containers: Required value]');
    expect(e.status.details?.causes).toEqual([
      { reason: "FieldValueRequired", message: "Required value", field: "spec.selector" },
      { reason: "FieldValueRequired", message: "Required value", field: "spec.template.spec.containers" },
    ]);
    expect(renderKubectlError(e, { verb: "creating", file: "d.yaml" })).toBe(
      'The Deployment "d" is invalid: \n* spec.selector: Required value\n* spec.template.spec.containers: Required value',
    );
  });

  it("plain errors", () => {
    expect(renderKubectlError(new Error("boom"))).toBe("error: boom");
  });
});
