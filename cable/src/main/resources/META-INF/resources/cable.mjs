// ES module entry point of cable.js: `import cable from '/cable.mjs'` or `import { cable } from '/cable.mjs'`.
import './cable.js';
const cable = globalThis.cable;
export default cable;
export { cable };
