/**
 * just-bash, loaded on first use: it is a large bundle, and a program that
 * only uses kubectl's API verbs or curl never needs a shell.
 */
type JustBash = typeof import("just-bash");

let loaded: JustBash | undefined;

export function justBash(): JustBash {
  loaded ??= require("just-bash") as JustBash;
  return loaded;
}
