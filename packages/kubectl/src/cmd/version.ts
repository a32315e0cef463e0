/** `kubectl version`: the client and server versions (kind's node image), `--client` for the first only. */
import type { KubectlCommand } from "../command";

const VERSION = { client: "v1.30.0", server: "v1.30.0", kustomize: "v5.0.4-0.20230601165947-6ce0bf390ce3" };

export const version: KubectlCommand = {
  name: "version",
  flags: [{ name: "client", type: "bool" }],
  run(p, ctx) {
    ctx.out.out(`Client Version: ${VERSION.client}`);
    ctx.out.out(`Kustomize Version: ${VERSION.kustomize}`);
    if (p.flags.get("client") !== true) ctx.out.out(`Server Version: ${VERSION.server}`);
  },
};
