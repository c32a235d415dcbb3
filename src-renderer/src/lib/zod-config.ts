import { z } from 'zod';

// The console runs under a strict CSP (no eval). Zod 4 probes `new Function`
// when an object schema is built (to JIT-compile its parser), and the browser
// reports that probe as a CSP violation even though zod catches it. Jitless
// parsing is plenty fast for our messages. main.tsx imports this module first,
// so it runs before src-preload/contract.ts builds its schemas.
z.config({ jitless: true });
