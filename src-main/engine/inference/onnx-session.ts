import * as ort from 'onnxruntime-node';
import { VigilError } from '../errors.js';
import { disableOrtTelemetry } from './ort-telemetry.js';

// Before any session exists (the runtime reads it once, when it is first set up): see ort-telemetry.ts.
disableOrtTelemetry();

/** Execution providers a site can ask for; anything unavailable falls back to CPU. */
export const executionProviderNames = ['cpu', 'cuda', 'dml', 'coreml'] as const;
export type ExecutionProviderName = (typeof executionProviderNames)[number];

export interface SessionOptions {
  executionProvider: ExecutionProviderName;
  /** Threads one inference may use. On a 2-core machine one per worker beat two (measured). */
  intraOpNumThreads: number;
  /** From the model's manifest entry (default 'all'). */
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
}

export interface LoadedSession {
  session: ort.InferenceSession;
  /** The provider that actually runs this session. */
  provider: ExecutionProviderName;
  /** Why the requested provider was not used, when it fell back. */
  fallbackReason: string | null;
}

export async function createOnnxSession(modelPath: string, options: SessionOptions): Promise<LoadedSession> {
  const base: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: options.intraOpNumThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    executionMode: 'sequential',
    // Flush denormal floats to zero. Some graphs (faceplugin_512) produce denormal
    // activations that x86 handles in microcode: 38 ms per embedding without this,
    // 11 ms with it, same embeddings to float precision (measured, 1 thread).
    extra: { session: { set_denormal_as_zero: '1' } },
  };
  let fallbackReason: string | null = null;
  if (options.executionProvider !== 'cpu') {
    try {
      const session = await ort.InferenceSession.create(modelPath, { ...base, executionProviders: [options.executionProvider] });
      return { session, provider: options.executionProvider, fallbackReason: null };
    } catch (error) {
      fallbackReason = `${options.executionProvider} unavailable: ${(error as Error).message.split('\n')[0]}`;
    }
  }
  try {
    const session = await ort.InferenceSession.create(modelPath, { ...base, executionProviders: ['cpu'] });
    return { session, provider: 'cpu', fallbackReason };
  } catch (error) {
    throw new VigilError('MODEL_CORRUPT', `ONNX Runtime cannot load ${modelPath}: ${(error as Error).message.split('\n')[0]}`, {
      cause: error,
    });
  }
}

export { ort };
