// Moved to src/architecture/instance-sizes.ts (the projection reads the same sizes); kept for the local target's imports.
export { dbClassMemoryGiB, dbMaxConnections, instanceVcpus } from '../architecture/instance-sizes.js';
