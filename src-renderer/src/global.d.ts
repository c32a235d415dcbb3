import type { VigilBridge } from './api/bridge';

declare global {
  interface Window {
    /** Present only inside the Electron shell (exposed by src-preload/index.ts). */
    vigil?: VigilBridge;
  }
}
