// The four methods `mnemo eval` compares, built from the service's own chat and completion paths:
//   mnemo          a MemoryService on a fresh store: notes written into the memory layer, answers
//                  cited from the model's reads;
//   none           the base model, nothing remembered;
//   prompt         the base model with the top 3 notes by BM25 pasted before the question or code;
//   full_finetune  the base model with the same write steps applied to every parameter.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EvalSubject, SubjectAnswer, SubjectFactory } from '../eval/evalRunner';
import type { EvalCompletion, EvalNote, EvalQuestion } from '../eval/evalSet';
import { completionFilePath } from '../eval/completionFilePath';
import { FullFinetuneSettings, FullFinetuneWriter } from '../eval/fullFinetune';
import { HeldOutSample, heldOutLoss } from '../model/heldOutLoss';
import { MemoryWriter } from '../memory/rows/rowWriter';
import type { AnswerSupportSettings } from '../memory/keyed/answerSupport';
import { toNoteId } from '../memory/note';
import type { LanguageModel } from '../model/languageModel';
import { answerQuestion, DEFAULT_ANSWER_TOKENS } from '../service/chatPath';
import { completeCode } from '../service/completionPath';
import { DecodingSession } from '../service/decodingSession';
import { MemoryService } from '../service/memoryService';
import { describeModel, LoadedModel, loadModel } from '../service/modelDirectory';
import { codeQuery, PromptNoteRanker, RankableNote } from '../service/promptNotes';
import type { ResearchSettings } from '../service/researchSettings';

export interface SubjectSettings {
  readonly modelDir: string;
  /** Held-out tokens for the forgetting figure; null leaves it unmeasured. */
  readonly heldOut: HeldOutSample | null;
  /** Tuning knobs beyond what ships (mnemo only). */
  readonly research?: ResearchSettings;
  /** When the chat abstains (mnemo only). */
  readonly answerSupport?: Partial<AnswerSupportSettings>;
  readonly fullFinetune?: FullFinetuneSettings;
  /** What the prompt baseline ranks: every note and distractor of the set. */
  readonly promptNotes: readonly RankableNote[];
}

export function mnemoSubject(settings: SubjectSettings): SubjectFactory {
  return async () => {
    const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-eval-store-'));
    const service = await MemoryService.open({
      storeDir,
      modelDir: settings.modelDir,
      research: settings.research,
      answerSupport: settings.answerSupport,
      author: 'mnemo eval',
    });
    return {
      write: async note => {
        // Eval notes are data: a secret-looking string is redacted rather than failing the run.
        await service.remember({ text: note.note, kind: note.kind, id: note.id, secrets: 'redact', oversize: 'chunk' });
      },
      ask: async question => {
        const result = await service.ask({ question: question.question });
        return {
          text: result.answer,
          cited: result.citations.map(c => c.noteId),
          memoryContextTokens: result.memoryContextTokens,
          ...(result.outcome.kind === 'abstained' ? { abstained: true } : {}),
        };
      },
      complete: async completion => {
        const result = await service.complete({ filePath: completionFilePath(completion.language), prefix: completion.prefix });
        return { text: result.completion, cited: result.citations.map(c => c.noteId), memoryContextTokens: result.memoryContextTokens };
      },
      heldOutLoss: settings.heldOut ? () => service.heldOutLoss(settings.heldOut!) : undefined,
      forget: async noteId => {
        await service.forget({ id: toNoteId(noteId) });
      },
      dispose: async () => {
        await service.close();
        fs.rmSync(storeDir, { recursive: true, force: true });
      },
    };
  };
}

export function noneSubject(settings: SubjectSettings): SubjectFactory {
  return async () => new PathSubject(loadModel(describeModel(settings.modelDir)), null);
}

export function promptSubject(settings: SubjectSettings): SubjectFactory {
  return async () => new PathSubject(loadModel(describeModel(settings.modelDir)), new PromptNoteRanker(settings.promptNotes));
}

export function fullFinetuneSubject(settings: SubjectSettings): SubjectFactory {
  return async () => {
    const loaded = loadModel(describeModel(settings.modelDir));
    const writer = new MemoryWriter(loaded.model, loaded.tokenizer, loaded.background);
    const finetune = new FullFinetuneWriter(loaded.model, writer, settings.fullFinetune);
    const subject = new PathSubject(loaded, null, async () => {
      await finetune.dispose();
      await writer.dispose();
    });
    return Object.assign(subject, {
      write: async (note: EvalNote) => {
        await finetune.write({ text: note.note, kind: note.kind });
        subject.modelChanged();
      },
      heldOutLoss: settings.heldOut ? () => heldOutLoss(loaded.model, settings.heldOut!) : undefined,
    });
  };
}

/** Answers and completions straight from a model through the service's paths (no store). */
class PathSubject implements EvalSubject {
  private readonly chat: DecodingSession;
  private readonly completion: DecodingSession;
  private version = 0;

  constructor(
    private readonly loaded: LoadedModel,
    /** Pastes the top notes when given (the prompt baseline). */
    private readonly ranker: PromptNoteRanker | null,
    private readonly onDispose?: () => Promise<void>,
  ) {
    this.chat = new DecodingSession(loaded.model);
    this.completion = new DecodingSession(loaded.model);
  }

  get model(): LanguageModel {
    return this.loaded.model;
  }

  /** The weights changed: cached keys/values are stale. */
  modelChanged(): void {
    this.version++;
  }

  async ask(question: EvalQuestion): Promise<SubjectAnswer> {
    const pasted = this.ranker?.top(question.question) ?? [];
    const runner = { tokenizer: this.loaded.tokenizer, session: this.chat, memoryVersion: this.version };
    const out = await answerQuestion(runner, {
      question: question.question,
      notes: pasted.map(n => n.text),
      maxTokens: DEFAULT_ANSWER_TOKENS,
    });
    return {
      text: out.answer,
      cited: this.ranker ? pasted.slice(0, out.notesUsed).map(n => n.id) : null,
      memoryContextTokens: out.memoryContextTokens,
    };
  }

  async complete(completion: EvalCompletion): Promise<SubjectAnswer> {
    const pasted = this.ranker?.top(codeQuery(completion.prefix)) ?? [];
    const runner = { tokenizer: this.loaded.tokenizer, session: this.completion, memoryVersion: this.version };
    const out = await completeCode(runner, {
      filePath: completionFilePath(completion.language),
      prefix: completion.prefix,
      notes: pasted.map(n => n.text),
    });
    return { text: out.completion, cited: this.ranker ? pasted.map(n => n.id) : null, memoryContextTokens: out.memoryContextTokens };
  }

  async dispose(): Promise<void> {
    await this.onDispose?.();
    await this.loaded.model.dispose();
  }
}
