// Development entry for the inference worker when Vigil runs from TypeScript
// sources (tsx): worker threads do not inherit the main thread's loader hooks,
// so register tsx here, then load the real worker. The built app uses the
// bundled inference-worker.js instead and never loads this file.
import { register } from 'tsx/esm/api';

register();
await import('./inference-worker.ts');
