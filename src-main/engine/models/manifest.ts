import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { VigilError } from '../errors.js';

/**
 * The model manifest: everything the engine needs to run a model without code
 * edits (input size and layout, channel order, normalisation, decoder kind),
 * plus what the site administrator must see (licence, checksum, origin).
 */
const inputSizeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fixed'), width: z.number().int().positive(), height: z.number().int().positive() }),
  z.object({
    kind: z.literal('dynamic'),
    /** Both sides of the tensor must be a multiple of this (the network's largest stride). */
    multipleOf: z.number().int().positive(),
    /** Frames are scaled down so their longest side is at most this before detection. */
    maxSide: z.number().int().positive(),
    /**
     * Also scale smaller images UP to maxSide. Landmarks on small faces (a 150 px
     * photo) are then as precise as the fixed 640x640 model's: LFW 0.9875 -> 0.9907.
     */
    upscaleSmall: z.boolean().default(false),
  }),
]);

const inputSchema = z.object({
  layout: z.enum(['NCHW', 'NHWC']),
  channelOrder: z.enum(['RGB', 'BGR']),
  mean: z.tuple([z.number(), z.number(), z.number()]),
  std: z.tuple([z.number(), z.number(), z.number()]),
  size: inputSizeSchema,
});
export type ModelInput = z.infer<typeof inputSchema>;

/** ONNX Runtime session settings that suit this model (measured: the best level differs per model). */
const runtimeSchema = z
  .object({
    graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'all']).default('all'),
  })
  .default({ graphOptimizationLevel: 'all' });
export type ModelRuntime = z.infer<typeof runtimeSchema>;

const common = {
  id: z.string().regex(/^[a-z0-9_.-]+$/),
  runtime: runtimeSchema,
  file: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  sizeBytes: z.number().int().positive(),
  licence: z.string().min(1),
  upstreamUrl: z.string().optional(),
  input: inputSchema,
};

const detectorSchema = z.object({
  ...common,
  role: z.literal('detector'),
  decoder: z.object({
    kind: z.literal('yunet'),
    strides: z.array(z.number().int().positive()).min(1),
    scoreThreshold: z.number().min(0).max(1),
    nmsIouThreshold: z.number().min(0).max(1),
    landmarks: z.literal(5),
  }),
});
export type DetectorManifest = z.infer<typeof detectorSchema>;

const embedderSchema = z.object({
  ...common,
  role: z.literal('embedder'),
  alignment: z.literal('arcface_112'),
  embeddingSize: z.number().int().positive(),
  /** Default cosine-similarity threshold for "same person", calibrated by `npm run eval`. */
  matchThreshold: z.number().min(-1).max(1),
  /** Cosine similarity for an unmatched face to join a recurring-unknown cluster, calibrated by `npm run eval -- unknowns`. */
  unknownJoinThreshold: z.number().min(-1).max(1),
  /**
   * Raw (pre-normalisation) embedding length below which a crop is no usable face (a blur, a
   * hand, a patch of wall): such views are no evidence for naming or clustering. Per model,
   * measured by `npm run eval -- faceness`.
   */
  faceNormThreshold: z.number().min(0),
  /**
   * Enrollment duplicate check: at or above this cosine similarity to someone enrolled, a new
   * face is the same person (refused); between matchThreshold and it, enrolled with a
   * "resembles" warning. Calibrated by `npm run eval -- duplicates`.
   */
  duplicateThreshold: z.number().min(-1).max(1),
});
export type EmbedderManifest = z.infer<typeof embedderSchema>;

const modelSchema = z.discriminatedUnion('role', [detectorSchema, embedderSchema]);
export type ModelManifestEntry = z.infer<typeof modelSchema>;

export const manifestSchema = z.object({
  schemaVersion: z.literal(1),
  description: z.string().optional(),
  defaults: z.object({ detector: z.string(), embedder: z.string() }),
  models: z.array(modelSchema).min(1),
});
export type Manifest = z.infer<typeof manifestSchema>;

export function loadManifest(path: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new VigilError('MODEL_MISSING', `Cannot read the model manifest at ${path}: ${(error as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new VigilError('BAD_REQUEST', `The model manifest at ${path} is invalid: ${z.prettifyError(parsed.error)}`);
  }
  const ids = new Set<string>();
  for (const model of parsed.data.models) {
    if (ids.has(model.id)) throw new VigilError('BAD_REQUEST', `The model manifest lists "${model.id}" twice`);
    ids.add(model.id);
  }
  return parsed.data;
}

export function findModel<R extends ModelManifestEntry['role']>(
  manifest: Manifest,
  id: string,
  role: R,
): Extract<ModelManifestEntry, { role: R }> {
  const model = manifest.models.find((m) => m.id === id);
  if (!model) {
    const known = manifest.models.filter((m) => m.role === role).map((m) => m.id);
    throw new VigilError('MODEL_MISSING', `Unknown ${role} "${id}". Known: ${known.join(', ')}`);
  }
  if (model.role !== role) throw new VigilError('BAD_REQUEST', `Model "${id}" is a ${model.role}, not a ${role}`);
  return model as Extract<ModelManifestEntry, { role: R }>;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface ModelFileProblem {
  modelId: string;
  code: 'MODEL_MISSING' | 'MODEL_CORRUPT';
  message: string;
}

/** Checks that a model file exists in `dir` with the manifest's checksum. */
export async function verifyInstalledModel(dir: string, model: ModelManifestEntry): Promise<ModelFileProblem | null> {
  const path = join(dir, model.file);
  if (!existsSync(path)) {
    return {
      modelId: model.id,
      code: 'MODEL_MISSING',
      message: `Model "${model.id}" (${model.file}) is not installed in ${dir}. Import a model pack: npm run models -- import <folder>`,
    };
  }
  const size = statSync(path).size;
  if (size !== model.sizeBytes) {
    return {
      modelId: model.id,
      code: 'MODEL_CORRUPT',
      message: `Model file ${path} has ${size} bytes, expected ${model.sizeBytes}: it is damaged or a different model. Re-import the pack.`,
    };
  }
  const digest = await sha256File(path);
  if (digest !== model.sha256) {
    return {
      modelId: model.id,
      code: 'MODEL_CORRUPT',
      message: `Model file ${path} fails its checksum (sha256 ${digest.slice(0, 12)}…, expected ${model.sha256.slice(0, 12)}…). Re-import the pack.`,
    };
  }
  return null;
}
