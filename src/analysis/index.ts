// Map → plan → problems → the line of each span: pure, no LSP, no file or network I/O. Shared by
// the CLI, the language server and Plan Log File.
export * from './options';
export * from './choose';
export * from './map-plan';
export * from './span-lines';
export * from './document';
export * from './scan-stream';
export * from './problems';
export * from './fold-maps';
