// apimachinery's field.Error: the typed validation error whose Error() string
// is what kubectl prints after `The Service "x" is invalid: `.
import { GoLiteral, goQuote, goSharpV } from "../gofmt";

export type FieldErrorType =
  | "FieldValueNotFound"
  | "FieldValueRequired"
  | "FieldValueDuplicate"
  | "FieldValueInvalid"
  | "FieldValueNotSupported"
  | "FieldValueForbidden"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "InternalError";

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueNotFound: "Not found",
  FieldValueRequired: "Required value",
  FieldValueDuplicate: "Duplicate value",
  FieldValueInvalid: "Invalid value",
  FieldValueNotSupported: "Unsupported value",
  FieldValueForbidden: "Forbidden",
  FieldValueTooLong: "Too long",
  FieldValueTooMany: "Too many",
  InternalError: "Internal error",
};

/** Types whose body never shows the bad value (field.Error.ErrorBody). */
const VALUELESS = new Set<FieldErrorType>(["FieldValueRequired", "FieldValueForbidden", "FieldValueTooLong", "InternalError"]);

export class FieldError {
  constructor(
    readonly type: FieldErrorType,
    readonly field: string,
    readonly badValue: unknown,
    readonly detail: string,
  ) {}

  /** field.Error.ErrorBody(): the part after `<field>: `. */
  body(): string {
    let s = TYPE_TEXT[this.type];
    if (!VALUELESS.has(this.type)) s += `: ${formatBadValue(this.badValue)}`;
    if (this.detail !== "") s += `: ${this.detail}`;
    return s;
  }

  toString(): string {
    return `${this.field}: ${this.body()}`;
  }
}

function formatBadValue(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return goQuote(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v instanceof GoLiteral) return v.repr;
  return goSharpV(v);
}

export function fieldRequired(field: string, detail = ""): FieldError {
  return new FieldError("FieldValueRequired", field, "", detail);
}

export function fieldInvalid(field: string, value: unknown, detail: string): FieldError {
  return new FieldError("FieldValueInvalid", field, value, detail);
}

/** field.NotSupported: valid values are sorted by the caller like sets.List, rendered with %q. */
export function fieldNotSupported(field: string, value: unknown, validValues: readonly string[]): FieldError {
  const detail = validValues.length > 0 ? `supported values: ${validValues.map(goQuote).join(", ")}` : "";
  return new FieldError("FieldValueNotSupported", field, value, detail);
}

export function fieldDuplicate(field: string, value: unknown): FieldError {
  return new FieldError("FieldValueDuplicate", field, value, "");
}

export function fieldForbidden(field: string, detail: string): FieldError {
  return new FieldError("FieldValueForbidden", field, "", detail);
}

export function fieldTooLong(field: string, value: unknown, maxLength: number): FieldError {
  const detail = maxLength >= 0 ? `may not be more than ${maxLength} bytes` : "value is too long";
  return new FieldError("FieldValueTooLong", field, value, detail);
}

export function fieldNotFound(field: string, value: unknown): FieldError {
  return new FieldError("FieldValueNotFound", field, value, "");
}
