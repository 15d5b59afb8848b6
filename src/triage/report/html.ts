import { readFileSync } from 'node:fs';
import { ExitCode, VigieError } from '../../core/errors.js';
import { barChartSvg, type Bar } from './charts.js';
import type { CountRow, ReportFigures } from './figures.js';

export type ReportLanguage = 'fr' | 'en';

export interface HtmlReportOptions {
  lang: ReportLanguage;
  /** Labels of the offence category codes in the report's language (from the notices' category table). */
  categoryLabels?: Record<string, string>;
  /** Rows shown per ranking (countries, TLDs, providers, sources); the rest are summed in one "others" row. */
  top?: number;
}

/** The words of the report in one language: the shape of each language in `data/report/labels.json`. */
type LabelText =
  | 'title' | 'period' | 'periodAll' | 'from' | 'to' | 'generated' | 'by' | 'case' | 'keyFigures' | 'reports'
  | 'assessed' | 'illegal' | 'illegalRate' | 'notices' | 'removedShare' | 'byCategory' | 'bySource' | 'byMonth'
  | 'countriesEurope' | 'countriesWorld' | 'tlds' | 'providers' | 'noticesByKind' | 'removal' | 'median' | 'hours'
  | 'underNotice' | 'removed' | 'none' | 'unknown' | 'others' | 'colon';
interface Labels extends Record<LabelText, string> {
  column: Record<'key' | 'count' | 'share', string>;
  keys: Record<'category' | 'source' | 'month' | 'country' | 'tld' | 'provider' | 'kind' | 'bucket', string>;
  removalBuckets: Record<'sameDay' | 'within3Days' | 'within7Days' | 'later' | 'notRemoved', string>;
  noticeKinds: Record<string, string>;
}

const DATA = new URL('../../../data/report/', import.meta.url);
const readJson = (name: string) => JSON.parse(readFileSync(new URL(name, DATA), 'utf8'));

/** One section of the report: a chart and the same numbers in a table beside it. */
interface Section {
  id: string;
  title: string;
  keyHeader: string;
  rows: { label: string; count: number; share?: number }[];
  /** Shares are drawn (percent axis) instead of counts. */
  percent?: boolean;
  timeline?: boolean;
  /** Rows are buckets in a meaningful order, not a ranking. */
  keepOrder?: boolean;
  note?: string;
}

/**
 * The yearly report as one self-contained HTML file: inline SVG charts, inline CSS, no script, no image, no request
 * (a Content-Security-Policy of `default-src 'none'` says so to the browser too), and every figure also in a table.
 * Carries counts, codes and names only: never a URL of reported content, never media.
 */
export async function renderReportHtml(figures: ReportFigures, options: HtmlReportOptions): Promise<string> {
  const labels = loadLabels(options.lang);
  const sections = buildSections(figures, labels, options);
  const number = new Intl.NumberFormat(options.lang);
  const percent = new Intl.NumberFormat(options.lang, { style: 'percent', maximumFractionDigits: 1 });
  const rendered: string[] = [];
  for (const section of sections) {
    const chart =
      section.rows.length === 0
        ? `<p class="none">${escapeHtml(labels.none)}</p>`
        : await barChartSvg(
            section.rows.map((row): Bar => ({ label: row.label, value: section.percent ? (row.share ?? 0) : row.count })),
            {
              valueTitle: section.percent ? labels.column.share : labels.column.count,
              percent: section.percent,
              timeline: section.timeline,
              keepOrder: section.keepOrder,
              lang: options.lang,
            },
          );
    const showShare = section.rows.some((row) => row.share !== undefined);
    const table = [
      `<table><thead><tr><th scope="col">${escapeHtml(section.keyHeader)}</th><th scope="col">${escapeHtml(labels.column.count)}</th>`,
      showShare ? `<th scope="col">${escapeHtml(labels.column.share)}</th>` : '',
      '</tr></thead><tbody>',
      ...section.rows.map(
        (row) =>
          `<tr><th scope="row">${escapeHtml(row.label)}</th><td>${number.format(row.count)}</td>` +
          (showShare ? `<td>${row.share === undefined ? '' : percent.format(row.share)}</td>` : '') +
          '</tr>',
      ),
      '</tbody></table>',
    ].join('');
    rendered.push(
      `<section id="${section.id}"><h2>${escapeHtml(section.title)}</h2><div class="pair"><figure>${chart}</figure>${table}</div>` +
        (section.note ? `<p class="note">${escapeHtml(section.note)}</p>` : '') +
        '</section>',
    );
  }
  const removed = figures.removal.underNotice ? figures.removal.removed / figures.removal.underNotice : undefined;
  const keyFigures: [string, string][] = [
    [labels.reports, number.format(figures.reports)],
    [labels.assessed, number.format(figures.assessed)],
    [labels.illegal, number.format(figures.illegal)],
    [labels.illegalRate, figures.assessed ? percent.format(figures.illegal / figures.assessed) : '–'],
    [labels.notices, number.format(sum(figures.noticesByKind))],
    [labels.removedShare, removed === undefined ? '–' : percent.format(removed)],
  ];
  const period = periodText(figures.period, labels);
  const generated = new Date(figures.observedAt).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return `<!DOCTYPE html>
<html lang="${options.lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(figures.producer)}">
<title>${escapeHtml(`${labels.title} – ${period}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(labels.title)}</h1>
<p>${escapeHtml(`${labels.period}${labels.colon}${period} · ${labels.case}${labels.colon}${figures.caseName}`)}</p>
<p class="note">${escapeHtml(`${labels.generated} ${generated} ${labels.by} ${figures.producer}`)}</p></header>
<section id="key-figures"><h2>${escapeHtml(labels.keyFigures)}</h2><dl class="key">${keyFigures
    .map(([name, value]) => `<div><dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd></div>`)
    .join('')}</dl></section>
