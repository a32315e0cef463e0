/**
 * Splits an iptables-restore line into arguments the way iptables-restore
 * does: whitespace separates, double quotes group (and are removed), a
 * backslash escapes the next character inside quotes.
 */
export function tokenizeRuleLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let inToken = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quoted) {
      if (c === "\\" && i + 1 < line.length) cur += line[++i];
      else if (c === '"') quoted = false;
      else cur += c;
      continue;
    }
    if (c === '"') {
      quoted = true;
      inToken = true;
    } else if (c === " " || c === "\t") {
      if (inToken) out.push(cur);
      cur = "";
      inToken = false;
    } else {
      cur += c;
      inToken = true;
    }
  }
  if (quoted) throw new Error("unterminated quoted string");
  if (inToken) out.push(cur);
  return out;
}

/** Quotes an argument for printing when it holds whitespace or quotes (xtables_save_string). */
export function saveString(s: string): string {
  if (s !== "" && !/[\s"'\\]/.test(s)) return s;
  return `"${s.replace(/(["\\])/g, "\\$1")}"`;
}
