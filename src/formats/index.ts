// Readers of memory maps, MTRR dumps and events in hypervisor logs: pure functions over lines.
export * from './records';
export * from './hex';
export * from './envelope';
export * from './scan';
export * from './maps';
export * from './regroup';
export * from './checks';
export * from './usable';
export * from './late-start';
