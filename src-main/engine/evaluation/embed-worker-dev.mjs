// Development entry for the evaluation worker when Vigil runs from TypeScript
// sources (tsx, as `npm run eval` does): worker threads do not inherit the main
// thread's loader hooks, so register tsx here, then load the real worker.
import { register } from 'tsx/esm/api';

register();
await import('./embed-worker.ts');
