"""Sparse and dense retrieval on one toy corpus, measured by recall@k and mAP.

Ten one-line documents on three topics (cars, cats, baking). Sparse retrieval
keeps an inverted index (for every word, the documents that contain it and how
often) and scores documents with BM25, written out by hand. Dense retrieval
turns query and documents into vectors and ranks by cosine similarity; its
encoder here is a stand-in for a trained one: each word's vector is its topic's
direction plus noise, so words of one topic point roughly the same way. Each
query has several relevant documents, so both recall@k and average precision
(AP, averaged over queries: mAP) have something to say, and they say different
things.
"""

# %% [markdown]
# The site's bookkeeping, which a reader can skip: the language of the figure labels
# and the folder that the figures and numbers.json go to.

# %%
import json
import os
from pathlib import Path

import matplotlib

LANG = os.environ.get("SNIPPET_LANG", "en")  # language of the figure labels: "zh" or "en"
OUT = Path(os.environ.get("SNIPPET_OUT", "out"))  # where figures and numbers.json go
OUT.mkdir(parents=True, exist_ok=True)
matplotlib.rcParams["font.family"] = ["DejaVu Sans", "Noto Sans CJK SC"]  # Chinese glyphs fall back to Noto


# %%
# --8<-- [start:setup]
import math
from collections import Counter, defaultdict

import torch
import torch.nn.functional as F

torch.manual_seed(0)  # ten documents: the CPU is all this needs

documents = [
    "the car engine needs new oil",  # 0
    "an automobile with a diesel engine and four wheels",  # 1
    "repair the brakes and wheels of your car",  # 2
    "the cat sleeps on the warm sofa",  # 3
    "a kitten plays with the old cat",  # 4
    "feed your cat twice a day",  # 5
    "bake the bread in a hot oven",  # 6
    "the oven heats the dough for bread",  # 7
    "a recipe for sweet bread dough",  # 8
    "the sofa is warm and the kitten sleeps",  # 9
]
STOP_WORDS = {"the", "a", "an", "and", "of", "on", "in", "for", "with", "your", "is"}


def words(text):
    return [w for w in text.lower().split() if w not in STOP_WORDS]


# the queries, each with its relevant documents (the ground truth)
relevant = {"car engine": {0, 1, 2}, "automobile": {0, 1, 2},
            "kitten": {3, 4, 5, 9}, "bread oven": {6, 7, 8}}
print(len(documents), "documents,", len(relevant), "queries")
# --8<-- [end:setup]

# %% [markdown]
# The inverted index: word -> [(document, count)]. A query only touches the lists of its own words.

# %%
# --8<-- [start:index]
doc_words = [words(d) for d in documents]
index = defaultdict(list)
for doc, ws in enumerate(doc_words):
    for word, count in Counter(ws).items():
        index[word].append((doc, count))
doc_length = [len(ws) for ws in doc_words]
average_length = sum(doc_length) / len(doc_length)
print("index['engine'] =", index["engine"])
print("index['cat']    =", index["cat"])
print(len(index), "words in the index")
# --8<-- [end:index]

# %% [markdown]
# BM25: for each query word, a rarity weight (IDF) times a term-frequency part that saturates
# (k1) and is normalised by document length (b).

# %%
# --8<-- [start:bm25]
def bm25(query, k1=1.2, b=0.75):
    """{document: score} for the documents that share a word with the query; no others are touched."""
    n_docs, scores = len(documents), defaultdict(float)
    for word in words(query):
        postings = index.get(word, [])  # empty for a word no document has
        idf = math.log(1 + (n_docs - len(postings) + 0.5) / (len(postings) + 0.5))
        for doc, tf in postings:
            length_norm = 1 - b + b * doc_length[doc] / average_length
            scores[doc] += idf * tf * (k1 + 1) / (tf + k1 * length_norm)
    return dict(scores)


print("BM25 'car engine':", {doc: round(s, 2) for doc, s in bm25("car engine").items()})
print("BM25 'automobile':", {doc: round(s, 2) for doc, s in bm25("automobile").items()})
# --8<-- [end:bm25]

# %% [markdown]
# Dense: a stand-in encoder. Each word's vector is its topic's direction plus noise (a trained
# encoder learns such vectors from data); a text's vector is the mean of its words' vectors.

