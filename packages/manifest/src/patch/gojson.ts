// The syntax error Go's encoding/json reports for text that is not JSON
// (its scanner's messages), e.g. `unexpected end of JSON input` or
// `invalid character '}' after object key`.
import { goQuote } from "../gofmt";

class Syntax extends Error {}

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  const q = goQuote(c);
  return `'${q.slice(1, -1)}'`;
}

const bad = (c: string, context: string): Syntax => new Syntax(`invalid character ${quoteChar(c)} ${context}`);
const END = new Syntax("unexpected end of JSON input");
const isSpace = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\n" || c === "\r";
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";

class Scanner {
  private i = 0;
  constructor(private readonly s: string) {}

  private peek(): string | undefined {
    return this.s[this.i];
  }

  private next(): string {
    const c = this.s[this.i++];
    if (c === undefined) throw END;
    return c;
  }

  private skipSpace(): void {
    while (isSpace(this.peek())) this.i++;
  }

  document(): void {
    this.value();
    this.skipSpace();
    const c = this.peek();
    if (c !== undefined) throw bad(c, "after top-level value");
  }

  private value(): void {
    this.skipSpace();
    const c = this.next();
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return this.string();
    if (c === "-" || isDigit(c)) return this.number(c);
    for (const lit of ["true", "false", "null"]) {
      if (c === lit[0]) {
        for (const want of lit.slice(1)) {
          const got = this.next();
          if (got !== want) throw bad(got, `in literal ${lit} (expecting ${quoteChar(want)})`);
        }
        return;
      }
    }
    throw bad(c, "looking for beginning of value");
  }

  private object(): void {
    this.skipSpace();
    let c = this.next();
    if (c === "}") return;
    for (;;) {
      if (c !== '"') throw bad(c, "looking for beginning of object key string");
      this.string();
      this.skipSpace();
      c = this.next();
      if (c !== ":") throw bad(c, "after object key");
      this.value();
      this.skipSpace();
      c = this.next();
      if (c === "}") return;
      if (c !== ",") throw bad(c, "after object key:value pair");
      this.skipSpace();
      c = this.next();
    }
  }

  private array(): void {
    this.skipSpace();
    if (this.peek() === "]") {
      this.i++;
      return;
    }
    for (;;) {
      this.value();
      this.skipSpace();
      const c = this.next();
      if (c === "]") return;
      if (c !== ",") throw bad(c, "after array element");
    }
  }

  private string(): void {
    for (;;) {
      const c = this.next();
      if (c === '"') return;
      if (c === "\\") {
        const e = this.next();
        if (e === "u") {
          for (let k = 0; k < 4; k++) {
            const h = this.next();
            if (!/[0-9a-fA-F]/.test(h)) throw bad(h, "in \\u hexadecimal character escape");
          }
        } else if (!'"\\/bfnrt'.includes(e)) {
          throw bad(e, "in string escape code");
        }
      } else if (c < " ") {
        throw bad(c, "in string literal");
      }
    }
  }

  private number(first: string): void {
    let c: string | undefined = first;
    if (c === "-") {
      c = this.next();
      if (!isDigit(c)) throw bad(c, "in numeric literal");
    }
    if (c !== "0") while (isDigit(this.peek())) this.i++;
    if (this.peek() === ".") {
      this.i++;
      const d = this.next();
      if (!isDigit(d)) throw bad(d, "after decimal point in numeric literal");
      while (isDigit(this.peek())) this.i++;
    }
    if (this.peek() === "e" || this.peek() === "E") {
      this.i++;
      let d = this.next();
      if (d === "+" || d === "-") d = this.next();
      if (!isDigit(d)) throw bad(d, "in exponent of numeric literal");
      while (isDigit(this.peek())) this.i++;
    }
  }
}

/** Go's json.Unmarshal syntax error for text JSON.parse rejected. */
export function goJsonSyntaxError(text: string): string {
  try {
    new Scanner(text).document();
  } catch (e) {
    if (e instanceof Syntax) return e.message;
    throw e;
  }
  return "unexpected end of JSON input";
}
