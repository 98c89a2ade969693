/**
 * One entry point for the print-job system: labels + format → bytes to send or store.
 * Printer languages get one job per label, concatenated (printers process jobs in sequence);
 * PDF gets one document with a page per label.
 */
import type { Dpi, Label } from '../label';
import { copiesOf, type RenderWarning } from './common';
import { renderEscpos } from './escpos';
import { renderPdf } from './pdf';
import { renderTspl } from './tspl';
import { renderZpl } from './zpl';

export type LabelFormat = 'pdf' | 'zpl' | 'tspl' | 'escpos';
export const LABEL_FORMATS: readonly LabelFormat[] = ['pdf', 'zpl', 'tspl', 'escpos'];

export interface RenderLabelsOptions {
  /** Printer resolution (not used for PDF); default 203. */
  dpi?: Dpi;
  /** Copies of each label; default 1. */
  copies?: number;
  /** ESC/POS: printable width in dots. */
  widthDots?: number;
  /** TSPL: DIRECTION 0 or 1. */
  direction?: 0 | 1;
  /** PDF: document title. */
  title?: string;
}

export interface RenderedLabels {
  contentType: string;
  data: Buffer;
  extension: string;
  /** Characters replaced, text cut, elements a format cannot draw; each with its label index. */
  warnings: RenderWarning[];
}

const TYPES: Record<LabelFormat, { contentType: string; extension: string }> = {
  pdf: { contentType: 'application/pdf', extension: 'pdf' },
  zpl: { contentType: 'application/x-zpl', extension: 'zpl' },
  tspl: { contentType: 'application/x-tspl', extension: 'tspl' },
  escpos: { contentType: 'application/x-escpos', extension: 'bin' },
};

export async function renderLabels(labels: Label[], format: LabelFormat, opts: RenderLabelsOptions = {}): Promise<RenderedLabels> {
  if (!TYPES[format]) throw new Error(`unknown label format "${format}"`);
  if (!labels.length) throw new Error('no labels to render');
  const warnings: RenderWarning[] = [];
  let data: Buffer;
  if (format === 'pdf') {
    // PDF has no copy count: repeat the pages, and report each label's warnings once.
    const copies = copiesOf(opts);
    const pages = copies > 1 ? labels.flatMap((l) => Array.from({ length: copies }, () => l)) : labels;
    const pageWarnings: RenderWarning[] = [];
    data = await renderPdf(pages, { warnings: pageWarnings, title: opts.title });
    for (const w of pageWarnings) {
      if (w.labelIndex! % copies === 0) warnings.push({ ...w, labelIndex: w.labelIndex! / copies });
    }
  } else {
    const dpi = opts.dpi ?? 203;
    const jobs = labels.map((label, labelIndex) => {
      const local: RenderWarning[] = [];
      const common = { dpi, copies: opts.copies, warnings: local };
      const job =
        format === 'zpl' ? renderZpl(label, common)
        : format === 'tspl' ? renderTspl(label, { ...common, direction: opts.direction })
        : renderEscpos(label, { ...common, widthDots: opts.widthDots });
      for (const w of local) warnings.push({ ...w, labelIndex });
      return job;
    });
    data = Buffer.concat(jobs);
  }
  return { ...TYPES[format], data, warnings };
}

export { renderPdf } from './pdf';
export { renderZpl } from './zpl';
export { renderTspl } from './tspl';
export { renderEscpos } from './escpos';
export type { RenderWarning } from './common';
