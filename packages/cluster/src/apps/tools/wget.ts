/**
 * BusyBox wget, the HTTP client of busybox and alpine pods: `wget -qO- URL`
 * prints the body; progress lines and errors go to stderr in BusyBox's
 * words (`bad address`, `can't connect to remote host`, `download timed out`).
 */
import { ok, type Tool } from "./tool";

export const wget: Tool = async (args, ctx) => {
  let quiet = false;
  let output: string | undefined;
  let timeout: number | undefined;
  let url: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a.startsWith("-") && a.length > 1 && !a.startsWith("--")) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        if (c === "q") quiet = true;
        else if (c === "O" || c === "T") {
          const v = a.slice(j + 1) || (args[++i] ?? "");
          if (c === "O") output = v;
          else timeout = Number(v);
          break;
        } else return { stdout: "", stderr: `wget: unrecognized option: ${c}\n`, exitCode: 1 };
      }
    } else if (a.startsWith("--timeout=")) timeout = Number(a.slice(10));
    else if (a === "--quiet") quiet = true;
    else url ??= a;
  }
  if (url === undefined) return { stdout: "", stderr: "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n", exitCode: 1 };
  const full = /^https?:\/\//.test(url) ? url : `http://${url}`;
  const host = /^https?:\/\/([^/:]+)/.exec(full)?.[1] ?? url;
  const r = ctx.cluster.curl(full, ctx.client, { trace: true, headers: { "User-Agent": "Wget", Connection: "close" }, ...(timeout !== undefined && timeout > 0 ? { connectTimeoutSeconds: timeout } : {}) });
  const connect = r.trace.find((h) => h.step === "connect");
  const dest = connect !== undefined && connect.step === "connect" ? connect.destination : "";
  let stderr = quiet || dest === "" ? "" : `Connecting to ${host} (${dest})\n`;
  if (r.response === undefined) {
    const msg = r.exitCode === 6 ? `wget: bad address '${host}'` : r.exitCode === 28 ? "wget: download timed out" : `wget: can't connect to remote host (${dest.split(":")[0]}): Connection refused`;
    return { stdout: "", stderr: `${stderr}${msg}\n`, exitCode: 1 };
  }
  if (r.response.status >= 400) {
    return { stdout: "", stderr: `${stderr}wget: server returned error: HTTP/1.1 ${r.response.status}\n`, exitCode: 1 };
  }
  const toStdout = output === "-";
  const file = output ?? (full.replace(/[?#].*$/, "").split("/").slice(3).pop() || "index.html");
  if (!quiet) stderr += toStdout ? "writing to stdout\n" : `saving to '${file}'\n`;
  if (toStdout) return ok(r.response.body, stderr);
  await ctx.writeFile(file, r.response.body);
  return ok("", stderr);
};
