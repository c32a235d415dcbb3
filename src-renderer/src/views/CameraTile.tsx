import { useEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type { Camera } from '../../../src-preload/contract';
import { base64ToBytes } from '../lib/files';
import { faceLabel, formatFps, statusWords } from '../lib/format';
import { drawOverlay } from '../live/overlay';
import { useLive, type LiveFrame } from '../store/live';
import { useCameraFlashing } from '../store/alerts';

async function decodeJpeg(jpegBase64: string): Promise<ImageBitmap> {
  const blob = new Blob([base64ToBytes(jpegBase64)], { type: 'image/jpeg' });
  return createImageBitmap(blob);
}

/**
 * The picture block: draws one decoded frame on the picture canvas, in the frame's own pixels
 * (CSS letterboxes it into the tile). Faces are drawn separately on the overlay canvas by
 * `drawOverlay`, so this block can be swapped for another picture source on its own.
 */
function drawPicture(canvas: HTMLCanvasElement, frame: LiveFrame, image: ImageBitmap | null) {
  const width = frame.width || image?.width || 640;
  const height = frame.height || image?.height || 360;
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, width, height);
  if (image) ctx.drawImage(image, 0, 0, width, height);
}

const stateWords: Record<Camera['health']['state'], string> = {
  stopped: 'Stopped',
  starting: 'Starting',
  running: 'Running',
  reconnecting: 'Reconnecting',
  failed: 'Failed',
};

function placeholderText(camera: Camera): string {
  switch (camera.health.state) {
    case 'running':
      return 'Waiting for the first analysed frame…';
    case 'starting':
      return 'Starting the camera…';
    case 'reconnecting':
      return 'Reconnecting to the camera…';
    case 'failed':
      return 'The camera failed. See the error below, or check it on the Cameras tab.';
    default:
      return 'Camera stopped. Start it on the Cameras tab.';
  }
}

/** Health in words, for the status dot's tooltip. */
export function healthSummary(camera: Camera): string {
  const h = camera.health;
  const parts = [stateWords[h.state] ?? h.state, `${formatFps(h.processedFps)} fps processed`, `${h.droppedFrames} dropped`];
  if (h.latencyMs !== null) parts.push(`${Math.round(h.latencyMs)} ms latency`);
  if (h.lastError) parts.push(`Last error: ${h.lastError}`);
  return parts.join(' · ');
}

export function CameraHealthLine({ camera, className = 'health' }: { camera: Camera; className?: string }) {
  const h = camera.health;
  return (
    <p className={className} data-testid={`camera-health-${camera.id}`} data-state={h.state}>
      <span className={`state state-${h.state}`}>{stateWords[h.state] ?? h.state}</span>
      <span>{formatFps(h.processedFps)} fps processed</span>
      <span>{h.droppedFrames} dropped</span>
      {h.latencyMs !== null ? <span>{Math.round(h.latencyMs)} ms latency</span> : null}
      {h.lastError ? <span className="health-error">Last error: {h.lastError}</span> : null}
    </p>
  );
}

export interface CameraTileProps {
  camera: Camera;
  active: boolean;
  showScores?: boolean;
  maximised?: boolean;
  /** Double-click or Enter: show this camera alone (or back to the grid when it already is). */
  onToggleMaximise?: () => void;
  /** Alt+Arrow: move this camera earlier (-1) or later (+1) on the wall. */
  onMove?: (by: -1 | 1) => void;
}

/** The overlay canvas's size on screen, in CSS pixels. */
function useElementSize(ref: RefObject<HTMLElement | null>): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const update = () => {
      const width = Math.round(element.clientWidth);
      const height = Math.round(element.clientHeight);
      setSize((s) => (s.width === width && s.height === height ? s : { width, height }));
    };
    update();
    const observer = new ResizeObserver(update);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}

