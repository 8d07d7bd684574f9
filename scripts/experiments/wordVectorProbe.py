"""Word vectors from corpus co-occurrence (PPMI + truncated SVD) as a meaning-capturing note key
(issue 17 part 3), measured offline: does a question's vector pick its note where the lexical word
bag does not (paraphrases), and does it tell near questions from answerable ones?

    node --import tsx scripts/experiments/wordVectorDump.ts /work/main/corpus OUT ../shared/eval/public ../shared/eval/dev
    python3 scripts/experiments/wordVectorProbe.py OUT [VOCAB=30000] [DIM=128] [WINDOW=4]

No rule for any note or question: vectors come from the corpus alone; notes and questions are the
idf-weighted sums of their words' vectors (the shipped word idf)."""
import json, math, os, sys, time
import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import svds

out = sys.argv[1]
VOCAB = int(os.environ.get('VOCAB', 30000)); DIM = int(os.environ.get('DIM', 128)); WINDOW = int(os.environ.get('WINDOW', 4))
t0 = time.time()
cache = os.path.join(out, f'vectors-{VOCAB}-{DIM}-{WINDOW}.npz')
if os.path.exists(cache):
    z = np.load(cache, allow_pickle=True); words = list(z['words']); vectors = z['vectors']
else:
    counts = {}
    lines = open(os.path.join(out, 'corpus-terms.txt')).read().split('\n')
    for line in lines:
        for w in line.split():
            counts[w] = counts.get(w, 0) + 1
    words = [w for w, c in sorted(counts.items(), key=lambda x: -x[1])[:VOCAB] if c >= 5]
    index = {w: i for i, w in enumerate(words)}
    ids = []
    for line in lines:
        ids.extend(index.get(w, -1) for w in line.split())
        ids.extend([-2] * WINDOW)  # document boundary
    ids = np.array(ids, dtype=np.int32)
    print(f'{len(words)} words, {len(ids)} positions, {time.time()-t0:.0f}s', flush=True)
    V = len(words); M = sp.csr_matrix((V, V), dtype=np.float32)
    for d in range(1, WINDOW + 1):
        a, b = ids[:-d], ids[d:]
        keep = (a >= 0) & (b >= 0)
        a, b = a[keep], b[keep]
        w = np.full(len(a), 1.0 / d, dtype=np.float32)
        C = sp.coo_matrix((w, (a, b)), shape=(V, V)).tocsr()
        M = M + C + C.T
    total = M.sum(); row = np.asarray(M.sum(1)).ravel(); col = np.asarray(M.sum(0)).ravel() ** 0.75; col = col / col.sum()
    M = M.tocoo()
    pmi = np.log(M.data * 1.0 / (row[M.row] / total) / col[M.col] / total)
    keep = pmi > 0
    P = sp.csr_matrix((pmi[keep].astype(np.float32), (M.row[keep], M.col[keep])), shape=(V, V))
    U, S, _ = svds(P, k=DIM)
    vectors = U * np.sqrt(S)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    np.savez(cache, words=np.array(words, dtype=object), vectors=vectors)
    print(f'vectors {vectors.shape}, {time.time()-t0:.0f}s', flush=True)
index = {w: i for i, w in enumerate(words)}

def sem(item):
    v = np.zeros(vectors.shape[1])
    for t, idf in zip(item['terms'], item['idf']):
        i = index.get(t)
        if i is not None and idf > 0: v += idf * vectors[i]
    n = np.linalg.norm(v)
    return v / n if n > 0 else v

def lex(item):
    bag = {}
    for t, idf in zip(item['terms'], item['idf']):
        if idf > 0: bag[t] = bag.get(t, 0) + idf
    n = math.sqrt(sum(x * x for x in bag.values())) or 1
    return {t: x / n for t, x in bag.items()}

def cos_lex(a, b):
    return sum(x * b.get(t, 0) for t, x in a.items())

for data in json.load(open(os.path.join(out, 'eval-terms.json'))):
    notes = data['notes']
    N = np.array([sem(n) for n in notes]); L = [lex(n) for n in notes]
    ids = [n['id'] for n in notes]
    print(f"\n== {data['name']}: right note first (of {len(notes)}), by style")
    rows = []
    for q in data['questions']:
        s = N @ sem(q); l = np.array([cos_lex(lex(q), b) for b in L])
        rows.append((q['style'], ids.index(q['note']), s, l))
    for lam in [None, 0.0, 0.1, 0.2, 0.3, 0.5, 1.0]:
        res = {}
        for style, right, s, l in rows:
            score = s if lam is None else l + lam * s
            res.setdefault(style, []).append(int(np.argmax(score) == right))
        name = 'semantic alone' if lam is None else f'lexical + {lam} x semantic'
        print(f"  {name:26s} " + '  '.join(f"{k} {sum(v)}/{len(v)}" for k, v in sorted(res.items())))
    # The best semantic cosine to any note, by group: does it tell an unanswerable question?
    groups = {}
    for style, right, s, l in rows: groups.setdefault(style, []).append(float(s[right]))
    for u in data['unanswerable']:
        groups.setdefault('un-' + u['style'], []).append(float(np.max(N @ sem(u))))
    print('  semantic cosine (answerable: to its note; unanswerable: best), p25 / p50 / p75')
    for g, xs in groups.items():
        xs = sorted(xs); q = lambda p: xs[int(p * (len(xs) - 1))]
        print(f"    {g:12s} n={len(xs):3d} {q(.25):.3f} / {q(.5):.3f} / {q(.75):.3f}")
print(f'{time.time()-t0:.0f}s')
# NEIGHBOURS=w1,w2: each word's nearest words (a look at what the vectors learned).
for w in filter(None, os.environ.get('NEIGHBOURS', '').split(',')):
    if w not in index: print(f'{w}: not in the vocabulary'); continue
    sims = vectors @ vectors[index[w]]
    print(f"{w}: " + ', '.join(words[i] for i in np.argsort(-sims)[1:11]))
