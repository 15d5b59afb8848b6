import { fileURLToPath } from 'node:url';

/** The IANA RDAP bootstrap files (RFC 9224) shipped in the package, refreshed by `vigie geo --update-bootstrap`. */
export const SHIPPED_BOOTSTRAP_DIR = fileURLToPath(new URL('../../data/rdap-bootstrap/', import.meta.url));

/** data/shorteners.txt: known URL shorteners, one per line, edited by analysts. */
export const SHORTENERS_URL = new URL('../../data/shorteners.txt', import.meta.url);
