// `mnemo eval`: runs an eval set (shared/eval/public's format) from the base model for mnemo and
// the three baselines, or the capacity run, writes the JSON to --json FILE and prints it as the
// last line of stdout. Progress goes to stderr.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateCapacityNotes, runCapacity } from '../eval/capacityRun';
import { limitSet, METHOD_NAMES, runEval, SubjectFactory } from '../eval/evalRunner';
import { answerRecall, completionExact, MethodName, MethodRun } from '../eval/evalScore';
import { EvalSet, loadEvalSet } from '../eval/evalSet';
import { defaultFullFinetuneSettings } from '../eval/fullFinetune';
import { findHeldOutTokens, heldOutSample } from '../model/heldOutLoss';
import { describeModel } from '../service/modelDirectory';
import { defaultReplayCursorSettings } from '../eval/replayCursors';
import { SHOW_MODES, ShowMode } from '../service/completionConfidence';
import { modelDirOf, packageRoot } from './cliContext';
import { replayEval } from './evalReplay';
import { defineCommand } from './command';
import { UsageError } from './commandLine';
import { ANSWER_SUPPORT_FLAGS, givenFlags, NOTE_SLOT_FLAGS, SLOT_WRITER_FLAGS } from './evalFlags';
import { fullFinetuneSubject, mnemoSubject, noneSubject, promptSubject, SubjectSettings } from './evalSubjects';

