"""Trains the note-meaning word vectors (README.md here): corpus PPMI-SVD vectors fine-tuned with a
contrastive loss so a documentation heading lands near its own section and away from the same
document's other sections (hard negatives), then measures them on the eval sets as a note key.

    python3 experiments/noteMeaning/trainNoteMeaning.py PAIRS_DIR PPMI_NPZ [OUT_NPZ]

Env: MODE (free: every word's vector; linear: one D x D map of the PPMI vectors), EPOCHS (4), LR (0.01), TAU (20), REG (1.0, pull towards the PPMI init), DOCS (8 per batch)."""
import json, os, sys, time
import numpy as np
import scipy.sparse as sp
from idfBag import unit_idf_bag

pairs_dir, ppmi_path = sys.argv[1], sys.argv[2]
out_path = sys.argv[3] if len(sys.argv) > 3 else None
EPOCHS = int(os.environ.get('EPOCHS', 4)); LR = float(os.environ.get('LR', 0.01)); TAU = float(os.environ.get('TAU', 20))
MODE = os.environ.get('MODE', 'free')
REG = float(os.environ.get('REG', 1.0)); DOCS = int(os.environ.get('DOCS', 8)); SEED = 17
rng = np.random.default_rng(SEED)
t0 = time.time()
z = np.load(ppmi_path, allow_pickle=True)
words = list(z['words']); E0 = z['vectors'].astype(np.float32)
index = {w: i for i, w in enumerate(words)}
idf = json.load(open(os.path.join(pairs_dir, 'idf.json')))
V, D = E0.shape

def row(terms):
    """A text's idf-weighted term counts over the vocabulary (words without a vector left out)."""
    r = {}
    for t in terms:
        i = index.get(t)
        if i is not None and idf.get(t, 0) > 0: r[i] = r.get(i, 0) + idf[t]
    return r

def matrix(rows):
    data, cols, ptr = [], [], [0]
    for r in rows:
        cols.extend(r.keys()); data.extend(r.values()); ptr.append(len(cols))
    return sp.csr_matrix((np.array(data, np.float32), np.array(cols, np.int64), np.array(ptr)), shape=(len(rows), V))

