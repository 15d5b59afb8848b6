/**
 * Whether the decoder of a file honours `-skip_frame nokey` (H.264, HEVC, MPEG-4 do; the VP9 and AV1 decoders
 * ignore it and output every frame). Detected, not guessed from the codec name: ffprobe decodes the first packets
 * with the option set, and any non-key frame in its output means the option was ignored.
 */
import { runToText } from './process.js';

const PACKETS_TESTED = 12;

export async function decoderSkipsNonKeyFrames(ffprobe: string, path: string, timeoutMs: number): Promise<boolean> {
  const { stdout, result } = await runToText(
    ffprobe,
    [
      '-v', 'error',
      '-skip_frame', 'nokey',
      '-read_intervals', `%+#${PACKETS_TESTED}`,
      '-select_streams', 'V:0',
      '-show_entries', 'frame=key_frame',
      '-of', 'csv=p=0',
      `file:${path}`,
    ],
    { timeoutMs },
  );
  // If the probe itself fails, the frame extraction that follows reports the error; selecting is always correct.
  if (result.code !== 0) return false;
  return !stdout.split('\n').some((line) => line.trim().startsWith('0'));
}