export const evalCommand = defineCommand({
  summary: 'run an eval set for mnemo and the baselines (none, prompt, full_finetune)',
  usage:
    '--set DIR --json FILE [--details FILE] [--limit N] [--methods LIST] [--capacity N] [--model DIR] | --replay DIR [--notes SETDIR] --json FILE',
  details: [
    'Writes every note and distractor (in file order) from the base model, asks every question through the chat',
    'path and runs every completion probe through the completion path, for each method; the JSON result goes to',
    'FILE and is printed as the last line of stdout. --capacity N instead writes N generated notes and reports',
    'provenance@1 as the memory fills. --replay DIR instead replays typing over the source files under DIR',
    '(seeded cursors where a person pauses) and reports replay.shown_rate, precision, saved_share, false_copies',
    'and complete_ms for what ships and for "always show". The eval uses its own temporary store; --store is not used.',
  ].join('\n'),
  positionals: 0,
  options: {
    set: { kind: 'string', value: 'DIR', help: 'the eval set directory (notes.jsonl, questions.jsonl, ...)' },
    json: { kind: 'string', value: 'FILE', help: 'where to write the JSON result (also printed as the last line of stdout)' },
    limit: { kind: 'number', value: 'N', help: 'only the first N notes (and N distractors) with their questions', min: 1 },
    methods: { kind: 'string', value: 'LIST', help: `comma-separated subset of ${METHOD_NAMES.join(',')} (default all)` },
    capacity: { kind: 'number', value: 'N', help: 'capacity run: write N generated notes, report provenance@1 as it grows', min: 1 },
    sample: { kind: 'number', value: 'N', help: 'capacity run: notes asked about at each checkpoint (default 40)', min: 1 },
    details: { kind: 'string', value: 'FILE', help: 'also write every answer, citation and completion of each method there (JSON Lines)' },
    heldout: {
      kind: 'string',
      value: 'FILE',
      help: 'held-out uint16 token file for forgetting (default model/heldout-sample.bin, else corpus/heldout.bin)',
    },
    'slot-steps': { kind: 'number', value: 'N', help: 'keyed note memory: most Adam steps per note', min: 1 },
    'slot-rows': { kind: 'number', value: 'N', help: 'keyed note memory: most training positions per note', min: 1 },
    'slot-refresh': { kind: 'number', value: 'N', help: 'keyed note memory: a full-vocabulary step every N steps', min: 1 },
    'slot-lr': { kind: 'number', value: 'X', help: 'keyed note memory: Adam step size', integer: false },
    'chat-gate': { kind: 'number', value: 'X', help: 'keyed note memory: the sink cosine for chat questions', integer: false },
    'chat-floor': {
      kind: 'number',
      value: 'X',
      help: 'keyed note memory: below this cosine a chat question reads no note',
      integer: false,
    },
    'chat-bm25': {
      kind: 'number',
      value: 'X',
      help: "keyed note memory: weight of BM25 over the notes in a chat question's gate (0: off)",
      integer: false,
    },
    'chat-read-scale': {
      kind: 'number',
      value: 'X',
      help: "keyed note memory: a chat answer's read times X when decoding",
      integer: false,
    },
    'chat-copy-bias': {
      kind: 'number',
      value: 'X',
      help: "keyed note memory: a chat answer's bonus per unit of gate on a read note's tokens",
      integer: false,
    },
    'chat-norm-power': {
      kind: 'number',
      value: 'X',
      help: "keyed note memory: a chat question's cosine to a note times (note norm / reference)^(1 - X); 1 = plain cosine",
      integer: false,
    },
    'slot-sharpness': {
      kind: 'number',
      value: 'X',
      help: "keyed note memory: sharpness of the softmax over a note's slots",
      integer: false,
    },
    'chat-follow': {
      kind: 'number',
      value: 'X',
      help: "keyed note memory: a chat answer's slot score gains X on the slot after the one each note's read favoured at the position before (0: off)",
      integer: false,
    },
    'chat-pointer': {
      kind: 'number',
      value: 'X',
      help: "keyed note memory: a chat answer's logits gain X x the read on the token each note's favoured slot was fitted to predict (0: off)",
      integer: false,
    },
    'chat-answer-gate': {
      kind: 'number',
      value: 'X',
      help: "chat: answer only when the question's best note gate is at least X, else abstain (0: always answer)",
      integer: false,
    },
    'chat-shared-idf': {
      kind: 'number',
      value: 'X',
      help: 'chat: answer only when the words the question shares with its best note have idfs summing to at least X (0: off)',
      integer: false,
    },
    'leave-out': {
      kind: 'number',
      value: 'N',
      help: 'after the run, forget every Nth note and ask its questions again as unanswerable ones (default 3; 0: off)',
      min: 0,
    },
    'finetune-lr': {
      kind: 'number',
      value: 'X',
      help: `full_finetune: AdamW learning rate (default ${defaultFullFinetuneSettings.learningRate})`,
      integer: false,
    },
    replay: {
      kind: 'string',
      value: 'DIR',
      help: 'replay benchmark: complete at seeded cursors in the source files under DIR (.ts .tsx .js .mjs .cjs)',
    },
    notes: { kind: 'string', value: 'SETDIR', help: "replay: write this eval set's notes and distractors first" },
    'per-file': { kind: 'number', value: 'N', help: `replay: cursors per file (default ${defaultReplayCursorSettings.perFile})`, min: 1 },
    files: { kind: 'number', value: 'N', help: 'replay: only N files, drawn with the seed (default all)', min: 1 },
    seed: { kind: 'number', value: 'N', help: `replay: the cursors' seed (default ${defaultReplayCursorSettings.seed})`, min: 0 },
    show: {
      kind: 'choice',
      choices: SHOW_MODES,
      help: 'replay: what the shipped figures show (default confident; "always" figures are reported beside them)',
    },
  },
  async run({ args, output, signal }) {
    const { options } = args;
    const jsonFile = options.json;
    if (!jsonFile) throw new UsageError('--json FILE is required (the result is written there and printed as the last line)', 'eval');
    if (options.replay !== undefined) {
      const model = describeModel(modelDirOf(options.model));
      output.err(`model ${model.identity.id} (${model.dir})\n`);
      const report = await replayEval({
        dir: options.replay,
        modelDir: model.dir,
        notesSet: options.notes,
        perFile: options['per-file'],
        files: options.files,
        seed: options.seed,
        details: options.details,
        show: options.show as ShowMode | undefined, // the parser has checked the choice
        say: message => output.err(`${message}\n`),
        signal,
      });
      const line = JSON.stringify({ set: 'replay', model: model.identity, replay: replayFigures(report) });
      fs.mkdirSync(path.dirname(path.resolve(jsonFile)), { recursive: true });
      fs.writeFileSync(jsonFile, `${line}${os.EOL}`);
      output.out(`${line}\n`);
      return;
    }
    if (options.capacity === undefined && !options.set)
      throw new UsageError('--set DIR is required (or --capacity N for the capacity run)', 'eval');
    const methods = parseMethods(options.methods);
    const modelDir = modelDirOf(options.model);
    const model = describeModel(modelDir);
    const say = (message: string) => output.err(`${message}\n`);
    const slotWriter = givenFlags(options, SLOT_WRITER_FLAGS);
    const noteSlots = givenFlags(options, NOTE_SLOT_FLAGS);
    const answerSupport = givenFlags(options, ANSWER_SUPPORT_FLAGS);
    const heldOutFile = findHeldOutTokens({ explicit: options.heldout, modelDir: model.dir, repoRoot: packageRoot() });
    if (options.heldout && heldOutFile !== options.heldout) throw new UsageError(`--heldout ${options.heldout} does not exist`, 'eval');
    if (!heldOutFile) say('warning: no held-out tokens found (model/heldout-sample.bin or corpus/heldout.bin): forgetting is not measured');
    const heldOut = heldOutFile ? heldOutSample(heldOutFile, model.config.contextLength) : null;
    say(`model ${model.identity.id} (${model.dir})${heldOut ? `; held-out sample from ${heldOut.source}` : ''}`);

    let result: object;
    if (options.capacity !== undefined) {
      const generated = generateCapacityNotes(options.capacity);
      const settings: SubjectSettings = { modelDir, heldOut: null, research: { slotWriter, noteSlots }, promptNotes: [] };
      const subject = await mnemoSubject(settings)();
      try {
        const report = await runCapacity(subject, generated, { sample: options.sample, onProgress: say, signal });
        result = { set: 'capacity', model: model.identity, ...report };
      } finally {
        await subject.dispose?.();
      }
    } else {
      const set = loadEvalSet(options.set!);
      for (const warning of set.warnings) say(`warning: ${warning}`);
      // The prompt baseline ranks every note and distractor the run writes.
      const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
      const written = [...set.notes.slice(0, limit), ...set.distractors.slice(0, limit)];
      const settings: SubjectSettings = {
        modelDir,
        heldOut,
        research: { slotWriter, noteSlots },
        answerSupport,
        fullFinetune: {
          ...defaultFullFinetuneSettings,
          ...(options['finetune-lr'] !== undefined ? { learningRate: options['finetune-lr'] } : {}),
        },
        promptNotes: written.map(n => ({ id: n.id, text: n.note })),
      };
      const factories: Partial<Record<MethodName, SubjectFactory>> = {};
      if (methods.has('mnemo')) factories.mnemo = mnemoSubject(settings);
      if (methods.has('none')) factories.none = noneSubject(settings);
      if (methods.has('prompt')) factories.prompt = promptSubject(settings);
      if (methods.has('full_finetune')) factories.full_finetune = fullFinetuneSubject(settings);
      const onRun = options.details === undefined ? undefined : detailsWriter(options.details, limitSet(set, options.limit));
      const report = await runEval(set, factories, {
        limit: options.limit,
        onProgress: say,
        signal,
        onRun,
        ...(options['leave-out'] !== undefined ? { leaveOutEvery: options['leave-out'] } : {}),
      });
      result = { ...report, model: model.identity };
    }
    const line = JSON.stringify(result);
    fs.mkdirSync(path.dirname(path.resolve(jsonFile)), { recursive: true });
    fs.writeFileSync(jsonFile, `${line}${os.EOL}`);
    output.out(`${line}\n`);
  },
});

