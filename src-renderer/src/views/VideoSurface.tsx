import { useEffect, useRef, useState } from 'react';
import { facesAt, newestFaces } from '../live/overlay-timing';
import { OverlayLayer } from '../live/overlay-layer';
import { FALLBACK_VIDEO_MIME, initSegmentLength, mediaErrorAction, mimeFromInitSegment, playbackDecision } from '../live/video-stream';
import { openVideoChunks } from '../live/video-chunks';
import { throttledDataset } from '../live/throttled-dataset';
import { liveVideoUrl, useLive } from '../store/live';

/** No new frame on screen for this long while the camera runs: "Video stalled". */
const STALL_AFTER_MS = 5_000;
/** Wait before opening the video again after its stream ended (camera restart) or failed. */
const RECONNECT_DELAY_MS = 1_000;

type Problem = 'unsupported' | null;



/**
 * A camera's live video (the host's fragmented MP4 through MediaSource) with the faces drawn over
 * it, each displayed frame getting the faces of its own time (see overlay-timing); the video waits
 * for the analysis (a few hundred ms behind the camera) so those faces are known (see playbackDecision).
 * The tile gets data attributes for tests and diagnostics, refreshed about four times a second: data-displayed-frames (frames presented, from
 * requestVideoFrameCallback's presentedFrames), data-overlay-draws (callbacks, each one overlay
 * drawn: fewer than the frames when the page is busy), data-overlay-lag-ms (displayed frame time minus the time of the
 * analysed frame whose faces are drawn; main stream only), data-overlay-interpolated (1 when the
 * boxes were placed between the analysed frames before and after this one), data-overlay-predicted (1 when
 * the video was ahead of the analysis and the boxes were moved on along their motion), data-overlay-ahead (1 when the
 * displayed frame was newer than the newest analysed frame, boxes held or predicted), data-dropped-frames (frames
 * the browser dropped, decoding or compositing) and data-live-edge-jumps (jumps forward to the live edge,
 * skipping what arrived late). `stream` 'sub': the camera's smaller
 * sub-stream (tiles), whose overlay is the newest analysed faces (see newestFaces).
 */
