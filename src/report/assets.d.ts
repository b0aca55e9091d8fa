// The report's stylesheet and page script are imported as text (esbuild loader in build.mjs).
declare module '*.css' {
  const text: string;
  export default text;
}
declare module '*.asset.js' {
  const text: string;
  export default text;
}
