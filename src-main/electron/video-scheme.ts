/**
 * The desktop app's camera video: vigil-video://camera/<cameraId> answers with the camera's live
 * fragmented MP4 as an endless streamed body (the same VideoHub the headless host serves on
 * /video/<id>). No electron import here: the URL rule and the stream adapter are plain code.
 */
import type { LiveService, VideoStreamChoice } from '../engine/live/live-service.js';

export const VIDEO_SCHEME = 'vigil-video';

/** Bytes queued for the page before the hub treats it as a slow viewer (it then skips to the next keyframe). */
const STREAM_HIGH_WATER_BYTES = 2 * 1024 * 1024;

/** The camera and stream of a vigil-video URL (camera/<id> main, camera/<id>/sub its sub-stream), or null for anything else. */
export function videoRequestFromUrl(url: string): { cameraId: number; stream: VideoStreamChoice } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${VIDEO_SCHEME}:` || parsed.hostname !== 'camera') return null;
  const match = /^\/(\d{1,9})(\/sub)?\/?$/.exec(parsed.pathname);
  return match ? { cameraId: Number(match[1]), stream: match[2] ? 'sub' : 'main' } : null;
}

/** The camera id of a vigil-video URL, or null for anything else (other hosts, paths, ids). */
export function cameraIdFromVideoUrl(url: string): number | null {
  return videoRequestFromUrl(url)?.cameraId ?? null;
}

/** The Response for a vigil-video request: the stream, or 400/404 in plain text. */
export function videoResponse(live: LiveService, url: string, allowOrigin: string): Response {
  const cors = { 'access-control-allow-origin': allowOrigin };
  const request = videoRequestFromUrl(url);
  if (request === null) return new Response('Bad camera video address', { status: 400, headers: cors });
  const { cameraId, stream } = request;
  if (live.videoHub(cameraId, stream) === null) return new Response('This camera is not running (or has no sub-stream)', { status: 404, headers: cors });
  let release: (() => void) | null = null;
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let ended = false;
        release = live.subscribeVideo(cameraId, {
          send: (bytes) => {
            if (!ended) controller.enqueue(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
          },
          bufferedBytes: () => Math.max(0, STREAM_HIGH_WATER_BYTES - (controller.desiredSize ?? 0)),
          end: () => {
            if (ended) return;
            ended = true;
            controller.close();
          },
        }, stream);
        if (release === null) {
          ended = true;
          controller.close();
        }
      },
      // The page stopped reading (tile gone, window closed): the hub forgets this viewer.
      cancel() {
        release?.();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: STREAM_HIGH_WATER_BYTES }),
  );
  return new Response(body, { status: 200, headers: { ...cors, 'content-type': 'video/mp4', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } });
}