# %%
# --8<-- [start:dense]
topic_of = {"car": 0, "automobile": 0, "engine": 0, "oil": 0, "diesel": 0, "wheels": 0, "brakes": 0,
            "repair": 0, "cat": 1, "kitten": 1, "sleeps": 1, "sofa": 1, "feed": 1, "plays": 1,
            "bake": 2, "bread": 2, "oven": 2, "dough": 2, "recipe": 2, "heats": 2}
topic_direction = torch.randn(3, 16)
word_vector = {w: 0.6 * torch.randn(16) + (topic_direction[topic_of[w]] if w in topic_of else 0)
               for w in sorted(index)}


def embed(text):
    return torch.stack([word_vector[w] for w in words(text) if w in word_vector]).mean(0)


doc_vectors = F.normalize(torch.stack([embed(d) for d in documents]), dim=1)


def dense(query):
    """{document: cosine similarity} for every document."""
    return dict(enumerate((doc_vectors @ F.normalize(embed(query), dim=0)).tolist()))


print("dense 'automobile':", {doc: round(s, 2) for doc, s in dense("automobile").items()})
# --8<-- [end:dense]

# %% [markdown]
# The metrics. recall@k: the share of a query's relevant documents in its first k results.
# AP: the mean, over the relevant documents, of the precision at the rank where each appears.

# %%
# --8<-- [start:metrics]
def ranking(scores):
    return sorted(scores, key=lambda doc: (-scores[doc], doc))  # best first; ties: lower id first


def recall_at_k(ranked, rel, k):
    return len(set(ranked[:k]) & rel) / len(rel)


def average_precision(ranked, rel):
    hits, precisions = 0, []
    for rank, doc in enumerate(ranked, start=1):
        if doc in rel:
            hits += 1
            precisions.append(hits / rank)  # precision at this rank
    return sum(precisions) / len(rel)


# two rankings of one query with relevant {a, b, c} among 6: same recall@3, different AP
early, late = ["a", "b", "x", "y", "z", "c"], ["x", "a", "b", "y", "z", "c"]
for name, ranked in (("early", early), ("late", late)):
    print(f"{name:5s} recall@3 = {recall_at_k(ranked, {'a', 'b', 'c'}, 3):.3f}"
          f"  AP = {average_precision(ranked, {'a', 'b', 'c'}):.3f}")
# --8<-- [end:metrics]

# %% [markdown]
# Both retrievers on every query: the first five results, recall@3 and AP; then the means.

# %%
# --8<-- [start:compare]
K = 3
results = {}
for method, score in (("BM25", bm25), ("dense", dense)):
    for query, rel in relevant.items():
        ranked = ranking(score(query))
        results[method, query] = (recall_at_k(ranked, rel, K), average_precision(ranked, rel))
        print(f"{method:5s} {query!r:13s} top 5 {ranked[:5]}  relevant {sorted(rel)}"
              f"  recall@{K} {results[method, query][0]:.3f}  AP {results[method, query][1]:.3f}")
mean = {method: [sum(results[method, q][i] for q in relevant) / len(relevant) for i in (0, 1)]
        for method in ("BM25", "dense")}
for method, (mean_recall, mean_ap) in mean.items():
    print(f"{method:5s} mean recall@{K} = {mean_recall:.3f}   mAP = {mean_ap:.3f}")
# --8<-- [end:compare]

# %%
def ap_of(ranked):
    return average_precision(ranked, {"a", "b", "c"})


numbers = {"n_docs": len(documents), "n_queries": len(relevant), "n_words": len(index), "k": K,
           "toy_recall": f"{recall_at_k(early, {'a', 'b', 'c'}, 3):.3f}",
           "toy_ap_early": f"{ap_of(early):.3f}", "toy_ap_late": f"{ap_of(late):.3f}"}
for method in ("BM25", "dense"):
    tag = method.lower()
    numbers[f"{tag}_mean_recall"], numbers[f"{tag}_map"] = (f"{v:.3f}" for v in mean[method])
    for query in relevant:
        q = query.replace(" ", "_")
        numbers[f"{tag}_{q}_recall"], numbers[f"{tag}_{q}_ap"] = (f"{v:.3f}" for v in results[method, query])
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
