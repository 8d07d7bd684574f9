"""Can word-level features tell an answerable question (to its note) from a near one (the best note
of a question no note answers: dev's unanswerable.jsonl, and leave-one-note-out on both sets)?
A logistic model over per-(question, best note) features, fitted on the mined corpus pairs
(heading -> own section vs the same document's best other section) or on public, checked on dev.

    python3 experiments/noteMeaning/answerabilityProbe.py PAIRS_DIR VECTORS_NPZ"""
import json, math, os, sys
import numpy as np
from idfBag import unit_idf_bag

pairs_dir, vec_path = sys.argv[1], sys.argv[2]
z = np.load(vec_path, allow_pickle=True); words = list(z['words']); E = z['vectors'].astype(np.float32)
E = E / (np.linalg.norm(E, axis=1, keepdims=True) + 1e-9)
index = {w: i for i, w in enumerate(words)}
idf = json.load(open(os.path.join(pairs_dir, 'idf.json')))

def lex(terms): return unit_idf_bag(terms, idf)
def sem(terms):
    v = np.zeros(E.shape[1], np.float32)
    for t in terms:
        if t in index and idf.get(t, 0) > 0: v += idf[t] * E[index[t]]
    n = np.linalg.norm(v); return v / n if n > 0 else v

def features(q, n):
    lq, ln = lex(q), lex(n)
    cos = sum(x * ln.get(t, 0) for t, x in lq.items())
    s = float(sem(q) @ sem(n))
    nt = set(n); nv = [index[t] for t in nt if t in index]; M = E[nv] if nv else None
    num = den = miss = missmax = 0.0
    for t in set(q):
        w = idf.get(t, 0)
        if w <= 0: continue
        if t in nt: c = 1.0
        elif t in index and M is not None: c = float(max(0.0, (M @ E[index[t]]).max()))
        else: c = 0.0
        num += w * c; den += w
        if t not in nt: miss += w; missmax = max(missmax, w)
    return [cos, s, num / den if den else 0, miss / den if den else 1, missmax / 10, math.log1p(den) / 5]
NAMES = ['lexcos', 'semcos', 'softcover', 'missshare', 'missmax', 'qmass']

def best(qterms, notes, exclude=None):
    sc = []
    for i, n in enumerate(notes):
        if i == exclude: sc.append(-9); continue
        lq, ln = lex(qterms), lex(n)
        sc.append(sum(x * ln.get(t, 0) for t, x in lq.items()) + 0.3 * float(sem(qterms) @ sem(n)))
    return int(np.argmax(sc))

def eval_rows(data):
    notes = [n['terms'] for n in data['notes']]; ids = [n['id'] for n in data['notes']]
    X, y, g = [], [], []
    for q in data['questions']:
        r = ids.index(q['note'])
        X.append(features(q['terms'], notes[r])); y.append(1); g.append(q['style'])
        b = best(q['terms'], notes, exclude=r)
        X.append(features(q['terms'], notes[b])); y.append(0); g.append('out')
    for u in data['unanswerable']:
        b = best(u['terms'], notes)
        X.append(features(u['terms'], notes[b])); y.append(0); g.append('un-' + u['style'])
    return np.array(X), np.array(y), g

def mined_rows(limit=3000):
    X, y = [], []
    for line in open(os.path.join(pairs_dir, 'pairs.jsonl')):
        d = json.loads(line); secs = d['sections']
        for i, s in enumerate(secs):
            X.append(features(s['q'], s['p'])); y.append(1)
            b = best(s['q'], [t['p'] for t in secs], exclude=i)
            X.append(features(s['q'], secs[b]['p'])); y.append(0)
        if len(X) >= limit: break
    return np.array(X), np.array(y)

def fit(X, y, l2=1e-2, steps=3000):
    mu, sd = X.mean(0), X.std(0) + 1e-9; Z = (X - mu) / sd
    w = np.zeros(Z.shape[1]); b = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(Z @ w + b))); gw = Z.T @ (p - y) / len(y) + l2 * w; gb = (p - y).mean()
        w -= 0.5 * gw; b -= 0.5 * gb
    return lambda X: ((X - mu) / sd) @ w + b, w

def auc(pos, neg):
    pos, neg = np.array(pos), np.array(neg)
    return float(((pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()) / (len(pos) * len(neg)))

def report(name, score, data_rows, thr_from=None):
    X, y, g = data_rows; s = score(X)
    para = [v for v, gg in zip(s, g) if gg == 'paraphrase']; unans = [v for v, gg in zip(s, g) if gg in ('out', 'un-near')]
    direct = sorted(v for v, gg in zip(s, g) if gg == 'direct')
    t = thr_from if thr_from is not None else direct[int(0.1 * len(direct))]  # 10% of direct abstain
    rate = lambda grp: np.mean([v < t for v, gg in zip(s, g) if gg == grp]) if any(gg == grp for gg in g) else float('nan')
    print(f"  {name}: AUC para vs out+near {auc(para, unans):.3f}; at t={t:.2f}: abstain " + ' '.join(f"{k} {rate(k):.2f}" for k in ('direct', 'paraphrase', 'indirect', 'out', 'un-near', 'un-general')))
    return t

sets = {d['name']: d for d in json.load(open(os.path.join(pairs_dir, 'eval-terms.json')))}
rows = {k: eval_rows(v) for k, v in sets.items()}
for i, nm in enumerate(NAMES):
    for k in rows: report(f'{k} {nm} alone', lambda X, i=i: X[:, i], rows[k])
Xm, ym = mined_rows()
sm, wm = fit(Xm, ym); print('mined-fit weights', dict(zip(NAMES, np.round(wm, 2))))
t = report('public, fit on mined pairs', sm, rows['public']); report('dev, fit on mined pairs (public threshold)', sm, rows['dev'], t)
Xp, yp, _ = rows['public']; sp_, wp = fit(Xp, yp); print('public-fit weights', dict(zip(NAMES, np.round(wp, 2))))
t = report('public, fit on public', sp_, rows['public']); report('dev, fit on public (public threshold)', sp_, rows['dev'], t)
