// The planner's public surface: pure, no editor or Node I/O imports.
export * from './types';
export * from './units';
export * from './normalize';
export * from './cover';
export * from './mtrr';
export * from './tables';
export * from './plan';
export * from './phys-bits';
export * from './replan';
export * from './steps';
