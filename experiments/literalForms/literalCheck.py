# How code in the corpus docs types two kinds of literal their prose wrote (issue 18; the figures are
# in docs/decisions/2026-12-07-literal-forms-in-code.md):
# 1. a number the prose writes with thousands separators ("10,000"): typed in a code block of the
#    same document as "10000" / 10_000, or as "10,000"?
# 2. a quoted phrase of 2-4 words (double quotes or backticks, no prose word at either end): where a
#    code block types its first word, does it go on with the whole phrase?
#
#   node --import tsx -e "import('./src/memory/text/stopWords.ts').then(m => console.log([...m.default.PROSE_WORDS].join(' ')))" > runs/prose.txt
#   python3 experiments/literalForms/literalCheck.py corpus/.cache runs/prose.txt
import collections, os, re, statistics, sys
root = sys.argv[1]
HELD = {'commander', 'kysely', 'ramda', 'query-core'}
files = []
for d, _, fs in os.walk(root):
    if any(h in d.split(os.sep) for h in HELD): continue
    for f in fs:
        if f.lower().endswith(('.md', '.markdown')): files.append(os.path.join(d, f))
fence = re.compile(r'```[^\n]*\n(.*?)```', re.S)
num = re.compile(r'(?<![\w.,])(\d{1,3}(?:,\d{3})+)(?![\w,]|\.\d)')
phrase = re.compile(r'"([^"\n]+)"|`([^`\n]+)`')
prose_words = set(open(sys.argv[2]).read().split()) if len(sys.argv) > 2 else set()
numbers = collections.Counter()
shares = []  # per distinct phrase of a document: share of its first word's code occurrences that go on with it
for path in files:
    text = open(path, errors='replace').read()
    code = '\n'.join(m.group(1) for m in fence.finditer(text))
    prose = fence.sub(' ', text)
    if not code: continue
    for m in set(num.findall(prose)):
        numbers['with_separators_in_prose'] += 1
        plain = m.replace(',', '')
        if re.search(r'(?<![\d,_.])' + re.escape(m) + r'(?![\d,])', code): numbers['typed_with_separators'] += 1
        if re.search(r'(?<![\d,_.])' + plain + r'(?![\d,_])', code) or re.search(r'(?<![\d,_.])' + plain[:-3] + '_' + plain[-3:], code): numbers['typed_plain'] += 1
    for p in set((m.group(1) or m.group(2)).strip() for m in phrase.finditer(prose)):
        ws = p.split()
        if not (2 <= len(ws) <= 4) or ws[0].lower() in prose_words or ws[-1].lower() in prose_words: continue
        hits = list(re.finditer(r'(?<![\w-])' + re.escape(ws[0]) + r'(?![\w-])', code))
        if hits: shares.append((sum(1 for h in hits if code.startswith(p, h.start())) / len(hits), p))
print(len(files), 'docs; numbers', dict(numbers))
print('phrases', len(shares), 'mean share', round(statistics.mean(s for s, _ in shares), 3), 'share>=0.5', sum(1 for s, _ in shares if s >= 0.5))
for s, p in sorted(shares)[::max(1, len(shares) // 25)]: print(round(s, 2), p)
