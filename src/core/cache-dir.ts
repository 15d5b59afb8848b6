import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * vigie's cache directory, `$XDG_CACHE_HOME/vigie`, else `~/.cache/vigie`: registry answers (src/net) and hash-set
 * indexes (src/matching) live under it, never beside their inputs. A relative `XDG_CACHE_HOME` is ignored, as the
 * XDG Base Directory specification requires (it would put the cache wherever the command happens to run).
 */
export function vigieCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'vigie');
}
