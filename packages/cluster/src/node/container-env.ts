/**
 * A container's environment as the kubelet sets it
 * (pkg/kubelet/envvars): for every Service of the pod's namespace that
 * existed when the container started (and the API server's `kubernetes`
 * Service), `<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT[_<PORT NAME>]` and
 * the Docker-link variables; then the container's own `env`.
 */
import type { Container, Pod, Service } from "kubernetes-types/core/v1";

const envName = (s: string): string => s.replace(/-/g, "_").toUpperCase();

/** envvars.FromServices for one Service with a cluster IP. */
export function serviceEnv(svc: Service): [string, string][] {
  const ip = svc.spec?.clusterIP ?? "";
  const ports = svc.spec?.ports ?? [];
  const first = ports[0];
  if (ip === "" || ip === "None" || first === undefined) return [];
  const prefix = envName(svc.metadata?.name ?? "");
  const out: [string, string][] = [
    [`${prefix}_SERVICE_HOST`, ip],
    [`${prefix}_SERVICE_PORT`, String(first.port)],
  ];
  for (const sp of ports) if (sp.name) out.push([`${prefix}_SERVICE_PORT_${envName(sp.name)}`, String(sp.port)]);
  ports.forEach((sp, i) => {
    const protocol = (sp.protocol ?? "TCP").toLowerCase();
    const url = `${protocol}://${ip}:${sp.port}`;
    // Docker special-cases the first port.
    if (i === 0) out.push([`${prefix}_PORT`, url]);
    const portPrefix = `${prefix}_PORT_${sp.port}_${protocol.toUpperCase()}`;
    out.push([portPrefix, url], [`${portPrefix}_PROTO`, protocol], [`${portPrefix}_PORT`, String(sp.port)], [`${portPrefix}_ADDR`, ip]);
  });
  return out;
}

const isMaster = (s: Service): boolean => s.metadata?.namespace === "default" && s.metadata.name === "kubernetes";

/**
 * The environment of `container` in `pod`, from the Services of the pod's
 * namespace and the `kubernetes` Service (always included, even with
 * enableServiceLinks false).
 */
export function containerEnv(pod: Pod, container: Container, services: readonly Service[]): Record<string, string> {
  const started = Date.parse(pod.status?.startTime ?? pod.metadata?.creationTimestamp ?? "");
  const env: Record<string, string> = {
    PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    HOSTNAME: pod.metadata?.name ?? "",
    HOME: "/root",
  };
  const links = pod.spec?.enableServiceLinks !== false;
  const visible = services.filter(
    (s) => (isMaster(s) || (links && s.metadata?.namespace === pod.metadata?.namespace)) && !(Date.parse(s.metadata?.creationTimestamp ?? "") > started),
  );
  for (const s of visible) for (const [k, v] of serviceEnv(s)) env[k] = v;
  for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return env;
}
