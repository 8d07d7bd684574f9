// Texts of a question whose reads also count towards its citations, besides the question as asked:
// the lowercased question. The footprint of a note counts the reads of its lowercased renderings
// (footprintRenderings.ts); a question read both ways meets it on both, so "Retry" and "retry",
// at the start of a sentence or inside it, cite alike. Nothing here is generated from or answered.
//
// Measured with citationScoring.ts (git history, scripts/experiments/; docs/decisions) (the service's scoring, shipped model),
// provenance@1 / @3 of the question's reads, then of those plus its lowercased rendering's:
//   public set (45 notes, 81 questions)        0.617 / 0.753  ->  0.691 / 0.790
//   1,000 generated notes (200 asked)          0.930 / 0.970  ->  0.935 / 0.975

/** The question's other renderings for citations (none when it has no capitals). */
export function questionRenderings(question: string): string[] {
  const text = question.replace(/\s+/g, ' ').trim();
  const lower = text.toLowerCase();
  return lower === text ? [] : [lower];
}