export function VideoSurface({
  cameraId,
  running,
  label,
  showScores,
  stream = 'main',
}: {
  cameraId: number;
  running: boolean;
  label: string;
  showScores: boolean;
  stream?: 'main' | 'sub';
}) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const overlayRef = useRef<HTMLDivElement>(null);
  /** The overlay's elements (made once the overlay element exists) and its size in CSS pixels, kept by a ResizeObserver so no frame has to ask the layout for it. */
  const overlayLayer = useRef<OverlayLayer | null>(null);
  const overlaySize = useRef({ width: 0, height: 0 });
  const surfaceRef = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState<Problem>(null);
  const [stalled, setStalled] = useState(false);
  const [hasPicture, setHasPicture] = useState(false);
  const [generation, setGeneration] = useState(0);
  const lastFrameAt = useRef(0);
  /** A frame of the current connection reached the screen (see mediaErrorAction). */
  const pictureThisConnection = useRef(false);
  const showScoresRef = useRef(showScores);
  showScoresRef.current = showScores;

  // The overlay's elements and size.
  useEffect(() => {
    const root = overlayRef.current;
    if (!root) return;
    overlayLayer.current = new OverlayLayer(root);
    overlaySize.current = { width: root.clientWidth, height: root.clientHeight };
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      overlaySize.current = { width: root.clientWidth, height: root.clientHeight };
    });
    observer.observe(root);
    return () => observer.disconnect();
  }, []);

  // The stream: WebSocket or fetch -> SourceBuffer, kept near the live edge and just behind the
  // analysis (see playbackDecision). Restarted when the stream ends.
  useEffect(() => {
    const video = videoRef.current;
    if (!video || !running || typeof MediaSource === 'undefined') return;
    const abort = new AbortController();
    const mediaSource = new MediaSource();
    const objectUrl = URL.createObjectURL(mediaSource);
    video.src = objectUrl;
    let sourceBuffer: SourceBuffer | null = null;
    const queue: Uint8Array[] = [];
    let closed = false;
    let retry: ReturnType<typeof setTimeout> | null = null;
    pictureThisConnection.current = false;
    // Another stream (a maximised tile's main stream) may play where the other could not.
    setProblem(null);

    const again = () => {
      if (closed || retry !== null) return;
      retry = setTimeout(() => setGeneration((g) => g + 1), RECONNECT_DELAY_MS);
    };

    const pump = () => {
      if (closed || sourceBuffer === null || sourceBuffer.updating) return;
      const buffered = video.buffered;
      if (buffered.length > 0) {
        const decision = playbackDecision({
          bufferedStart: buffered.start(0),
          bufferedEnd: buffered.end(buffered.length - 1),
          currentTime: video.currentTime,
          analysedUpToS: stream === 'main' ? (useLive.getState().frames[cameraId]?.ptsS ?? null) : null,
          playbackRate: video.playbackRate,
        });
        if (video.playbackRate !== decision.playbackRate) video.playbackRate = decision.playbackRate;
        if (decision.seekTo !== null) {
          video.currentTime = decision.seekTo;
          const surface = surfaceRef.current;
          if (surface) surface.dataset.liveEdgeJumps = String(Number(surface.dataset.liveEdgeJumps ?? '0') + 1);
        }
        if (decision.removeBefore !== null && decision.removeBefore > buffered.start(0)) {
          sourceBuffer.remove(buffered.start(0), decision.removeBefore);
          return;
        }
        if (video.paused) void video.play().catch(() => {});
      }
      const next = queue.shift();
      if (next === undefined) return;
      try {
        sourceBuffer.appendBuffer(next as Uint8Array<ArrayBuffer>);
      } catch {
        // QuotaExceeded or a closed source: start over with a fresh stream.
        again();
      }
    };

    const onSourceOpen = async () => {
      try {
        const reader = await openVideoChunks(liveVideoUrl(cameraId, stream), abort.signal);
        let head = new Uint8Array(0);
        for (;;) {
          const { done, value } = await reader.read();
          if (done || closed) break;
          if (sourceBuffer === null) {
            // Gather the init segment first: its avcC names the codec the SourceBuffer is made for.
            const joined = new Uint8Array(head.length + value.length);
            joined.set(head);
            joined.set(value, head.length);
            head = joined;
            const initLength = initSegmentLength(head);
            if (initLength === null) continue;
            const mime = mimeFromInitSegment(head.subarray(0, initLength)) ?? FALLBACK_VIDEO_MIME;
            if (!MediaSource.isTypeSupported(mime)) {
              setProblem('unsupported');
              abort.abort();
              return;
            }
            sourceBuffer = mediaSource.addSourceBuffer(mime);
            sourceBuffer.addEventListener('updateend', pump);
            queue.push(head);
          } else queue.push(value);
          pump();
        }
      } catch (error) {
        if (closed) return;
        if (error instanceof DOMException && error.name === 'NotSupportedError') {
          setProblem('unsupported');
          return;
        }
      }
      again(); // the stream ended (camera restarted or stopped) or failed
    };
    mediaSource.addEventListener('sourceopen', () => void onSourceOpen(), { once: true });
    // The decoder may refuse a stream whose type MediaSource said it supports (an H.264 profile it
    // does not know): the tile says so instead of reconnecting to the same stream for ever.
    const onVideoError = () => {
      if (closed || mediaErrorAction(video.error?.code, pictureThisConnection.current) !== 'unsupported') return;
      closed = true;
      if (retry !== null) clearTimeout(retry);
      abort.abort();
      setProblem('unsupported');
    };
    video.addEventListener('error', onVideoError);

    return () => {
      closed = true;
      abort.abort();
      if (retry !== null) clearTimeout(retry);
      video.removeEventListener('error', onVideoError);
      video.removeAttribute('src');
      video.load();
      URL.revokeObjectURL(objectUrl);
    };
  }, [cameraId, running, generation, stream]);

  // The overlay: redrawn for every displayed frame, at that frame's media time. The tile's
  // figures go to its data attributes a few times a second, not per frame (see throttled-dataset).
  useEffect(() => {
    const video = videoRef.current;
    if (!video || !running || typeof video.requestVideoFrameCallback !== 'function') return;
    const diagnostics = throttledDataset(() => surfaceRef.current);
    const drawnLabels = throttledDataset(() => overlayRef.current);
    let handle = 0;
    let displayed = 0;
    let callbacks = 0;
    let lastPresented: number | null = null;
    const onFrame: VideoFrameRequestCallback = (_now, metadata) => {
      // Frames presented since the last callback: a busy page runs fewer callbacks than the video
      // shows frames, so counting callbacks would under-count what the guard sees. (A new stream
      // restarts the element's count: then this callback's frame counts as one.)
      const presentedSinceLast = lastPresented === null ? 1 : metadata.presentedFrames - lastPresented;
      lastPresented = metadata.presentedFrames;
      displayed += presentedSinceLast >= 1 && presentedSinceLast <= 120 ? presentedSinceLast : 1;
      callbacks++;
      lastFrameAt.current = Date.now();
      pictureThisConnection.current = true;
      const figures: Record<string, string> = { displayedFrames: String(displayed), overlayDraws: String(callbacks), mediaTime: metadata.mediaTime.toFixed(3) };
      // Frames the decoder or compositor dropped (CPU) as against frames never received (jumps).
      if (callbacks % 30 === 0) figures.droppedFrames = String(video.getVideoPlaybackQuality().droppedVideoFrames);
      if (callbacks === 1) setHasPicture(true);
      const layer = overlayLayer.current;
      if (layer) {
        const history = useLive.getState().history[cameraId] ?? [];
        const overlay = stream === 'sub' ? newestFaces(history) : facesAt(history, metadata.mediaTime);
        const labels = layer.render(overlay?.faces ?? [], {
          frameWidth: overlay?.width ?? 0,
          frameHeight: overlay?.height ?? 0,
          ...overlaySize.current,
          showScores: showScoresRef.current,
        });
        if (labels !== null) drawnLabels.set({ labels });
        if (overlay !== null) {
          if ('lagS' in overlay && typeof overlay.lagS === 'number') figures.overlayLagMs = String(Math.round(overlay.lagS * 1000));
          figures.overlayInterpolated = overlay.interpolated ? '1' : '0';
          figures.overlayPredicted = 'predicted' in overlay && overlay.predicted ? '1' : '0';
          figures.overlayAhead = 'ahead' in overlay && overlay.ahead ? '1' : '0';
          figures.overlayFaces = String(overlay.faces.length);
        } else figures.overlayFaces = '0';
      }
      // The first frame's figures at once (tests and tools wait for a picture), then throttled.
      diagnostics.set(figures);
      if (callbacks === 1) diagnostics.flush();
      handle = video.requestVideoFrameCallback(onFrame);
    };
    handle = video.requestVideoFrameCallback(onFrame);
    return () => {
      video.cancelVideoFrameCallback(handle);
      diagnostics.dispose();
      drawnLabels.dispose();
    };
  }, [cameraId, running, stream]);

  // Before the first displayed frame (video still connecting, or a camera that cannot be shown),
  // the latest analysed faces are drawn as they arrive, so a guard still sees who is there.
  // (Subscribed only until then: afterwards the displayed frames drive the overlay, and a tile need not re-render per analysed frame.)
  const latest = useLive((st) => (hasPicture ? undefined : st.frames[cameraId]));
  useEffect(() => {
    if (hasPicture) return;
    const layer = overlayLayer.current;
    const root = overlayRef.current;
    if (!layer || !root) return;
    const labels = layer.render(latest?.faces ?? [], {
      frameWidth: latest?.width ?? 0,
      frameHeight: latest?.height ?? 0,
      width: root.clientWidth,
      height: root.clientHeight,
      showScores,
    });
    if (labels !== null) root.dataset.labels = labels;
  }, [latest, hasPicture, showScores]);

  // "Video stalled": the camera runs but no frame reached the screen for a while.
  useEffect(() => {
    if (!running) return;
    lastFrameAt.current = Date.now();
    const timer = setInterval(() => setStalled(Date.now() - lastFrameAt.current > STALL_AFTER_MS), 1_000);
    return () => clearInterval(timer);
  }, [running, generation]);

  const showStalled = running && stalled && problem === null;
  return (
    <div className="video-surface" ref={surfaceRef} data-testid={`video-surface-${cameraId}`} data-displayed-frames="0" data-problem={problem ?? ''} data-stalled={showStalled} data-stream={stream}>
      <video ref={videoRef} muted autoPlay playsInline aria-label={`Live video of ${label}`} data-testid={`live-video-${cameraId}`} />
      <div ref={overlayRef} className="video-overlay" aria-hidden="true" data-testid={`live-overlay-${cameraId}`} />
      {!hasPicture && problem === null && !showStalled ? <p className="video-note">Waiting for video…</p> : null}
      {problem === 'unsupported' ? (
        <p className="video-note" role="status">
          Cannot display this camera&apos;s video (this browser cannot decode it). Recognition continues.
        </p>
      ) : showStalled ? (
        <p className="video-note" role="status">
          Video stalled
        </p>
      ) : null}
    </div>
  );
}
