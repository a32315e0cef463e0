/**
 * A container's log as the kubelet keeps it (CRI log files under
 * /var/log/pods): each line with the instant it was written, rotated at
 * the kubelet's containerLogMaxSize (10 MiB) so a long run keeps the
 * newest lines and no more. `kubectl logs --timestamps` prefixes each line
 * with its RFC 3339 instant at nanosecond precision, as the kubelet does.
 */
const MAX_BYTES = 10 * 1024 * 1024;

interface LogLine {
  readonly atMs: number;
  readonly text: string;
}

export interface ReadOptions {
  readonly tailLines?: number;
  readonly timestamps?: boolean;
}

/** time.RFC3339Nano of a millisecond instant (trailing zeros dropped, as Go formats it). */
export function rfc3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString();
  const frac = iso.slice(20, 23).replace(/0+$/, "");
  return `${iso.slice(0, 19)}${frac === "" ? "" : `.${frac}`}Z`;
}

export class ContainerLog {
  private lines: LogLine[] = [];
  private head = 0;
  private bytes = 0;
  private readonly followers = new Set<(line: string, atMs: number) => void>();

  constructor(private readonly now: () => Date) {}

  /** Appends one line (without its newline). */
  write(text: string): void {
    const atMs = this.now().getTime();
    this.lines.push({ atMs, text });
    this.bytes += text.length + 1;
    while (this.bytes > MAX_BYTES && this.head < this.lines.length) {
      this.bytes -= (this.lines[this.head] as LogLine).text.length + 1;
      this.head++;
    }
    // Compact once the rotated-away prefix is as long as what is kept.
    if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
    for (const f of this.followers) f(text, atMs);
  }

  read(opts: ReadOptions = {}): string {
    let start = this.head;
    if (opts.tailLines !== undefined && opts.tailLines >= 0) start = Math.max(this.head, this.lines.length - opts.tailLines);
    let out = "";
    for (let i = start; i < this.lines.length; i++) out += format(this.lines[i] as LogLine, opts.timestamps ?? false);
    return out;
  }

  /** Calls `onLine` with every line written from now on (`kubectl logs -f`), until the returned stop. */
  follow(onLine: (text: string) => void, timestamps: boolean): () => void {
    const f = (text: string, atMs: number): void => onLine(format({ atMs, text }, timestamps));
    this.followers.add(f);
    return () => void this.followers.delete(f);
  }
}

function format(line: LogLine, timestamps: boolean): string {
  return timestamps ? `${rfc3339Nano(line.atMs)} ${line.text}\n` : `${line.text}\n`;
}
