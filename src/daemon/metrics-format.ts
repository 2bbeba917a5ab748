// Prometheus text exposition format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/): one `# HELP` and one `# TYPE`
// line per family, then its samples. Label values escape backslash, double quote and newline;
// HELP text escapes backslash and newline. Histograms write cumulative `_bucket{le=...}` samples
// ending with le="+Inf", then `_sum` and `_count`.

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Labels = Record<string, string>;

export interface Sample {
  labels: Labels;
  value: number;
}

export interface HistogramSample {
  labels: Labels;
  /** Upper bounds in ascending order, without +Inf. */
  bounds: readonly number[];
  /** Observations per bucket (not cumulative), one more than bounds: the last is above every bound. */
  counts: readonly number[];
  sum: number;
}

export type Family =
  | { name: string; help: string; type: 'counter' | 'gauge'; samples: Sample[] }
  | { name: string; help: string; type: 'histogram'; samples: HistogramSample[] };

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Go's strconv.FormatFloat('g')-like numbers, with Prometheus's spellings of the infinities. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

export function formatFamilies(families: readonly Family[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    if (family.type === 'histogram') {
      for (const sample of family.samples) {
        let cumulative = 0;
        sample.bounds.forEach((bound, i) => {
          cumulative += sample.counts[i] ?? 0;
          lines.push(`${family.name}_bucket${formatLabels({ ...sample.labels, le: formatValue(bound) })} ${cumulative}`);
        });
        cumulative += sample.counts[sample.bounds.length] ?? 0;
        lines.push(`${family.name}_bucket${formatLabels({ ...sample.labels, le: '+Inf' })} ${cumulative}`);
        lines.push(`${family.name}_sum${formatLabels(sample.labels)} ${formatValue(sample.sum)}`);
        lines.push(`${family.name}_count${formatLabels(sample.labels)} ${cumulative}`);
      }
    } else {
      for (const sample of family.samples) lines.push(`${family.name}${formatLabels(sample.labels)} ${formatValue(sample.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
