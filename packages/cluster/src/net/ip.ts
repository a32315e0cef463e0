/**
 * The address helpers the cluster's components share (IPAM, topology, the
 * network): @svclab/sim's, gathered in one import.
 */
export { formatIPv4, parseIPv4, tryParseIPv4, parseCidr, formatCidr, cidrContains } from "@svclab/sim";
export type { Cidr } from "@svclab/sim";