export function CameraTile({ camera, active, showScores = false, maximised = false, onToggleMaximise, onMove }: CameraTileProps) {
  const frame = useLive((s) => s.frames[camera.id]);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const videoBoxRef = useRef<HTMLDivElement>(null);
  const [drawn, setDrawn] = useState<LiveFrame | null>(null);
  const [decodeError, setDecodeError] = useState<string | null>(null);
  // Decode at most one JPEG at a time and always skip to the newest frame.
  const pump = useRef<{ busy: boolean; next: LiveFrame | null; alive: boolean }>({ busy: false, next: null, alive: true });
  const size = useElementSize(videoBoxRef);

  useEffect(() => {
    const state = pump.current;
    state.alive = true;
    return () => {
      state.alive = false;
    };
  }, []);

  // The frame was dropped (camera stopped or failed): nothing queued is current any more.
  useEffect(() => {
    if (!frame) pump.current.next = null;
  }, [frame]);

  // ---- picture block (JPEG frames onto the picture canvas) ----
  useEffect(() => {
    if (!frame || !active) return;
    const state = pump.current;
    state.next = frame;
    if (state.busy) return;
    state.busy = true;
    void (async () => {
      while (state.next && state.alive) {
        const current = state.next;
        state.next = null;
        let image: ImageBitmap | null = null;
        let failure: string | null = null;
        try {
          image = await decodeJpeg(current.jpegBase64);
        } catch (error) {
          failure = error instanceof Error ? error.message : String(error);
        }
        const canvas = canvasRef.current;
        if (state.alive && canvas) {
          drawPicture(canvas, current, image);
          setDrawn(current);
          setDecodeError(failure ? `This frame could not be decoded (${failure}).` : null);
        }
        image?.close();
      }
      state.busy = false;
    })();
  }, [frame, active]);
  // ---- end of picture block ----

  // With no current frame (camera stopped or failed), what was drawn is no longer shown.
  const shown = frame ? drawn : null;
  const shownError = frame ? decodeError : null;
  const faces = shown?.faces ?? [];

  // The overlay follows the frame the picture shows, at the tile's size on screen.
  useEffect(() => {
    const canvas = overlayRef.current;
    if (!canvas) return;
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(size.width * ratio));
    const height = Math.max(1, Math.round(size.height * ratio));
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    drawOverlay(ctx, shown?.faces ?? [], {
      frameWidth: shown?.width ?? 0,
      frameHeight: shown?.height ?? 0,
      canvasWidth: size.width,
      canvasHeight: size.height,
      showScores,
    });
  }, [shown, size, showScores]);

  const titleId = `tile-title-${camera.id}`;
  const flashing = useCameraFlashing(camera.id);
  const classes = ['tile', flashing ? 'tile-alert-flash' : '', maximised ? 'tile-maximised' : ''].filter(Boolean).join(' ');

  function onKeyDown(event: KeyboardEvent<HTMLElement>) {
    if (event.target !== event.currentTarget) return;
    if (event.key === 'Enter' && !event.altKey) {
      event.preventDefault();
      onToggleMaximise?.();
    } else if (event.altKey && !event.ctrlKey && !event.metaKey && (event.key === 'ArrowLeft' || event.key === 'ArrowRight' || event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      event.preventDefault();
      onMove?.(event.key === 'ArrowLeft' || event.key === 'ArrowUp' ? -1 : 1);
    }
  }

  return (
    <article
      className={classes}
      data-flashing={flashing}
      data-maximised={maximised}
      aria-labelledby={titleId}
      aria-keyshortcuts="Enter Alt+ArrowLeft Alt+ArrowRight"
      tabIndex={0}
      data-testid={`camera-tile-${camera.id}`}
      data-camera-id={camera.id}
      onDoubleClick={() => onToggleMaximise?.()}
      onKeyDown={onKeyDown}
    >
      <div className="tile-video" ref={videoBoxRef}>
        {/* The picture canvas is sized by drawPicture only: React setting width/height would clear what it drew. */}
        <canvas
          ref={canvasRef}
          className="tile-picture"
          aria-hidden="true"
          data-testid={`live-picture-${camera.id}`}
          hidden={!shown}
        />
        <canvas
          ref={overlayRef}
          className="tile-overlay"
          role="img"
          aria-label={`Live view of ${camera.name}`}
          data-testid={`live-canvas-${camera.id}`}
          data-frame-seq={shown?.frameSeq ?? ''}
          hidden={!shown}
        />
        {!shown ? <div className="tile-placeholder">{placeholderText(camera)}</div> : null}
      </div>
      <div className="tile-caption">
        <span
          className={`status-dot status-dot-${camera.health.state}`}
          title={healthSummary(camera)}
          role="img"
          aria-label={stateWords[camera.health.state] ?? camera.health.state}
          data-testid={`camera-status-${camera.id}`}
        />
        <h3 id={titleId}>{camera.name}</h3>
        {shown && faces.length > 0 ? <span className="tile-count">{`${faces.length} ${faces.length === 1 ? 'face' : 'faces'}`}</span> : null}
      </div>
      <ul className="face-labels sr-only" aria-label={`Faces on ${camera.name}`} data-testid={`live-labels-${camera.id}`}>
        {faces.map((face, index) => (
          <li key={`${face.trackId ?? 'i'}-${index}`} data-status={face.status}>
            {statusWords[face.status]}: {faceLabel(face)}
          </li>
        ))}
      </ul>
      {shownError ? <p className="tile-note">{shownError}</p> : null}
      <CameraHealthLine camera={camera} className="health sr-only" />
    </article>
  );
}