${rendered.join('\n')}
</body>
</html>
`;
}

function buildSections(figures: ReportFigures, labels: Labels, options: HtmlReportOptions): Section[] {
  const top = options.top ?? 20;
  const countryNames = new Intl.DisplayNames([options.lang], { type: 'region', fallback: 'code' });
  const country = (code: string) => (/^[A-Z]{2}$/.test(code) ? `${countryNames.of(code) ?? code} (${code})` : labels.unknown);
  const europe = new Set<string>((readJson('regions.json') as { europe: string[] }).europe);
  const ranked = (rows: CountRow[], label: (key: string) => string, total: number) => {
    const sorted = [...rows].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
    const shown = sorted.slice(0, top).map((row) => ({ label: label(row.key), count: row.count, share: total ? row.count / total : 0 }));
    const rest = sum(sorted.slice(top));
    if (rest > 0) shown.push({ label: labels.others, count: rest, share: total ? rest / total : 0 });
    return shown;
  };
  const illegalUrls = sum(figures.hostingCountries);
  const europeRows = figures.hostingCountries.filter((row) => europe.has(row.key));
  const category = (code: string) => options.categoryLabels?.[code] ?? code;
  const { removal } = figures;
  const later = removal.removed - removal.within7Days;
  const removalRows = (
    [
      ['sameDay', removal.sameDay],
      ['within3Days', removal.within3Days - removal.sameDay],
      ['within7Days', removal.within7Days - removal.within3Days],
      ['later', later],
      ['notRemoved', removal.underNotice - removal.removed],
    ] as const
  ).map(([bucket, count]) => ({
    label: labels.removalBuckets[bucket],
    count,
    share: removal.underNotice ? count / removal.underNotice : 0,
  }));
  const median =
    removal.medianHours === undefined
      ? undefined
      : `${labels.median}${labels.colon}${new Intl.NumberFormat(options.lang, { maximumFractionDigits: 1 }).format(removal.medianHours)} ${labels.hours}`;
  return [
    { id: 'categories', title: labels.byCategory, keyHeader: labels.keys.category, percent: true, rows: ranked(figures.byCategory, category, figures.illegal) },
    { id: 'sources', title: labels.bySource, keyHeader: labels.keys.source, rows: ranked(figures.bySource, (key) => key, figures.reports) },
    {
      id: 'months',
      title: labels.byMonth,
      keyHeader: labels.keys.month,
      timeline: true,
      rows: [...figures.byMonth].sort((a, b) => a.key.localeCompare(b.key)).map((row) => ({ label: row.key, count: row.count })),
    },
    { id: 'countries-europe', title: labels.countriesEurope, keyHeader: labels.keys.country, rows: ranked(europeRows, country, sum(europeRows)) },
    { id: 'countries-world', title: labels.countriesWorld, keyHeader: labels.keys.country, rows: ranked(figures.hostingCountries, country, illegalUrls) },
    { id: 'tlds', title: labels.tlds, keyHeader: labels.keys.tld, rows: ranked(figures.tlds, (key) => `.${key}`, sum(figures.tlds)) },
    { id: 'providers', title: labels.providers, keyHeader: labels.keys.provider, rows: ranked(figures.hostingProviders, (key) => key, sum(figures.hostingProviders)) },
    {
      id: 'notices',
      title: labels.noticesByKind,
      keyHeader: labels.keys.kind,
      rows: ranked(figures.noticesByKind, (key) => (labels.noticeKinds as Record<string, string>)[key] ?? key, sum(figures.noticesByKind)),
    },
    {
      id: 'removal',
      title: labels.removal,
      keyHeader: labels.keys.bucket,
      percent: true,
      keepOrder: true,
      rows: removal.underNotice ? removalRows : [],
      note: [`${labels.underNotice}${labels.colon}${removal.underNotice}`, `${labels.removed}${labels.colon}${removal.removed}`, median].filter(Boolean).join(' · '),
    },
  ];
}

function periodText(period: ReportFigures['period'], labels: Labels): string {
  if (!period.from && !period.to) return labels.periodAll;
  return [period.from && `${labels.from} ${period.from}`, period.to && `${labels.to} ${period.to}`].filter(Boolean).join(' ');
}

function loadLabels(lang: ReportLanguage): Labels {
  const all = readJson('labels.json') as Record<string, Labels>;
  const labels = all[lang];
  if (!labels) throw new VigieError('usage', `no report labels for language "${lang}" (known: fr, en)`, ExitCode.usage);
  return labels;
}

const sum = (rows: CountRow[]) => rows.reduce((total, row) => total + row.count, 0);

/** Text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1b1f24;margin:2rem auto;max-width:72rem;padding:0 1rem;line-height:1.4}
h1{font-size:1.8rem;margin-bottom:.2rem}h2{font-size:1.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem;margin-top:2rem}
.note{color:#57606a;font-size:.9rem}.none{color:#57606a;font-style:italic}
.key{display:flex;flex-wrap:wrap;gap:1rem;margin:0}.key div{border:1px solid #d0d7de;border-radius:6px;padding:.6rem 1rem;min-width:10rem}
.key dt{font-size:.85rem;color:#57606a}.key dd{margin:0;font-size:1.5rem;font-weight:600}
.pair{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}figure{margin:0;max-width:100%;overflow-x:auto}
table{border-collapse:collapse;font-size:.9rem}th,td{padding:.2rem .6rem;border-bottom:1px solid #eaeef2;text-align:left}
td{text-align:right;font-variant-numeric:tabular-nums}thead th{border-bottom:2px solid #d0d7de}
@media print{body{margin:0;max-width:none}section{break-inside:avoid}}
`;
