import { parseIPv4, VirtualClock } from "@svclab/sim";
import { describe, expect, it } from "vitest";
import { IpvsTable, type RealServerSpec } from "./ipvs";

const VIP = parseIPv4("10.96.0.10");
const rs = (last: number, weight = 1): RealServerSpec => ({ ip: parseIPv4(`10.244.1.${last}`), port: 8080, weight });

function table(persistentSeconds: number, opts: { expireQuiescentTemplate?: boolean } = {}) {
  const clock = new VirtualClock(100);
  const t = new IpvsTable(clock, opts);
  const sync = (servers: RealServerSpec[]) => t.sync([{ proto: "TCP", ip: VIP, port: 80, scheduler: "rr", persistentSeconds, realServers: servers }]);
  sync([rs(1), rs(2), rs(3)]);
  let port = 40000;
  const open = (client: string) => {
    const r = t.schedule("TCP", parseIPv4(client), port++, VIP, 80);
    if (r.conn) t.transition(r.conn, "ESTABLISHED");
    return r;
  };
  return { t, clock, sync, open };
}

const last = (r: { dest?: { ip: number } | undefined }) => (r.dest ? r.dest.ip & 0xff : undefined);

describe("IPVS scheduling and persistence", () => {
  it("round-robins new connections over the real servers (rr)", () => {
    const { open } = table(0);
    expect([1, 2, 3, 4, 5, 6].map((i) => last(open(`10.0.0.${i}`)))).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it("sends a persistent client back through its template", () => {
    const { open } = table(10800);
    const first = open("10.0.0.7");
    expect(first.via).toBe("scheduler");
    for (let i = 0; i < 4; i++) {
      const r = open("10.0.0.7");
      expect([r.via, last(r)]).toEqual(["template", last(first)]);
    }
    expect(last(open("10.0.0.8"))).not.toBe(last(first));
  });

  // kubernetes#89358: a connection in TIME_WAIT keeps its template alive past timeoutSeconds.
  it("keeps a template past its timeout while a TIME_WAIT connection holds it", () => {
    const { t, clock, open } = table(10);
    const first = open("10.0.0.7");
    t.transition(first.conn!, "TIME_WAIT");
    clock.advance(30); // timeout 10 s long gone, TIME_WAIT (120 s) still there
    const again = open("10.0.0.7");
    expect([again.via, last(again)]).toEqual(["template", last(first)]);
    t.transition(again.conn!, "TIME_WAIT");
    clock.advance(300);
    t.gc();
    expect(open("10.0.0.7").via).toBe("scheduler");
  });

  it("lets a template expire on time when its connections are gone", () => {
    const { t, clock, open } = table(10);
    const first = open("10.0.0.7");
    t.transition(first.conn!, "CLOSE");
    clock.advance(11);
    expect(open("10.0.0.7").via).toBe("scheduler");
  });

  // kubernetes#71809: a draining (weight 0) server keeps its persistent clients unless
  // net.ipv4.vs.expire_quiescent_template=1.
  it.each([
    [false, "template"],
    [true, "scheduler"],
  ])("with expire_quiescent_template=%s a client of a draining server goes via %s", (flag, via) => {
    const { sync, open } = table(10800, { expireQuiescentTemplate: flag });
    const first = open("10.0.0.7");
    const servers = [rs(1), rs(2), rs(3)].map((s) => ((s.ip & 0xff) === last(first) ? { ...s, weight: 0 } : s));
    sync(servers);
    const r = open("10.0.0.7");
    expect(r.via).toBe(via);
    if (flag) expect(last(r)).not.toBe(last(first));
    else expect(last(r)).toBe(last(first));
  });

  it("prints ipvsadm -Ln and -Lnc", () => {
    const { t, clock, open } = table(10800);
    open("10.0.0.7");
    clock.advance(1);
    expect(t.list()).toBe(
      [
        "IP Virtual Server version 1.2.1 (size=4096)",
        "Prot LocalAddress:Port Scheduler Flags",
        "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn",
        "TCP  10.96.0.10:80 rr persistent 10800",
        "  -> 10.244.1.1:8080              Masq    1      1          0",
        "  -> 10.244.1.2:8080              Masq    1      0          0",
        "  -> 10.244.1.3:8080              Masq    1      0          0",
        "",
      ].join("\n"),
    );
    expect(t.listConnections().split("\n").slice(2, 4)).toEqual([
      "TCP 179:59 NONE        10.0.0.7:0         10.96.0.10:80      10.244.1.1:8080",
      "TCP 14:59  ESTABLISHED 10.0.0.7:40000     10.96.0.10:80      10.244.1.1:8080",
    ]);
  });
});
