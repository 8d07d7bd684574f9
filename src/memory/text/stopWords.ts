// The word lists that mark a word as carrying nothing, one per use. They differ on purpose: each was
// chosen (and measured) for its caller, so merging them would change what the callers find and the
// eval's figures. A list is a ReadonlySet of lowercase words.

/** Words `indexTerms` leaves out of a text's terms (BM25, the word bags that gate notes, the span
 *  copy's context): English function words, which every note and question has. */
export const INDEX_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be but by can do does for from had has have how i if in into is it its no not of on or our ' +
    's so such t than that the their then there these they this to was we were what when where which who why will with would you your'
  ).split(' '),
);

/** Words that start sentences without naming anything (a note's key terms, `extractTerms`): function
 *  words plus the verbs notes start with ("uses", "writes"), so "Uses Redis" names Redis. */
export const SENTENCE_STARTERS: ReadonlySet<string> = new Set(
  (
    'a an the this that these those it its they their there here when where while if unless because since so but and or ' +
    'on in at of for from to by with without into onto over under after before during every each all any some no not ' +
    "only also always never use using used fix fixed fixes rule known note notes see do does did don't is are was were be been " +
    'has have had we our you your i my he she his her one two three first last then now once until as than via per ' +
    'accepts keeps writes builds moved ships avoids resolves receives buys names uses polyfills existing older new'
  ).split(' '),
);

/** Words too common to be a remembered fact a completion could copy (a note's spans, `noteSpans`). */
export const PROSE_WORDS: ReadonlySet<string> = new Set(
  `a an the of to in on for and or is are be was were been it its with by as at from that this these those than then
  so such not no nor but if when while because since so yet into onto out over under up down off about after before
  which who whom whose what where why how all any each every some many more most other only own same very can could
  should would will may might must do does did done has have had having use uses used using via per e.g i.e also
  instead still now once just both either neither too their there they them we our you your he she his her one two`
    .split(/\s+/)
    .filter(Boolean),
);

/** The eval's answer_recall stop words, as the public set's README defines them (src/eval/evalScore.ts):
 *  a scoring contract, so it never changes with the lists above. */
export const ANSWER_STOP_WORDS: ReadonlySet<string> = new Set(
  'a an the of to in on for and or is are be it its with by as at from that this'.split(' '),
);
