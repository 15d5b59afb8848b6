/** One line of `vigie doctor`: an optional or required part of the toolkit and whether it is usable here. */
export interface EnvironmentCheck {
  /** What is checked, e.g. "ffmpeg", "image decoder". */
  name: string;
  status: 'ok' | 'missing' | 'degraded';
  /** Without it the toolkit's core jobs fail (doctor exits 4); optional parts only lose a feature. */
  required: boolean;
  /** Version, path, or what is missing and how to install it. */
  detail: string;
}
