// The writer settings the write probes take as flags (--lr --steps --slots --threshold --count-mode
// --count-scope --scoring): the parseArgs options, and the settings they give (unset flags keep the
// writer's defaults).

import type { WriterSettings } from '../src/memory/rows/rowWriter';

export const writerFlagOptions = {
  lr: { type: 'string' },
  steps: { type: 'string' },
  slots: { type: 'string' },
  threshold: { type: 'string' },
  'count-mode': { type: 'string' },
  'count-scope': { type: 'string' },
  scoring: { type: 'string' },
} as const;

export type WriterFlags = { readonly [K in keyof typeof writerFlagOptions]?: string };

export function writerSettingsOf(flags: WriterFlags): Partial<WriterSettings> {
  return {
    ...(flags.lr ? { learningRate: Number(flags.lr) } : {}),
    ...(flags.steps ? { maxSteps: Number(flags.steps) } : {}),
    ...(flags.slots ? { slots: Number(flags.slots) } : {}),
    ...(flags.threshold ? { lossThreshold: Number(flags.threshold) } : {}),
    ...(flags['count-mode'] ? { countMode: flags['count-mode'] as WriterSettings['countMode'] } : {}),
    ...(flags['count-scope'] ? { countScope: flags['count-scope'] as WriterSettings['countScope'] } : {}),
    ...(flags.scoring ? { scoring: flags.scoring as WriterSettings['scoring'] } : {}),
  };
}
