// What mnemo's status bar item says, from what the context knows (runtime self-check, worker,
// completions setting, a write under way, restricted mode). Pure: no `vscode` import, unit-tested;
// status-bar.ts shows it.
import type { ShowMode } from '../service/completionConfidence';
import type { OnnxSelfCheck } from './onnx-self-check';
import { onnxruntimeSummary } from './status-report';

export type RuntimeState = { readonly kind: 'checking' } | OnnxSelfCheck;

export type ServiceState =
  | { readonly kind: 'idle' }
  /** progress: what opening the store is doing, when it takes a while (re-learning the notes of a
   *  store written with another model: worker/init's progress events). */
  | { readonly kind: 'starting'; readonly progress?: { readonly message: string; readonly fraction?: number } }
  | { readonly kind: 'ready'; readonly notes: number; readonly model: string }
  | { readonly kind: 'no-model'; readonly message: string; readonly hint: string }
  | { readonly kind: 'failed'; readonly message: string };

export interface StatusInputs {
  readonly runtime: RuntimeState;
  readonly service: ServiceState;
  /** mnemo.completions.show: which ghost text is shown ('off': none). */
  readonly completionsShow: ShowMode;
  /** What is being written, while a write runs. */
  readonly writing: string | undefined;
  /** Untrusted workspace: reads work, writes are off. */
  readonly restricted: boolean;
}

/** The four states the user sees, plus the two on the way there. */
export type StatusKind = 'on' | 'off' | 'writing' | 'error' | 'starting' | 'no-model';

export interface StatusView {
  readonly kind: StatusKind;
  readonly text: string;
  readonly tooltip: string;
  readonly label: string;
}

/** Pure: what the item shows for the given inputs. */
export function describeStatus(inputs: StatusInputs): StatusView {
  const runtime = runtimeWords(inputs.runtime);
  const restricted = inputs.restricted ? ' Restricted mode: notes cannot be written or forgotten.' : '';
  if (inputs.runtime.kind === 'failed') {
    return view('error', '$(warning) mnemo', `mnemo: ${onnxruntimeSummary(inputs.runtime)}`, runtime);
  }
  if (inputs.service.kind === 'failed') {
    return view('error', '$(warning) mnemo', `mnemo: ${inputs.service.message}`, `${runtime}; error: ${inputs.service.message}`);
  }
  if (inputs.writing !== undefined) {
    return view('writing', '$(sync~spin) mnemo: writing', `mnemo: writing "${inputs.writing}" into memory…`, `${runtime}; writing a note`);
  }
  if (inputs.service.kind === 'no-model') {
    return view(
      'no-model',
      '$(circle-slash) mnemo: no model',
      `mnemo: model not installed. ${inputs.service.message} ${inputs.service.hint}`,
      `${runtime}; model not installed`,
    );
  }
  if (inputs.service.kind === 'starting' && inputs.service.progress) {
    const { message, fraction } = inputs.service.progress;
    const percent = fraction === undefined ? '' : ` ${Math.round(fraction * 100)}%`;
    return view('starting', `$(sync~spin) mnemo${percent}`, `mnemo: starting… ${message}`, `${runtime}; starting: ${message}`);
  }
  if (inputs.runtime.kind === 'checking' || inputs.service.kind === 'starting') {
    return view('starting', '$(sync~spin) mnemo', 'mnemo: starting…', `${runtime}; starting`);
  }
  const notes = inputs.service.kind === 'ready' ? ` ${inputs.service.notes} note${inputs.service.notes === 1 ? '' : 's'} in memory.` : '';
  if (inputs.completionsShow === 'off') {
    return view(
      'off',
      '$(circle-slash) mnemo',
      `mnemo: completions off (click for status).${notes}${restricted}`,
      `${runtime}; completions off`,
    );
  }
  const shown = SHOWN_WORDS[inputs.completionsShow];
  // The default needs no word in the bar itself; another mode says which.
  const text = inputs.completionsShow === 'confident' ? '$(database) mnemo' : `$(database) mnemo: ${inputs.completionsShow}`;
  return view(
    'on',
    text,
    `mnemo: completions on (${inputs.completionsShow}: ${shown}).${notes}${restricted}`,
    `${runtime}; completions on (${inputs.completionsShow})`,
  );
}

const SHOWN_WORDS: Record<Exclude<ShowMode, 'off'>, string> = {
  confident: 'shown only where likely right',
  always: 'every completion shown',
  'memory-only': "only a note's facts shown",
};

function view(kind: StatusKind, text: string, tooltip: string, label: string): StatusView {
  return { kind, text, tooltip, label: label.startsWith('mnemo:') ? label : `mnemo: ${label}` };
}

function runtimeWords(runtime: RuntimeState): string {
  switch (runtime.kind) {
    case 'checking':
      return 'mnemo: checking onnxruntime';
    case 'ok':
      return 'mnemo: onnxruntime ready';
    case 'failed':
      return 'mnemo: onnxruntime failed';
  }
}
