import type { MicrophoneOutcome } from '@lanyard/contracts/presence';

/**
 * Asks the browser for the microphone (`getUserMedia({audio:true})`) and releases it at once: the console
 * only needs the permission and to know a device is there. Refused permission → blocked; no input device
 * (or no media support at all) → no-device.
 */
export async function askForMicrophone(): Promise<MicrophoneOutcome> {
  if (navigator.mediaDevices?.getUserMedia === undefined) return 'no-device';
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    for (const track of stream.getTracks()) track.stop();
    return 'allowed';
  } catch (error) {
    const name = error instanceof DOMException ? error.name : '';
    if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'NotReadableError') return 'no-device';
    return 'blocked';
  }
}

/** The microphone as the browser sees it now, without asking: permission state and whether an input device exists. */
export async function microphoneStatus(): Promise<{ permission: 'granted' | 'denied' | 'prompt' | 'unknown'; hasInput: boolean }> {
  let permission: 'granted' | 'denied' | 'prompt' | 'unknown' = 'unknown';
  try {
    permission = (await navigator.permissions.query({ name: 'microphone' })).state;
  } catch {
    // Not every browser can be asked about the microphone's permission.
  }
  let hasInput = false;
  try {
    hasInput = (await navigator.mediaDevices.enumerateDevices()).some((device) => device.kind === 'audioinput');
  } catch {
    hasInput = false;
  }
  return { permission, hasInput };
}

/** The browser can take calls: a secure page with media devices and WebRTC. */
export function browserSupported(): boolean {
  return window.isSecureContext && navigator.mediaDevices?.getUserMedia !== undefined && typeof RTCPeerConnection === 'function';
}
