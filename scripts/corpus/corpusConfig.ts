// The fixed choices that define the corpus: which packages are held out, caps, seed, paths.
// Changing any of them changes the corpus (and its sha256s in corpus/manifest.json).

/** Whole packages kept out of training, for held-out loss (all versions of these names). */
export const HELD_OUT_PACKAGES: readonly string[] = ['@tanstack/query-core', 'commander', 'kysely', 'ramda'];

/** No package may give more than this share of the training code and docs bytes. */
export const PACKAGE_SHARE_CAP = 0.08;

/** No package may give more than this many question/answer examples... */
export const PACKAGE_QA_CAP = 4_000;

/** ...except these, whose docs are dense API references worth more questions. */
export const PACKAGE_QA_CAP_OVERRIDES: Readonly<Record<string, number>> = { 'nodejs-doc': 12_000 };

/** Share of note-conditioned examples that get one or two unrelated notes beside the right one. */
export const DISTRACTOR_SHARE = 0.5;

/** Seed for every random choice (template wording, caps, shuffles). */
export const CORPUS_SEED = 20_260_401;

/** Output folder, relative to the repository root (git-ignored). */
export const CORPUS_DIR = 'corpus';

/** Where the pinned packages are installed, relative to the repository root (git-ignored). */
export const PACKAGE_CACHE_DIR = 'corpus/.cache/npm';

/** Where Debian doc packages are downloaded and unpacked, relative to the repository root (git-ignored). */
export const DEBIAN_CACHE_DIR = 'corpus/.cache/debian';

/** The pinned package list and lockfile, relative to the repository root. */
export const PACKAGE_LIST_DIR = 'scripts/corpus/packages';
