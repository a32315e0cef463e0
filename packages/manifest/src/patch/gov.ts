// How Go sees a JSON value that apimachinery decoded into interface{}: its
// dynamic type (integral numbers are int64, others float64), `==` on
// interfaces, and fmt's %v. Patch error texts quote values this way, and
// merge keys match only when Go's `==` says so.
import { isJsonObject } from "../safe";

/** A Go runtime panic the real kubectl would crash with (no error message to match). */
export class GoPanic extends Error {
  override readonly name = "GoPanic";
}

/** util/json decodes a number as int64 when it is integral and fits, else as float64. */
export function isGoInt(n: number): boolean {
  return Number.isInteger(n) && Math.abs(n) < 2 ** 63;
}

/** reflect.TypeOf(v).String(), or undefined for a nil interface. */
export function goTypeName(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) return "[]interface {}";
  if (isJsonObject(v)) return "map[string]interface {}";
  if (typeof v === "number") return isGoInt(v) ? "int64" : "float64";
  return typeof v === "boolean" ? "bool" : "string";
}

/** `%s` of a reflect.Type as the ErrBadArgType messages print it. */
export function goTypeForS(v: unknown): string {
  return goTypeName(v) ?? "%!s(<nil>)";
}

/** Go's `==` on two interface{} values holding decoded JSON. */
export function goEqual(a: unknown, b: unknown): boolean {
  const ta = goTypeName(a);
  if (ta !== goTypeName(b)) return false;
  if (ta === undefined) return true;
  if (ta === "map[string]interface {}" || ta === "[]interface {}") throw new GoPanic(`runtime error: comparing uncomparable type ${ta}`);
  return a === b;
}

/** A hashable map key for Go's map[interface{}]: panics on maps and slices as Go does. */
export function goHashKey(v: unknown): string {
  const t = goTypeName(v);
  if (t === "map[string]interface {}" || t === "[]interface {}") throw new GoPanic(`runtime error: hash of unhashable type ${t}`);
  return `${t ?? "nil"}:${String(v)}`;
}

/** strconv.FormatFloat(f, 'g', -1, 64), which %v uses: shortest digits, exponent form when exp < -4 or >= 6. */
function goFloatV(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : n < 0 ? "-Inf" : "NaN";
  if (n === 0) return Object.is(n, -0) ? "-0" : "0";
  const [mantissa, e] = n.toExponential().split("e") as [string, string];
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return String(n);
}

/** fmt's %v of a decoded JSON value: `map[k:v ...]` with sorted keys, `[a b]`, `<nil>`. */
export function goV(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "string") return v;
  if (typeof v === "number") return isGoInt(v) ? String(v) : goFloatV(v);
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(goV).join(" ")}]`;
  if (isJsonObject(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goV(v[k])}`).join(" ")}]`;
  }
  return String(v);
}

/** fmt's %s of a decoded JSON value: non-strings print as `%!s(int64=1)`. */
export function goS(v: unknown): string {
  if (v === null || v === undefined) return "%!s(<nil>)";
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return `[${v.map(goS).join(" ")}]`;
  if (isJsonObject(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goS(v[k])}`).join(" ")}]`;
  }
  return `%!s(${goTypeName(v)}=${goV(v)})`;
}
