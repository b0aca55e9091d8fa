// build.mjs compiles scan.as.ts to prefilter.wasm, which esbuild's `binary` loader embeds as bytes.
declare module '*.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
