// One corpus document before tokenization: a file, or a question/answer exchange.

export type CorpusDocument =
  | { readonly type: 'file'; readonly path: string; readonly text: string }
  | { readonly type: 'exchange'; readonly notes: readonly string[]; readonly question: string; readonly answer: string };
