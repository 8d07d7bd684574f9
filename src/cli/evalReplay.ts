// `mnemo eval --replay DIR [--notes SETDIR]`: the replay benchmark (src/eval/replayRun.ts) run
// through a MemoryService on a fresh store, as the editor's completions run. One completion per
// cursor gives both figures: what ships (the `confident` decision) and what "always show" would
// show. With --details every cursor's completion and token probabilities are written, so the
// confidence floors can be calibrated without running the model again.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadEvalSet } from '../eval/evalSet';
import { defaultReplayCursorSettings } from '../eval/replayCursors';
import { ReplayResult, ReplaySubject, runReplay } from '../eval/replayRun';
import { restOfLine } from '../eval/replayScore';
import type { ConfidenceSettings, ShowMode } from '../service/completionConfidence';
import { MemoryService } from '../service/memoryService';
import { repeatedLineMatch } from '../service/repeatedLine';

export interface ReplayEvalOptions {
  readonly dir: string;
  readonly modelDir: string;
  readonly notesSet?: string;
  readonly perFile?: number;
  readonly files?: number;
  readonly seed?: number;
  readonly details?: string;
  readonly confidence?: ConfidenceSettings;
  /** What `shipped` shows; default the setting's default, `confident`. */
  readonly show?: ShowMode;
  readonly say: (message: string) => void;
  readonly signal?: AbortSignal;
}

export async function replayEval(options: ReplayEvalOptions): Promise<ReplayResult & { show: ShowMode }> {
  const notes = options.notesSet ? loadEvalSet(options.notesSet) : null;
  for (const warning of notes?.warnings ?? []) options.say(`warning: ${warning}`);
  const show = options.show ?? 'confident';
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-replay-store-'));
  const service = await MemoryService.open({
    storeDir,
    modelDir: options.modelDir,
    research: { confidence: options.confidence },
    author: 'mnemo eval',
  });
  const subject: ReplaySubject = {
    write: async note => {
      await service.remember({ text: note.note, kind: note.kind, id: note.id, secrets: 'redact', oversize: 'chunk' });
    },
    complete: async (filePath, prefix) => {
      const result = await service.complete({ filePath, prefix, show });
      const span = result.fromNote?.span ?? null;
      return {
        shipped: { text: result.completion, span: result.source === 'note' ? span : null },
        always: { text: result.full, span },
        detail: {
          full: result.full,
          shown: result.completion,
          source: result.source,
          fromNote: result.fromNote,
          repeated: repeatedLineMatch(prefix),
          pieces: result.pieces,
        },
      };
    },
  };
  if (options.details) {
    fs.mkdirSync(path.dirname(path.resolve(options.details)), { recursive: true });
    fs.writeFileSync(options.details, '');
  }
  try {
    const result = await runReplay(options.dir, subject, {
      cursors: {
        ...defaultReplayCursorSettings,
        ...(options.perFile !== undefined ? { perFile: options.perFile } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
      },
      files: options.files,
      notes: notes ? [...notes.notes, ...notes.distractors] : [],
      onProgress: options.say,
      signal: options.signal,
      onCursor: options.details
        ? (cursor, outcome, detail) =>
            fs.appendFileSync(
              options.details!,
              `${JSON.stringify({ ...cursor, rest: outcome.rest.slice(0, 600), line: restOfLine(outcome.rest), ms: outcome.ms, ...detail })}${os.EOL}`,
            )
        : undefined,
    });
    return { ...result, show };
  } finally {
    await service.close();
    fs.rmSync(storeDir, { recursive: true, force: true });
  }
}
