/** `kubectl version`: the client and server versions (kind's node image), `--client` for the first only. */
import { SERVER_VERSION } from "@svclab/apiserver";
import type { KubectlCommand } from "../command";

// The installed kubectl dispatcher runs the client matching the server's minor; kubectl 1.32 embeds kustomize v5.5.0.
const VERSION = { client: SERVER_VERSION.gitVersion, server: SERVER_VERSION.gitVersion, kustomize: "v5.5.0" };

export const version: KubectlCommand = {
  name: "version",
  flags: [{ name: "client", type: "bool" }],
  run(p, ctx) {
    ctx.out.out(`Client Version: ${VERSION.client}`);
    ctx.out.out(`Kustomize Version: ${VERSION.kustomize}`);
    if (p.flags.get("client") !== true) ctx.out.out(`Server Version: ${VERSION.server}`);
  },
};
