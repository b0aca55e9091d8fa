// Every replayed policy, in the order tables list them.
import { airhv } from './airhv';
import { exact } from './exact';
import { gbhv } from './gbhv';
import { hvpp } from './hvpp';
import { hyperDbg } from './hyperdbg';
import { hyperPlatform } from './hyperplatform';
import { jonomangoHv } from './jonomango-hv';
import { ksm } from './ksm';
import { kvm } from './kvm';
import { simpleVisor } from './simplevisor';
import type { Policy } from './types';
import { xen } from './xen';

export const POLICIES: readonly Policy[] = [exact, hyperPlatform, hvpp, simpleVisor, gbhv, airhv, hyperDbg, ksm, jonomangoHv, xen, kvm];

export const policyNamed = (name: string): Policy | undefined => POLICIES.find((p) => p.name === name.toLowerCase());

export * from './types';
export * from './compare';
export * from './machine';
export * from './table';
