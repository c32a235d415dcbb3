import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for AWS Rekognition on 127.0.0.1, speaking the JSON 1.1 protocol
 * the SDK uses (POST /, `X-Amz-Target: RekognitionService.<Operation>`,
 * `Content-Type: application/x-amz-json-1.1`, errors as 4xx/5xx with a JSON
 * body naming the error in `__type`). It keeps collections in memory.
 *
 * It cannot recognise faces: a face's identity here is its image bytes (the
 * same crop bytes match at similarity 99.5, anything else matches no one), and
 * crops passed to markFaceless() "contain no face" (IndexFaces indexes
 * nothing, SearchFacesByImage answers InvalidParameterException, as the real
 * service does).
 *
 * Faults for tests: the next requests can be throttled, fail with a 5xx or a
 * chosen 4xx, or be answered slowly; stop() makes the endpoint unreachable
 * (connection refused) and start() brings it back on the same port.
 */
export interface ReceivedRequest {
  operation: string;
  /** performance.now() when the request arrived (server side). */
  atMs: number;
  status: number;
  /** The access key id in the SigV4 Authorization header (proves which credentials signed). */
  accessKeyId: string | null;
}

interface StoredFace {
  faceId: string;
  imageId: string;
  externalImageId: string | null;
  imageHash: string;
}

interface Fault {
  status: number;
  type: string;
  message: string;
}

