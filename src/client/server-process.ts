// How the language server's Node process is started (the client's transport, and the benchmark that
// measures the server as the editor runs it).

export const SERVER_PROCESS = {
  // The server collects the garbage a big didOpen leaves (collectGarbage in server/lifecycle.ts).
  execArgv: ['--expose-gc'],
  // A big didOpen arrives in 64 KiB pipe chunks that glibc serves from its heap and, once freed,
  // keeps there (fragmented, not trimmed): ~55 MB of RSS after a 50 MB document. Served by mmap
  // instead, they go back to the system when freed (RSS 210 → 156 MB). Other C libraries ignore it.
  env: { MALLOC_MMAP_THRESHOLD_: '32768' },
};
