// A command line split into words the way a POSIX shell does for the
// notebooks' `kubectl("...")`: single quotes keep everything, double quotes
// keep everything but `\"` and `\\`, a backslash outside quotes escapes the
// next character. No expansion: the notebooks' commands need none.

export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word = `${word ?? ""}${ch}`;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === "\\" && (line[i + 1] === '"' || line[i + 1] === "\\")) word = `${word ?? ""}${line[++i] ?? ""}`;
      else word = `${word ?? ""}${ch}`;
    } else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word ??= "";
    } else if (ch === "\\" && i + 1 < line.length) {
      word = (word ?? "") + line[++i];
    } else {
      word = (word ?? "") + ch;
    }
  }
  if (quote !== undefined) throw new Error(`unexpected EOF while looking for matching \`${quote}'`);
  if (word !== undefined) words.push(word);
  return words;
}
