/**
 * Errors of the BPF map syscalls, worded the way cilium-agent surfaces them
 * (`Unable to update element for <map> map with file descriptor <fd>:
 * <strerror>`), with the errno name kept for programmatic checks.
 */

/** The errno values a map operation can fail with. */
export const BPF_ERRNO = {
  ENOENT: 2,
  E2BIG: 7,
  ENOMEM: 12,
  EEXIST: 17,
  EINVAL: 22,
  ENOSPC: 28,
} as const;

export type BpfErrnoName = keyof typeof BPF_ERRNO;

/** strerror(3) texts, as Go's syscall.Errno.Error() prints them. */
const STRERROR: Record<BpfErrnoName, string> = {
  ENOENT: "no such file or directory",
  E2BIG: "argument list too long",
  ENOMEM: "cannot allocate memory",
  EEXIST: "file exists",
  EINVAL: "invalid argument",
  ENOSPC: "no space left on device",
};

export type BpfMapOperation = "update" | "delete" | "lookup";

/** A failed map operation (what the bpf() syscall would return). */
export class BpfMapError extends Error {
  override readonly name = "BpfMapError";
  /** Errno name, e.g. "E2BIG". */
  readonly code: BpfErrnoName;
  /** Errno number, e.g. 7. */
  readonly errno: number;
  readonly mapName: string;
  readonly fd: number;
  readonly operation: BpfMapOperation;

  constructor(code: BpfErrnoName, mapName: string, fd: number, operation: BpfMapOperation) {
    const what =
      operation === "update"
        ? `Unable to update element for ${mapName} map`
        : operation === "delete"
          ? `Unable to delete element from ${mapName} map`
          : `Unable to lookup element in ${mapName} map`;
    super(`${what} with file descriptor ${fd}: ${STRERROR[code]}`);
    this.code = code;
    this.errno = BPF_ERRNO[code];
    this.mapName = mapName;
    this.fd = fd;
    this.operation = operation;
  }
}

/** True when `err` is a BpfMapError, optionally with the given errno name. */
export function isBpfMapError(err: unknown, code?: BpfErrnoName): err is BpfMapError {
  return err instanceof BpfMapError && (code === undefined || err.code === code);
}
