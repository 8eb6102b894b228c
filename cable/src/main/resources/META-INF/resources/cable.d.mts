// Types of the ES module entry point (cable.mjs): TypeScript looks for cable.d.mts beside cable.mjs.
// The declarations themselves live in cable.d.ts (the classic script's types).
export * from './cable.js';
export { default } from './cable.js';
