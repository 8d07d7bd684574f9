"""The shipped chat gate (noteSlots.ts `gates`, chat purpose: cosine x length factor, BM25 penalty,
softmax beside a sink, floor) simulated on the eval sets' questions at the answer's first position,
with an optional meaning term lam x (vector cosine - mu) added to each note's score (the `adjust`
hook), and the answer/abstain decision (answerSupport.ts, answerGate 0.15). Prints, per setting:
answerable questions whose right note is the best gate >= answerGate ("reach"), false abstentions by
style, and abstentions on near (dev unanswerable), general and leave-one-note-out questions.

    python3 experiments/noteMeaning/gateProbe.py PAIRS_DIR VECTORS_NPZ [lam,mu ...]

Env: ANSWER (the answer gate, 0.15), MARGIN (also abstain when the best gate leads the second by
less), SHARED_SUM (also abstain when the shared words' idfs sum to less: the shipped rule at 6),
SHARED_IDF (the same with the largest shared idf instead of the sum)."""
import json, math, os, sys
import numpy as np

pairs_dir, vec_path = sys.argv[1], sys.argv[2]
settings = [tuple(map(float, a.split(','))) for a in sys.argv[3:]] or [(0, 0)]
z = np.load(vec_path, allow_pickle=True); words = list(z['words']); E = z['vectors'].astype(np.float32)
index = {w: i for i, w in enumerate(words)}
idf = json.load(open(os.path.join(pairs_dir, 'idf.json')))
SHARP, SINK, FLOOR, NORM_POWER, REF_NORM, BM25W, ANSWER = 20, 0.1, 0.05, 0.75, 25, 0.3, float(os.environ.get('ANSWER', 0.15))

def bag(terms):
    c = {}
    for t in terms: c[t] = c.get(t, 0) + 1
    b = {t: n * idf.get(t, 0) for t, n in c.items() if idf.get(t, 0) > 0}
    norm = math.sqrt(sum(x * x for x in b.values()))
    return ({t: x / norm for t, x in b.items()} if norm else {}), norm
def sem(terms):
    v = np.zeros(E.shape[1], np.float32)
    for t in terms:
        if t in index and idf.get(t, 0) > 0: v += idf[t] * E[index[t]]
    n = np.linalg.norm(v); return v / n if n > 0 else v

class Memory:
    def __init__(self, notes):
        self.notes = [(n['id'],) + bag(n['terms']) + (sem(n['terms']),) for n in notes]
        self.df = {}; self.total = 0
        for _, b, _, _ in self.notes:
            for t in b: self.df[t] = self.df.get(t, 0) + 1
            self.total += len(b)
    def gates(self, qterms, lam, mu):
        qb, _ = bag(qterms); qs = sem(qterms)
        scores = []
        for nid, b, norm, s in self.notes:
            cos = sum(x * b.get(t, 0) for t, x in qb.items())
            scores.append([nid, cos * (norm / REF_NORM) ** (1 - NORM_POWER) + lam * (float(qs @ s) - mu), b])
        n = len(self.notes); avg = self.total / n
        gated = [s for s in scores if s[1] >= FLOOR]
        bm = []
        for nid, _, b in gated:
            sc = 0.0
            for t in qb:
                if t in b:
                    df = self.df.get(t, 0); rel = len(b) / avg
                    sc += math.log(1 + (n - df + 0.5) / (df + 0.5)) * 2.2 / (1 + 1.2 * (0.25 + 0.75 * rel))
            bm.append(sc)
        best = max([0.0] + bm)
        for s, sc in zip(gated, bm): s[1] -= BM25W * (1 - (sc / best if best > 0 else 1))
        mx = max([SINK] + [s[1] for s in scores])
        total = math.exp(SHARP * (SINK - mx)) + sum(math.exp(SHARP * (s[1] - mx)) for s in scores)
        return {s[0]: math.exp(SHARP * (s[1] - mx)) / total for s in scores if s[1] >= FLOOR}

MARGIN = float(os.environ.get('MARGIN', 0))  # also abstain when the best gate leads the second by less
SHARED_SUM = float(os.environ.get('SHARED_SUM', 0))  # also abstain when the shared words' idfs sum to less
SHARED_IDF = float(os.environ.get('SHARED_IDF', 0))  # also abstain when no shared word has this idf
def decide(g, qterms=()):
    if not g: return None
    ranked = sorted(g.items(), key=lambda x: -x[1])
    nid, v = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if SHARED_SUM > 0 and sum(idf.get(t, 0) for t in set(qterms) if t in NOTE_TERMS[nid]) < SHARED_SUM: return None
    if SHARED_IDF > 0 and max([idf.get(t, 0) for t in set(qterms) if t in NOTE_TERMS[nid]] + [0]) < SHARED_IDF: return None
    return nid if v >= ANSWER and v - second >= MARGIN else None

NOTE_TERMS = {}
for data in json.load(open(os.path.join(pairs_dir, 'eval-terms.json'))):
    NOTE_TERMS.update({n['id']: set(n['terms']) for n in data['notes']})
    full = Memory(data['notes'])
    held = {n['id']: Memory([m for m in data['notes'] if m['id'] != n['id']]) for n in data['notes'] if n['asked']}
    for lam, mu in settings:
        reach, fa, ab = {}, {}, {}
        for q in data['questions']:
            d = decide(full.gates(q['terms'], lam, mu), q['terms'])
            reach.setdefault(q['style'], []).append(d == q['note'])
            fa.setdefault(q['style'], []).append(d is None)
            ab.setdefault('out', []).append(decide(held[q['note']].gates(q['terms'], lam, mu), q['terms']) is None)
        for u in data['unanswerable']:
            ab.setdefault(u['style'], []).append(decide(full.gates(u['terms'], lam, mu), u['terms']) is None)
        fmt = lambda r: ' '.join(f"{k[:4]} {np.mean(v):.2f}" for k, v in sorted(r.items()))
        print(f"{data['name']:6s} lam {lam:.2f} mu {mu:.2f} | reach {' '.join(f'{k[:4]} {sum(v)}/{len(v)}' for k, v in sorted(reach.items()))} | false abstain {fmt(fa)} | abstain {fmt(ab)}", flush=True)