docs = [json.loads(l) for l in open(os.path.join(pairs_dir, 'pairs.jsonl'))]
rng.shuffle(docs)
val_docs, train_docs = docs[: len(docs) // 10], docs[len(docs) // 10 :]
def doc_batch(ds):
    qs, ps, doc_of = [], [], []
    for k, d in enumerate(ds):
        for s in d['sections']:
            q, p = row(s['q']), row(s['p'])
            if q and p: qs.append(q); ps.append(p); doc_of.append(k)
    return matrix(qs), matrix(ps), np.array(doc_of)

def unit(X):
    n = np.linalg.norm(X, axis=1, keepdims=True) + 1e-9
    return X / n, n

def same_doc_top1(E, ds):
    """Share of headings whose own section is the best of their document's sections."""
    right = total = 0
    for d in ds:
        Q, P, _ = doc_batch([d])
        if Q.shape[0] < 2: continue
        S = unit(Q @ E)[0] @ unit(P @ E)[0].T
        right += int((S.argmax(1) == np.arange(Q.shape[0])).sum()); total += Q.shape[0]
    return right / max(total, 1)

# ---- the eval sets as a note key: ranking and answerability
sets = json.load(open(os.path.join(pairs_dir, 'eval-terms.json')))
def lex(terms): return unit_idf_bag(terms, idf)
def sem(E, terms):
    r = row(terms)
    v = np.zeros(D, np.float32)
    for i, x in r.items(): v += x * E[i]
    n = np.linalg.norm(v)
    return v / n if n > 0 else v
def soft_cover(E, qterms, nterms):
    """Idf-weighted mean over the question's words of the best cosine to a note word (1 if shared)."""
    nt = set(nterms); nv = [index[t] for t in nt if t in index]
    M = E[nv] / (np.linalg.norm(E[nv], axis=1, keepdims=True) + 1e-9) if nv else None
    num = den = 0.0
    for t in set(qterms):
        w = idf.get(t, 0)
        if w <= 0: continue
        if t in nt: c = 1.0
        elif t in index and M is not None:
            e = E[index[t]]; c = float(max(0.0, (M @ (e / (np.linalg.norm(e) + 1e-9))).max()))
        else: c = 0.0
        num += w * c; den += w
    return num / den if den else 0.0

def auc(pos, neg):
    pos, neg = np.array(pos), np.array(neg)
    if len(pos) == 0 or len(neg) == 0: return float('nan')
    return float(((pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()) / (len(pos) * len(neg)))

def evaluate(E, label):
    print(f'-- {label}: same-doc top-1 val {same_doc_top1(E, val_docs):.3f}', flush=True)
    for data in sets:
        notes = data['notes']; ids = [n['id'] for n in notes]
        N = np.array([sem(E, n['terms']) for n in notes]); L = [lex(n['terms']) for n in notes]
        res = {}
        groups = {}
        for q in data['questions']:
            s = N @ sem(E, q['terms']); lq = lex(q['terms']); l = np.array([sum(x * b.get(t, 0) for t, x in lq.items()) for b in L])
            right = ids.index(q['note'])
            for lam in (0.0, 0.3, 0.5, 1.0):
                res.setdefault(lam, {}).setdefault(q['style'], []).append(int(np.argmax(l + lam * s) == right))
            res.setdefault('sem', {}).setdefault(q['style'], []).append(int(np.argmax(s) == right))
            groups.setdefault(q['style'], []).append((float(s[right]), soft_cover(E, q['terms'], notes[right]['terms'])))
            # leave-one-out: the best other note ("near" by construction)
            o = l + 0.3 * s; o[right] = -9; b = int(np.argmax(o))
            groups.setdefault('out', []).append((float(s[b]), soft_cover(E, q['terms'], notes[b]['terms'])))
        for u in data['unanswerable']:
            s = N @ sem(E, u['terms']); lq = lex(u['terms']); l = np.array([sum(x * b.get(t, 0) for t, x in lq.items()) for b in L])
            b = int(np.argmax(l + 0.3 * s))
            groups.setdefault('un-' + u['style'], []).append((float(s[b]), soft_cover(E, u['terms'], notes[b]['terms'])))
        line = '  '.join(f"{k}: " + ' '.join(f"{st[:4]} {sum(v)}/{len(v)}" for st, v in sorted(r.items())) for k, r in res.items())
        print(f"   {data['name']} top-1  {line}")
        for f, name in ((0, 'cos'), (1, 'cover')):
            med = ' '.join(f"{g} {np.median([x[f] for x in xs]):.2f}" for g, xs in groups.items())
            ans = [x[f] for g in ('paraphrase',) for x in groups.get(g, [])]
            unans = [x[f] for g in ('out', 'un-near') for x in groups.get(g, [])]
            print(f"   {data['name']} {name}: median {med} | AUC para vs out+near {auc(ans, unans):.3f}")

evaluate(E0, 'PPMI init')
E = E0.copy(); W = np.eye(D, dtype=np.float32)
theta = W if MODE == 'linear' else E
m = np.zeros_like(theta); v = np.zeros_like(theta); step = 0
for epoch in range(EPOCHS):
    order = rng.permutation(len(train_docs)); losses = []
    for b in range(0, len(order), DOCS):
        Q, P, doc_of = doc_batch([train_docs[i] for i in order[b : b + DOCS]])
        n = Q.shape[0]
        if n < 2: continue
        Qe, Pe = Q @ E, P @ E
        Qn, qn = unit(Qe); Pn, pn = unit(Pe)
        S = TAU * (Qn @ Pn.T)
        S -= S.max(1, keepdims=True); Pr = np.exp(S); Pr /= Pr.sum(1, keepdims=True)
        losses.append(float(-np.log(Pr[np.arange(n), np.arange(n)] + 1e-12).mean()))
        G = Pr.copy(); G[np.arange(n), np.arange(n)] -= 1; G *= TAU / n
        dQn = G @ Pn; dPn = G.T @ Qn
        dQ = (dQn - Qn * (dQn * Qn).sum(1, keepdims=True)) / qn
        dP = (dPn - Pn * (dPn * Pn).sum(1, keepdims=True)) / pn
        grad = np.asarray(Q.T @ dQ + P.T @ dP)
        if MODE == 'linear': grad = E0.T @ grad + REG * 1e-3 * (W - np.eye(D, dtype=np.float32))
        else: grad = grad + REG * 1e-3 * (E - E0)
        step += 1; m = 0.9 * m + 0.1 * grad; v = 0.999 * v + 0.001 * grad * grad
        theta -= LR * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
        if MODE == 'linear': E = E0 @ W
    print(f'epoch {epoch + 1}: loss {np.mean(losses):.3f}, {time.time() - t0:.0f}s', flush=True)
    evaluate(E, f'epoch {epoch + 1}')
if out_path:
    np.savez(out_path, words=np.array(words, dtype=object), vectors=E)
    print(f'saved {out_path}')
