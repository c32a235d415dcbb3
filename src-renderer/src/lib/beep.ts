/** A short two-tone beep for high-priority alerts (WebAudio; no sound file needed). */
let context: AudioContext | null = null;

export function beep(): void {
  try {
    context ??= new AudioContext();
    // Browsers start audio suspended until the page was interacted with; resume is a no-op otherwise.
    void context.resume().catch(() => undefined);
    const start = context.currentTime;
    for (const [offset, frequency] of [[0, 880], [0.18, 660]] as const) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.25, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.16);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.17);
    }
  } catch {
    // No audio device: the alert is still shown.
  }
}