export interface FakeRekognition {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Faces in a collection (a copy). */
  faces(collectionId: string): { faceId: string; externalImageId: string | null }[];
  createCollection(collectionId: string): void;
  /** The next `count` requests are answered 400 with `__type` ThrottlingException (or the type given). */
  throttleNext(count: number, type?: string): void;
  /** The next `count` requests are answered with a server error (default 500 InternalServerError). */
  failNext(count: number, status?: number, type?: string): void;
  /** The next `count` requests are refused with a client error (default 400 InvalidParameterException). */
  rejectNext(count: number, type?: string, status?: number): void;
  /** The next `count` requests are answered after `delayMs`. */
  slowNext(count: number, delayMs: number): void;
  markFaceless(image: Uint8Array): void;
  /** The next `count` IndexFaces calls store the face and then answer 500 (the face id is lost to the client). */
  indexThenFailNext(count: number): void;
  /**
   * From now on, a searched crop that matches no stored face's bytes matches the first face stored
   * with this ExternalImageId (a camera's crop is never byte-equal to an enrolled one); null: off.
   */
  nameEveryFaceAs(externalImageId: string | null): void;
  /** Forgets injected faults and delays not yet used. */
  clearFaults(): void;
  /** Closes the listener and every connection: the endpoint now refuses connections. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'RekognitionService.';

export async function startFakeRekognition(options: { collections?: string[] } = {}): Promise<FakeRekognition> {
  const collections = new Map<string, StoredFace[]>();
  for (const id of options.collections ?? ['vigil-test']) collections.set(id, []);
  const faceless = new Set<string>();
  const faults: Fault[] = [];
  const delays: number[] = [];
  const requests: ReceivedRequest[] = [];
  let indexAfterFailure = 0;
  let everyFaceIs: string | null = null;

  const hash = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

  function send(res: ServerResponse, request: ReceivedRequest, status: number, body: unknown): void {
    request.status = status;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': randomUUID() });
    res.end(text);
  }

  function sendError(res: ServerResponse, request: ReceivedRequest, status: number, type: string, message: string): void {
    send(res, request, status, { __type: type, Message: message });
  }

  function imageBytes(input: Record<string, unknown>): Buffer | null {
    const image = input.Image as { Bytes?: unknown } | undefined;
    if (!image || typeof image.Bytes !== 'string') return null;
    return Buffer.from(image.Bytes, 'base64');
  }

  function handle(operation: string, input: Record<string, unknown>, res: ServerResponse, request: ReceivedRequest): void {
    const collectionId = input.CollectionId;
    if (typeof collectionId !== 'string') return sendError(res, request, 400, 'InvalidParameterException', 'CollectionId is required');
    const faces = collections.get(collectionId);
    if (!faces) return sendError(res, request, 400, 'ResourceNotFoundException', `The collection id: ${collectionId} does not exist`);
    switch (operation) {
      case 'SearchFacesByImage': {
        const bytes = imageBytes(input);
        if (!bytes) return sendError(res, request, 400, 'InvalidParameterException', 'Image.Bytes is required');
        const imageHash = hash(bytes);
        if (faceless.has(imageHash)) return sendError(res, request, 400, 'InvalidParameterException', 'There are no faces in the image. Should be at least 1.');
        const threshold = typeof input.FaceMatchThreshold === 'number' ? input.FaceMatchThreshold : 80;
        const maxFaces = typeof input.MaxFaces === 'number' ? input.MaxFaces : 4096;
        const similarity = 99.5;
        let matches = similarity >= threshold ? faces.filter((f) => f.imageHash === imageHash).slice(0, maxFaces) : [];
        if (matches.length === 0 && everyFaceIs !== null) matches = faces.filter((f) => f.externalImageId === everyFaceIs).slice(0, 1);
        return send(res, request, 200, {
          SearchedFaceBoundingBox: { Width: 0.8, Height: 0.9, Left: 0.1, Top: 0.05 },
          SearchedFaceConfidence: 99.9,
          FaceMatches: matches.map((f) => ({
            Similarity: similarity,
            Face: { FaceId: f.faceId, ImageId: f.imageId, ExternalImageId: f.externalImageId ?? undefined, Confidence: 99.9, BoundingBox: { Width: 0.8, Height: 0.9, Left: 0.1, Top: 0.05 } },
          })),
          FaceModelVersion: '7.0',
        });
      }
      case 'IndexFaces': {
        const bytes = imageBytes(input);
        if (!bytes) return sendError(res, request, 400, 'InvalidParameterException', 'Image.Bytes is required');
        const imageHash = hash(bytes);
        const imageId = randomUUID();
        if (faceless.has(imageHash)) return send(res, request, 200, { FaceRecords: [], UnindexedFaces: [], FaceModelVersion: '7.0' });
        if (indexAfterFailure > 0) {
          // The work is done, then the answer is lost: the client sees a 500 and never learns the face id.
          indexAfterFailure -= 1;
          faces.push({ faceId: randomUUID(), imageId, externalImageId: typeof input.ExternalImageId === 'string' ? input.ExternalImageId : null, imageHash });
          return sendError(res, request, 500, 'InternalServerError', 'Internal server error');
        }
        const face: StoredFace = { faceId: randomUUID(), imageId, externalImageId: typeof input.ExternalImageId === 'string' ? input.ExternalImageId : null, imageHash };
        faces.push(face);
        return send(res, request, 200, {
          FaceRecords: [
            {
              Face: { FaceId: face.faceId, ImageId: imageId, ExternalImageId: face.externalImageId ?? undefined, Confidence: 99.9, BoundingBox: { Width: 0.8, Height: 0.9, Left: 0.1, Top: 0.05 } },
              FaceDetail: { Confidence: 99.9, BoundingBox: { Width: 0.8, Height: 0.9, Left: 0.1, Top: 0.05 } },
            },
          ],
          UnindexedFaces: [],
          FaceModelVersion: '7.0',
        });
      }
      case 'DeleteFaces': {
        const ids = Array.isArray(input.FaceIds) ? input.FaceIds.filter((id): id is string => typeof id === 'string') : [];
        if (ids.length === 0) return sendError(res, request, 400, 'InvalidParameterException', 'FaceIds must hold at least one face id');
        const deleted: string[] = [];
        const missing: { FaceId: string; Reasons: string[] }[] = [];
        for (const id of ids) {
          const index = faces.findIndex((f) => f.faceId === id);
          if (index >= 0) {
            faces.splice(index, 1);
            deleted.push(id);
          } else missing.push({ FaceId: id, Reasons: ['FACE_NOT_FOUND'] });
        }
        return send(res, request, 200, { DeletedFaces: deleted, UnsuccessfulFaceDeletions: missing });
      }
      case 'ListFaces': {
        // Paged like the service: MaxResults per page, NextToken an opaque cursor (here the offset).
        const pageSize = typeof input.MaxResults === 'number' ? Math.max(1, Math.min(4096, input.MaxResults)) : 1000;
        const offset = typeof input.NextToken === 'string' ? Number(Buffer.from(input.NextToken, 'base64').toString('utf8')) : 0;
        if (!Number.isInteger(offset) || offset < 0) return sendError(res, request, 400, 'InvalidPaginationTokenException', 'Invalid pagination token');
        const page = faces.slice(offset, offset + pageSize);
        const next = offset + pageSize < faces.length ? Buffer.from(String(offset + pageSize)).toString('base64') : undefined;
        return send(res, request, 200, {
          Faces: page.map((f) => ({ FaceId: f.faceId, ImageId: f.imageId, ExternalImageId: f.externalImageId ?? undefined, Confidence: 99.9 })),
          ...(next ? { NextToken: next } : {}),
          FaceModelVersion: '7.0',
        });
      }
      case 'DescribeCollection':
        return send(res, request, 200, {
          FaceCount: faces.length,
          FaceModelVersion: '7.0',
          CollectionARN: `arn:aws:rekognition:eu-west-1:000000000000:collection/${collectionId}`,
          CreationTimestamp: 1_700_000_000,
        });
      default:
        return sendError(res, request, 400, 'UnknownOperationException', `${operation} is not served by the fake`);
    }
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const credential = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''));
      const request: ReceivedRequest = { operation: target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target, atMs: performance.now(), status: 0, accessKeyId: credential?.[1] ?? null };
      requests.push(request);
      const respond = () => {
        if (res.destroyed) return;
        if (req.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) return sendError(res, request, 400, 'UnknownOperationException', 'Expected POST with X-Amz-Target RekognitionService.<Operation>');
        if (!String(req.headers['content-type'] ?? '').startsWith(CONTENT_TYPE)) return sendError(res, request, 400, 'SerializationException', `Content-Type must be ${CONTENT_TYPE}`);
        const fault = faults.shift();
        if (fault) return sendError(res, request, fault.status, fault.type, fault.message);
        let input: Record<string, unknown>;
        try {
          input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
        } catch {
          return sendError(res, request, 400, 'SerializationException', 'The body is not JSON');
        }
        handle(request.operation, input, res, request);
      };
      const delay = delays.shift();
      if (delay) setTimeout(respond, delay);
      else respond();
    });
  }

  let server: Server = createServer(onRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    faces: (collectionId) => (collections.get(collectionId) ?? []).map((f) => ({ faceId: f.faceId, externalImageId: f.externalImageId })),
    createCollection: (collectionId) => void collections.set(collectionId, collections.get(collectionId) ?? []),
    throttleNext: (count, type = 'ThrottlingException') => {
      for (let i = 0; i < count; i += 1) faults.push({ status: 400, type, message: 'Rate exceeded' });
    },
    failNext: (count, status = 500, type = 'InternalServerError') => {
      for (let i = 0; i < count; i += 1) faults.push({ status, type, message: 'Internal server error' });
    },
    rejectNext: (count, type = 'InvalidParameterException', status = 400) => {
      for (let i = 0; i < count; i += 1) faults.push({ status, type, message: 'Request has invalid parameters' });
    },
    slowNext: (count, delayMs) => {
      for (let i = 0; i < count; i += 1) delays.push(delayMs);
    },
    markFaceless: (image) => void faceless.add(hash(image)),
    nameEveryFaceAs: (externalImageId) => {
      everyFaceIs = externalImageId;
    },
    indexThenFailNext: (count) => {
      indexAfterFailure += count;
    },
    clearFaults: () => {
      faults.length = 0;
      delays.length = 0;
      indexAfterFailure = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    start: async () => {
      if (server.listening) return;
      server = createServer(onRequest);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
  };
}
