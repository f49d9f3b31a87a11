/**
 * The one shape every benchmark reports in ({@link Figure}), its printing, and the JSON written to
 * bench/results/. Ratios are always medians of ours over a peer measured in the same run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Summary } from './stats.ts';

/** Ours against one peer or ceiling measured in the same run: median over median. */
export interface PeerRatio {
  readonly label: string;
  readonly ratio: number;
}

/** A target from the issue, and whether the median meets it. */
export interface Target {
  readonly text: string;
  readonly met: boolean;
  /** How far off when missed ("2.7× over", "62% of target"). */
  readonly gap?: string;
}

/** One reported figure: min/median/max over the rounds, optional latency, ratios against peers, targets. */
export interface Figure {
  readonly section: string;
  readonly name: string;
  /** Unit of `value`: `req/s`, `resources/s`, `ms`… */
  readonly unit: string;
  readonly value: Summary;
  /** Latency percentiles per round (ms), summarised over the rounds. */
  readonly latency?: { readonly p50: Summary; readonly p99: Summary };
  readonly peers?: readonly PeerRatio[];
  readonly targets?: readonly Target[];
  /** How it was measured, and anything the reader must know (sample sizes, errors seen). */
  readonly notes?: readonly string[];
}

/** Formats a number for a table: thousands separators, decimals only for small values. */
export function num(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `min / median / max` of a summary. */
export function triple(summary: Summary): string {
  return `${num(summary.min)} / ${num(summary.median)} / ${num(summary.max)}`;
}

/** A throughput target (`≥ limit`), judged on the median. */
export function atLeast(label: string, value: Summary, limit: number, unit: string): Target {
  const met = value.median >= limit;
  const gap = met ? undefined : `${Math.round((value.median / limit) * 100)}% of target, short by ${num(limit - value.median)} ${unit}`;
  return { text: `${label} ≥ ${num(limit)} ${unit}`, met, ...(gap ? { gap } : {}) };
}

/** A latency target (`≤ limit` ms), judged on the median of the rounds. */
export function atMost(label: string, value: Summary, limit: number): Target {
  const met = value.median <= limit;
  const gap = met ? undefined : `${num(value.median)} ms is ${num(value.median / limit)}× the limit`;
  return { text: `${label} ≤ ${num(limit)} ms`, met, ...(gap ? { gap } : {}) };
}

/** Renders figures grouped by section, one block per figure. */
export function formatFigures(figures: readonly Figure[]): string {
  const lines: string[] = [];
  let section = '';
  for (const figure of figures) {
    if (figure.section !== section) {
      section = figure.section;
      lines.push('', `== ${section} ==`);
    }
    lines.push(`  ${figure.name}`);
    let main = `      ${triple(figure.value)} ${figure.unit}  (min / median / max over ${figure.value.rounds} rounds)`;
    if (figure.latency) main += `   p50 ${triple(figure.latency.p50)} ms   p99 ${triple(figure.latency.p99)} ms`;
    lines.push(main);
    if (figure.peers && figure.peers.length > 0) {
      lines.push(`      ratio ours/peer: ${figure.peers.map((p) => `×${num(p.ratio)} vs ${p.label}`).join('; ')}`);
    }
    for (const target of figure.targets ?? []) {
      lines.push(`      target ${target.text}: ${target.met ? '✓' : `✗ (${target.gap ?? 'missed'})`}`);
    }
    for (const note of figure.notes ?? []) lines.push(`      note: ${note}`);
  }
  return lines.join('\n');
}

/** Writes the run's header and figures to bench/results/bench-<timestamp>.json; returns the path. */
export function writeResults(header: Record<string, unknown>, figures: readonly Figure[]): string {
  const dir = join(import.meta.dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ ...header, figures }, null, 2)}\n`);
  return file;
}
