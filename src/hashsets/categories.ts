import type { Category } from '../core/hashset.js';

/**
 * Category schemes whose values are known (../shared/docs/hash-formats.md §3–5). A list may use a scheme not listed
 * here (e.g. the VICS UK profile, whose integer → A/B/C mapping is unverified): its values are kept as given, without
 * labels, and the import says so.
 */
const SCHEMES: Record<string, Record<string, string>> = {
  // Project VIC US tag set (sleuthkit/autopsy ImageGalleryService.java).
  'vics-us': {
    '0': 'Non-Pertinent',
    '1': 'Child Abuse Material (CAM)',
    '2': 'Child Exploitive (Non-CAM) Age Difficult',
    '3': 'CGI/Animation - Child Exploitive',
    '4': 'Comparison Images',
  },
  // Older DHS scheme (sleuthkit/autopsy DhsImageCategory.java).
  dhs: {
    '0': 'Uncategorized',
    '1': 'Child Exploitation (Illegal)',
    '2': 'Non-Illegal/Age Difficult',
    '3': 'CGI/Animation',
    '4': 'Exemplar/Comparison',
    '5': 'Non-pertinent',
  },
  // UK grading (Sentencing Council 2014), used by CAID and the IWF.
  caid: {
    A: 'penetrative sexual activity, sexual activity with an animal, or sadism',
    B: 'non-penetrative sexual activity',
    C: 'other indecent images',
  },
  threatexchange: { NEGATIVE_CLASS: 'negative', INVESTIGATION_SEED: 'investigation seed', POSITIVE_CLASS: 'positive' },
  'inhope-baseline': { baseline: 'baseline (illegal in every INHOPE member country)' },
};

export type CategoryResult = { category: Category } | { error: string };

/** A category in `scheme`; an error when the scheme is known and the value is not one of its values. */
export function makeCategory(scheme: string, value: string): CategoryResult {
  const table = SCHEMES[scheme];
  if (!table) return { category: { scheme, value } };
  const label = table[value];
  if (label === undefined) {
    return { error: `unknown ${scheme} category "${value.slice(0, 40)}" (known: ${Object.keys(table).join(', ')})` };
  }
  return { category: { scheme, value, label } };
}

export function isKnownScheme(scheme: string): boolean {
  return Object.hasOwn(SCHEMES, scheme);
}
