import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BackendInstances, type BackendInstance } from "./tables";

const inst = (n: number): BackendInstance => ({ portNames: [], state: "active", nodeName: `node-${n}`, zone: "", unhealthy: false, weight: 100 });

describe("BackendInstances", () => {
  it("behaves like a Map from service name to instance, in insertion order", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.constantFrom("default/a", "default/b", "kube-system/c")), { maxLength: 60 }), (ops) => {
        const instances = new BackendInstances();
        const model = new Map<string, BackendInstance>();
        ops.forEach(([insert, name], step) => {
          if (insert) {
            instances.set(name, inst(step));
            model.set(name, inst(step));
          } else {
            expect(instances.delete(name)).toBe(model.delete(name));
          }
          expect(instances.size).toBe(model.size);
          expect(instances.get(name)).toEqual(model.get(name));
          expect(instances.has(name)).toBe(model.has(name));
          expect([...instances]).toEqual([...model]);
          expect([...instances.keys()]).toEqual([...model.keys()]);
          expect([...instances.values()]).toEqual([...model.values()]);
        });
      }),
    );
  });
});
