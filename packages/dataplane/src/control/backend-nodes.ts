/**
 * Where each programmed backend runs, indexed by backend id: the model's
 * stand-in for the endpoint map / ipcache lookup that tells Cilium's
 * datapath whether a selected backend is a local pod or lives behind
 * another node. Dense typed arrays, since backend ids are small integers and
 * the datapath asks on every new flow.
 */

export class BackendNodes {
  private local = new Uint8Array(256);
  private names: string[] = [];

  set(id: number, nodeName: string, isLocal: boolean): void {
    if (id >= this.local.length) {
      let n = this.local.length;
      while (n <= id) n *= 2;
      const grown = new Uint8Array(n);
      grown.set(this.local);
      this.local = grown;
    }
    this.local[id] = isLocal ? 1 : 0;
    this.names[id] = nodeName;
  }

  delete(id: number): void {
    if (id < this.local.length) this.local[id] = 0;
    this.names[id] = "";
  }

  isLocal(id: number): boolean {
    return this.local[id] === 1;
  }

  /** The backend's node name ("" when the EndpointSlice did not say). */
  nodeName(id: number): string {
    return this.names[id] ?? "";
  }
}
