"""Fits the span ranker: a conditional logit over the candidate spans of a cursor plus "no span",
on the mined cursors (mineSpanCursors.ts), split by package; reports, for show floors on the
probability of the best span, what is shown right and wrong on the mined validation cursors and on
each eval set dumped by spanCheck.ts (DUMP=DIR), beside the hand-written score at its 0.7 floor.

  python3 experiments/spanRanker/fitSpanRanker.py runs/spanRanker [OUT.json]
"""
import json, math, sys, zlib
import numpy as np
from scipy.optimize import minimize

d = sys.argv[1]
out_file = sys.argv[2] if len(sys.argv) > 2 else None

def is_code(t):
    return any(ch.isdigit() for ch in t) or any(ch in t for ch in "_./:-(") or (t[:1].islower() and any(ch.isupper() for ch in t[1:]))

CAND = ['hand', 'around', 'own', 'started', 'overlap', 'codeLike', 'shown', 'cue', 'gate', 'logGate', 'digit', 'length', 'codeText', 'upper']
def cand_features(c):
    t = c['text']
    return [
        math.log1p(c['hand']), math.log1p(c['around']), math.log1p(c['own']), 1.0 if c['overlap'] > 0 else 0.0, min(c['overlap'], 8) / 8,
        1.0 if c['codeLike'] else 0.0, 1.0 if c['shown'] else 0.0, c['cue'], c['gate'], math.log(max(c['gate'], 1e-4)),
        1.0 if any(ch.isdigit() for ch in t) else 0.0, math.log(len(t)), 1.0 if is_code(t) else 0.0, 1.0 if t[:1].isupper() else 0.0,
    ]

LINE = ['endsSpace', 'endsQuote', 'endsOpen', 'endsAssign', 'endsDot', 'inside', 'empty']
def line_features(r):
    line = r['line']
    last = line[-1:] if line else ''
    stripped = line.rstrip()
    lastNS = stripped[-1:] if stripped else ''
    return [
        1.0 if last == ' ' else 0.0, 1.0 if last in '\'"`' else 0.0, 1.0 if last in '([{,' else 0.0,
        1.0 if lastNS in '=:' else 0.0, 1.0 if last == '.' else 0.0, 1.0 if r['inside'] else 0.0, 1.0 if stripped == '' else 0.0,
    ]

NC, NL = len(CAND), len(LINE)
def load(file):
    rows = [json.loads(l) for l in open(file)]
    data = []
    for r in rows:
        X = np.array([cand_features(c) for c in r['candidates']], dtype=float).reshape(-1, NC)
        y = np.array([c['y'] for c in r['candidates']], dtype=float)
        data.append((X, y, np.array(line_features(r)), r))
    return data

def utilities(w, X, L):
    # candidate utility: w_c . x ; "no span": b + w_l . line
    wc, b, wl = w[:NC], w[NC], w[NC + 1:]
    return X @ wc, b + L @ wl

def loss_grad(w, data, l2=1e-3):
    total, g = 0.0, np.zeros_like(w)
    for X, y, L, _ in data:
        u, u0 = utilities(w, X, L)
        allu = np.concatenate([[u0], u])
        m = allu.max()
        p = np.exp(allu - m); p /= p.sum()
        if y.sum() > 0:
            pos = np.concatenate([[0.0], y])
        else:
            pos = np.concatenate([[1.0], np.zeros_like(y)])
        q = pos * np.exp(allu - m); qs = q.sum(); q /= qs
        total -= math.log(qs) + m - (m + math.log(np.exp(allu - m).sum()))
        diff = p - q
        g[:NC] += X.T @ diff[1:] if len(y) else 0
        g[NC] += diff[0]
        g[NC + 1:] += diff[0] * L
    n = len(data)
    return total / n + l2 * (w @ w), g / n + 2 * l2 * w

def best_prob(w, X, L):
    if len(X) == 0:
        return None, 0.0
    u, u0 = utilities(w, X, L)
    allu = np.concatenate([[u0], u]); m = allu.max(); p = np.exp(allu - m); p /= p.sum()
    i = int(np.argmax(u))
    return i, p[1 + i]

def report(name, data, w, floors, hand=0.7):
    n = len(data)
    line = f'{name:>8} n={n:5d} | hand@{hand}: '
    right = wrong = 0
    for X, y, L, r in data:
        cs = r['candidates']
        if cs and cs[0]['hand'] >= hand:
            if cs[0]['y']: right += 1
            else: wrong += 1
    line += f'{right:4d} right {wrong:4d} wrong'
    for f in floors:
        right = wrong = 0
        for X, y, L, r in data:
            i, p = best_prob(w, X, L)
            if i is not None and p >= f:
                if y[i]: right += 1
                else: wrong += 1
        line += f' | p>={f}: {right:4d}/{wrong:<4d}'
    # Ranking alone: cursors with a right candidate whose best candidate is right.
    due = [(X, y, L, r) for X, y, L, r in data if y.sum() > 0]
    hand_first = sum(1 for X, y, L, r in due if r['candidates'][0]['y'])
    learned_first = sum(1 for X, y, L, r in due if y[best_prob(w, X, L)[0]])
    line += f' || right first: hand {hand_first}, learned {learned_first} of {len(due)}'
    print(line)

mined = load(f'{d}/cursors.jsonl')
held = lambda r: zlib.crc32((r['pkg'] if r['pkg'] != 'nodejs-doc' else str(r['pair'])).encode()) % 4 == 0
train = [x for x in mined if not held(x[3])]
valid = [x for x in mined if held(x[3])]
w0 = np.zeros(NC + 1 + NL)
res = minimize(loss_grad, w0, args=(train,), jac=True, method='L-BFGS-B', options={'maxiter': 500})
w = res.x
print(f'train {len(train)} valid {len(valid)} loss {res.fun:.4f} valid loss {loss_grad(w, valid)[0]:.4f}')
for k, v in zip(CAND + ['none'] + ['none.' + l for l in LINE], w):
    print(f'  {k:>14} {v:+.3f}')
floors = [0.3, 0.4, 0.5, 0.6, 0.7]
report('valid', valid, w, floors)
sets = {}
for name in ['public', 'dev', 'a', 'b', 'c']:
    try:
        sets[name] = load(f'{d}/{name}.jsonl')
        report(name, sets[name], w, floors)
    except FileNotFoundError:
        pass
if out_file:
    json.dump({'candidate': dict(zip(CAND, w[:NC].tolist())), 'none': float(w[NC]), 'line': dict(zip(LINE, w[NC + 1:].tolist()))}, open(out_file, 'w'), indent=1)