/** Writes one JSON line per question and completion of each method as it finishes. */
function detailsWriter(file: string, set: EvalSet): (name: MethodName, run: MethodRun) => void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, '');
  return (method, run) => {
    const lines = [
      ...run.questions.map((q, i) => ({
        method,
        kind: 'question',
        note: q.expectedNote,
        style: q.style,
        question: set.questions[i]?.question,
        reference: q.reference,
        answer: q.answer,
        recall: answerRecall(q.answer, q.reference),
        cited: q.cited,
        ...(q.abstained ? { abstained: true } : {}),
      })),
      ...run.completions.map((c, i) => ({
        method,
        kind: 'completion',
        note: set.completions[i]?.note,
        expected: c.expected,
        completion: c.completion,
        exact: completionExact(c.completion, c.expected),
      })),
      ...(run.unanswerable ?? []).map(u => ({
        method,
        kind: 'unanswerable',
        style: u.style,
        question: u.question,
        answer: u.answer,
        abstained: u.abstained,
        cited: u.cited,
      })),
      ...(run.leaveOut ?? []).map(u => ({
        method,
        kind: 'leave-out',
        note: u.forgottenNote,
        style: u.style,
        question: u.question,
        answer: u.answer,
        abstained: u.abstained,
        cited: u.cited,
      })),
    ];
    fs.appendFileSync(file, lines.map(l => `${JSON.stringify(l)}${os.EOL}`).join(''));
  };
}

/** The replay's figures under `replay.*`: the shipped decision's at the top, "always show"'s beside. */
function replayFigures(report: Awaited<ReturnType<typeof replayEval>>) {
  return {
    dir: report.dir,
    files: report.files,
    cursors: report.cursors,
    notes: report.notes,
    seed: report.seed,
    per_file: report.per_file,
    show: report.show,
    ...report.shipped,
    complete_ms: report.complete_ms,
    always: report.always,
  };
}

function parseMethods(list: string | undefined): Set<MethodName> {
  if (list === undefined) return new Set(METHOD_NAMES);
  const names = list
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(METHOD_NAMES as readonly string[]).includes(name))
      throw new UsageError(`--methods: unknown method "${name}" (use ${METHOD_NAMES.join(', ')})`, 'eval');
  }
  return new Set(names as MethodName[]);
}
