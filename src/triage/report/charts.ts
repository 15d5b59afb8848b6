// Charts as inline SVG, drawn by Vega-Lite (compiled to Vega, rendered by Vega's SVG renderer in Node: no browser,
// no canvas, no script in the output). Vega escapes every text it writes into the SVG.

/** One bar: its label (already in the report's language) and its value. */
export interface Bar {
  label: string;
  value: number;
}

export interface BarChartOptions {
  /** Title of the value axis. */
  valueTitle: string;
  /** Values are shares 0–1, shown as percentages. */
  percent?: boolean;
  /** Vertical bars in the given order (months); otherwise horizontal bars. */
  timeline?: boolean;
  /** Horizontal bars in the given order (buckets of a distribution) rather than largest first. */
  keepOrder?: boolean;
  /** Locale of the axis numbers (`fr`, `en`). */
  lang: string;
}

type VegaModules = { vega: typeof import('vega'); vegaLite: typeof import('vega-lite') };
let modules: Promise<VegaModules> | undefined;

/** Vega and Vega-Lite are large: loaded on the first chart, by the one command that draws charts. */
function loadVega(): Promise<VegaModules> {
  modules ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vegaLite]) => ({ vega, vegaLite }));
  return modules;
}

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';

/** A bar chart of `bars` as an SVG document (a string starting with `<svg`). */
export async function barChartSvg(bars: Bar[], options: BarChartOptions): Promise<string> {
  const { vega, vegaLite } = await loadVega();
  const valueAxis = { title: options.valueTitle, format: options.percent ? '.0%' : ',d', tickMinStep: options.percent ? 0.01 : 1 };
  const labelField = { field: 'label', type: 'nominal' as const, title: null, sort: options.timeline || options.keepOrder ? null : ('-x' as const) };
  const valueField = { field: 'value', type: 'quantitative' as const, axis: valueAxis };
  const spec = vegaLite.compile({
    width: options.timeline ? Math.max(240, bars.length * 36) : 420,
    ...(options.timeline ? { height: 220 } : {}),
    background: 'white',
    config: { font: FONT, view: { stroke: null }, axis: { labelLimit: 260 }, ...vegaLocale(options.lang) },
    data: { values: bars },
    mark: { type: 'bar', color: '#31588a', tooltip: false },
    encoding: options.timeline
      ? { x: { ...labelField, axis: { labelAngle: -45 } }, y: valueField }
      : { y: labelField, x: valueField },
  }).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Vega's number locale for the report's language: French groups thousands with a narrow space and uses a comma. */
function vegaLocale(lang: string) {
  return lang === 'fr'
    ? { locale: { number: { decimal: ',', thousands: '\u202f', grouping: [3], currency: ['', '\u00a0€'] as [string, string], percent: '\u202f%' } } }
    : {};
}
