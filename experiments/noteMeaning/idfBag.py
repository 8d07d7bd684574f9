"""A text's lexical key for the probes here: its terms' idf summed per term (terms without idf left
out), scaled to unit length, so that a dot product of two bags is their cosine."""
import math


def unit_idf_bag(terms, idf):
    b = {}
    for t in terms:
        if idf.get(t, 0) > 0: b[t] = b.get(t, 0) + idf[t]
    n = math.sqrt(sum(x * x for x in b.values())) or 1
    return {t: x / n for t, x in b.items()}
