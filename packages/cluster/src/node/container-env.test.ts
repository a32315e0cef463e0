import { describe, expect, it } from "vitest";
import type { Pod, Service } from "kubernetes-types/core/v1";
import { containerEnv, serviceEnv } from "./container-env";

function svc(namespace: string, name: string, created: string, spec: Service["spec"]): Service {
  return { metadata: { namespace, name, creationTimestamp: created }, spec };
}

const myNginx = svc("default", "my-nginx", "2024-01-01T00:00:00Z", { clusterIP: "10.0.162.149", ports: [{ port: 80, protocol: "TCP" }] });

describe("serviceEnv (kubelet envvars.FromServices)", () => {
  it("matches the variables of the 'Connecting Applications with Services' tutorial", () => {
    expect(Object.fromEntries(serviceEnv(myNginx))).toEqual({
      MY_NGINX_SERVICE_HOST: "10.0.162.149",
      MY_NGINX_SERVICE_PORT: "80",
      MY_NGINX_PORT: "tcp://10.0.162.149:80",
      MY_NGINX_PORT_80_TCP: "tcp://10.0.162.149:80",
      MY_NGINX_PORT_80_TCP_PROTO: "tcp",
      MY_NGINX_PORT_80_TCP_PORT: "80",
      MY_NGINX_PORT_80_TCP_ADDR: "10.0.162.149",
    });
  });

  it("names ports and skips headless services", () => {
    const named = svc("default", "web", "2024-01-01T00:00:00Z", { clusterIP: "10.96.0.9", ports: [{ name: "http", port: 80 }, { name: "dns-udp", port: 53, protocol: "UDP" }] });
    const env = Object.fromEntries(serviceEnv(named));
    expect(env.WEB_SERVICE_PORT_HTTP).toBe("80");
    expect(env.WEB_SERVICE_PORT_DNS_UDP).toBe("53");
    expect(env.WEB_PORT_53_UDP).toBe("udp://10.96.0.9:53");
    expect(serviceEnv(svc("default", "h", "2024-01-01T00:00:00Z", { clusterIP: "None", ports: [{ port: 80 }] }))).toEqual([]);
  });
});

describe("containerEnv", () => {
  const pod: Pod = {
    metadata: { namespace: "default", name: "client" },
    spec: { containers: [{ name: "c", env: [{ name: "NGINX_PORT", value: "81" }] }] },
    status: { startTime: "2024-01-01T00:01:00Z" },
  };
  const later = svc("default", "later", "2024-01-01T00:02:00Z", { clusterIP: "10.96.0.8", ports: [{ port: 80 }] });
  const other = svc("other", "elsewhere", "2024-01-01T00:00:00Z", { clusterIP: "10.96.0.7", ports: [{ port: 80 }] });

  it("sees services of its namespace that existed when it started, then its own env", () => {
    const env = containerEnv(pod, pod.spec!.containers[0]!, [myNginx, later, other]);
    expect(env.MY_NGINX_SERVICE_HOST).toBe("10.0.162.149");
    expect(env.LATER_SERVICE_HOST).toBeUndefined();
    expect(env.ELSEWHERE_SERVICE_HOST).toBeUndefined();
    expect(env.NGINX_PORT).toBe("81");
    expect(env.HOSTNAME).toBe("client");
  });

  it("keeps only the kubernetes Service with enableServiceLinks: false", () => {
    const kubernetes = svc("default", "kubernetes", "2024-01-01T00:00:00Z", { clusterIP: "10.96.0.1", ports: [{ name: "https", port: 443 }] });
    const env = containerEnv({ ...pod, spec: { ...pod.spec!, enableServiceLinks: false } }, pod.spec!.containers[0]!, [myNginx, kubernetes]);
    expect(env.KUBERNETES_SERVICE_HOST).toBe("10.96.0.1");
    expect(env.KUBERNETES_SERVICE_PORT_HTTPS).toBe("443");
    expect(env.MY_NGINX_SERVICE_HOST).toBeUndefined();
  });
});
