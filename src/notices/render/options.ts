import type { NoticeLanguage } from './view.js';

/** How a notice is rendered; every renderer takes the same options and ignores those that do not apply to it. */
export interface RenderOptions {
  /** `fr` or `en` (`--lang`); by default from the recipient's country. */
  lang?: NoticeLanguage | string;
  /**
   * Write URLs and host names defanged (`hxxps://example[.]com`). Default: on for `.eml` and PDF, whose readers make
   * links, off for plain text (pasted into web forms) and never for JSON/XARF. A notice whose routing flags carry
   * `links-live` is never defanged.
   */
  defang?: boolean;
  /** A folder whose `<kind>.<lang>.hbs` files replace the shipped templates (`--templates`). */
  templatesDir?: string;
}
