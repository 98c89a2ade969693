/**
 * Sounds of the terminal, made with the Web Audio API (no sound files): a short high beep for
 * success, a low double buzz for an error. The AudioContext starts on the first key or tap
 * (browsers allow sound only after a user gesture); every sound is best-effort.
 */

const SOUND_KEY = 'wms.terminal.sound';

type AudioCtor = typeof AudioContext;
let ctx: AudioContext | null = null;

export function soundOn(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) !== '0';
  } catch {
    return true;
  }
}

export function setSoundOn(on: boolean): void {
  try {
    localStorage.setItem(SOUND_KEY, on ? '1' : '0');
  } catch {
    // the choice then lasts until the next sound check
  }
}

function audio(): AudioContext | null {
  if (!soundOn()) return null;
  try {
    if (!ctx) {
      const Ctor: AudioCtor | undefined = window.AudioContext ?? (window as unknown as { webkitAudioContext?: AudioCtor }).webkitAudioContext;
      if (!Ctor) return null;
      ctx = new Ctor();
    }
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
    return ctx;
  } catch {
    return null;
  }
}

function tone(ac: AudioContext, freq: number, startS: number, durS: number, type: OscillatorType, gain: number): void {
  const osc = ac.createOscillator();
  const amp = ac.createGain();
  const t0 = ac.currentTime + startS;
  osc.type = type;
  osc.frequency.setValueAtTime(freq, t0);
  // A quick ramp in and out avoids clicks.
  amp.gain.setValueAtTime(0.0001, t0);
  amp.gain.exponentialRampToValueAtTime(gain, t0 + 0.01);
  amp.gain.setValueAtTime(gain, t0 + durS - 0.02);
  amp.gain.exponentialRampToValueAtTime(0.0001, t0 + durS);
  osc.connect(amp).connect(ac.destination);
  osc.start(t0);
  osc.stop(t0 + durS + 0.01);
}

/** Success: one short high beep. */
export function beepOk(): void {
  const ac = audio();
  if (ac) tone(ac, 1760, 0, 0.09, 'sine', 0.35);
}

/** Error: a low double buzz. */
export function buzzError(): void {
  const ac = audio();
  if (!ac) return;
  tone(ac, 180, 0, 0.16, 'square', 0.25);
  tone(ac, 180, 0.22, 0.16, 'square', 0.25);
}

/** Attention without fault (a choice to make, a confirmation asked for): two quick mid beeps. */
export function beepAsk(): void {
  const ac = audio();
  if (!ac) return;
  tone(ac, 880, 0, 0.07, 'sine', 0.3);
  tone(ac, 880, 0.11, 0.07, 'sine', 0.3);
}

/** Makes the context ready on the first user gesture, so the first beep is not lost. */
export function unlockAudio(): void {
  audio();
}
