"""Contrastive learning: the InfoNCE loss from cosine similarity and cross-entropy.

Two views of the same object are a positive pair; a view of any other object
in the batch is a negative. InfoNCE divides the cosine similarities by a
temperature τ and asks a softmax over the candidates to pick the positive:
it is cross-entropy with the positive as the correct class. Below: a tiny
example of positives and negatives, a vectorised loss that equals a plain
loop, the loss of random embeddings against ln(batch size), and what τ does.
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

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
numbers = {}
# --8<-- [end:setup]

# %% [markdown]
# A tiny example: four objects, two noisy views of each (think of two augmentations
# of one photo). Object 1 resembles object 0, so it is a hard negative for it.

# %%
# --8<-- [start:tiny]
objects = torch.randn(4, 8, device=device)
objects[1] = objects[0] + 0.6 * torch.randn(8, device=device)  # 1 looks like 0
view_1 = objects + 0.25 * torch.randn(4, 8, device=device)
view_2 = objects + 0.25 * torch.randn(4, 8, device=device)

similarity = F.normalize(view_1, dim=1) @ F.normalize(view_2, dim=1).T
print("cosine similarity, rows: view 1 of object i, columns: view 2 of object j")
print(similarity.cpu().numpy().round(2))
# --8<-- [end:tiny]
numbers["tiny_pos_00"] = f"{similarity[0, 0].item():.2f}"
numbers["tiny_hard_01"] = f"{similarity[0, 1].item():.2f}"
numbers["tiny_easy_02"] = f"{similarity[0, 2].item():.2f}"

# %%
TEXT = {
    "zh": {"title": "余弦相似度（对角线为正样本对）", "rows": "物体 i 的视图 1", "cols": "物体 j 的视图 2",
           "names": ["猫", "狗", "汽车", "树"]},
    "en": {"title": "Cosine similarity (diagonal: positive pairs)", "rows": "view 1 of object i",
           "cols": "view 2 of object j", "names": ["cat", "dog", "car", "tree"]},
}[LANG]
fig, ax = plt.subplots(figsize=(4.6, 4.0))
image = ax.imshow(similarity.cpu().numpy(), cmap="RdBu_r", vmin=-1, vmax=1)
for i in range(4):
    for j in range(4):
        value = similarity[i, j].item()
        ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=10,
                color="white" if abs(value) > 0.6 else "black",  # legible on dark cells
                fontweight="bold" if i == j else "normal")
    ax.add_patch(plt.Rectangle((i - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="black", linewidth=2))
ax.set_xticks(range(4), TEXT["names"])
ax.set_yticks(range(4), TEXT["names"])
ax.set(title=TEXT["title"], xlabel=TEXT["cols"], ylabel=TEXT["rows"])
ax.title.set_fontsize(10)
fig.colorbar(image, ax=ax, shrink=0.8)
fig.tight_layout()
fig.savefig(OUT / "similarity.svg")

# %% [markdown]
# The loss, vectorised: row i of the similarity matrix holds anchor i against every
# candidate; the positive sits in column i, so the "class" of row i is i.

# %%
# --8<-- [start:info_nce]
def info_nce(anchors, candidates, temperature):
    """Row i: anchors[i] against all candidates; candidates[i] is its positive."""
    anchors = F.normalize(anchors, dim=1)  # unit length: dot product = cosine
    candidates = F.normalize(candidates, dim=1)
    logits = anchors @ candidates.T / temperature  # (N, N) cosines / τ
    targets = torch.arange(len(anchors), device=anchors.device)  # row i: column i
    return F.cross_entropy(logits, targets)
# --8<-- [end:info_nce]

# %% [markdown]
# The tiny example's loss: with the views paired correctly, and with the second views
# shuffled so that each row's "positive" is another object.

# %%
# --8<-- [start:tiny_loss]
shuffled = view_2[[2, 3, 0, 1]]
print(f"loss, paired correctly: {info_nce(view_1, view_2, 0.1).item():.3f}")
print(f"loss, view 2 shuffled:  {info_nce(view_1, shuffled, 0.1).item():.3f}")
# --8<-- [end:tiny_loss]
numbers["tiny_loss"] = f"{info_nce(view_1, view_2, 0.1).item():.3f}"
numbers["tiny_loss_shuffled"] = f"{info_nce(view_1, shuffled, 0.1).item():.3f}"

# %% [markdown]
# The same loss written as a plain loop over anchors, in float64 Python arithmetic.

# %%
# --8<-- [start:loop]
def info_nce_loop(anchors, candidates, temperature):
    total = 0.0
    for i in range(len(anchors)):
        sims = [F.cosine_similarity(anchors[i], c, dim=0).item() / temperature
                for c in candidates]
        p_positive = math.exp(sims[i]) / sum(math.exp(s) for s in sims)
        total += -math.log(p_positive)
    return total / len(anchors)


max_diff = 0.0
for trial in range(5):
    a, b = torch.randn(16, 32, device=device), torch.randn(16, 32, device=device)
    for t in (1.0, 0.1):
        diff = abs(info_nce(a, b, t).item() - info_nce_loop(a, b, t))
        max_diff = max(max_diff, diff)
print(f"max |vectorised - loop| over 10 cases: {max_diff:.1e}")
# --8<-- [end:loop]
numbers["loop_max_diff"] = f"{max_diff:.1e}"

# %% [markdown]
# Random embeddings: nothing is learned, so the positive is one guess among N.
# The loss then sits at ln N (a little above it when τ is small).

# %%
# --8<-- [start:random]
dim, batch_sizes, temperatures = 128, [4, 16, 64, 256, 1024], [1.0, 0.5, 0.1]
random_loss = {}
for t in temperatures:
    for n in batch_sizes:
        draws = [info_nce(torch.randn(n, dim, device=device),
                          torch.randn(n, dim, device=device), t)
                 for _ in range(50)]
        random_loss[t, n] = torch.stack(draws).mean().item()
for n in batch_sizes:
    row = "  ".join(f"τ={t}: {random_loss[t, n]:.3f}" for t in temperatures)
    print(f"N={n:5}  ln N = {math.log(n):.3f}  {row}")
# --8<-- [end:random]
for n in batch_sizes:
    numbers[f"log_{n}"] = f"{math.log(n):.3f}"
    for t in temperatures:
        numbers[f"random_{n}_t{str(t).replace('.', '')}"] = f"{random_loss[t, n]:.3f}"

# %% [markdown]
# The temperature: the softmax over the four candidates of the cat's first view.
# A small τ sharpens it, and the negatives' share of the gradient moves onto the hard one.

# %%
# --8<-- [start:temperature]
taus = [1.0, 0.5, 0.1, 0.05]
probabilities = {}
for tau in taus:
    p = torch.softmax(similarity[0] / tau, dim=0)  # row 0: the cat's view 1
    probabilities[tau] = p
    # d loss / d logit_j = p_j for a negative j: pushed away in proportion to p_j
    hard_share = p[1] / p[1:].sum()
    print(f"τ={tau:<4} p = {p.cpu().numpy().round(3)}",
          f"loss = {-p[0].log().item():.3f}",
          f"dog's share of the push = {hard_share.item():.3f}")
# --8<-- [end:temperature]
for tau in taus:
    key = str(tau).replace(".", "")
    p = probabilities[tau]
    numbers[f"p_pos_t{key}"] = f"{p[0].item():.3f}"
    numbers[f"hard_share_t{key}"] = f"{(p[1] / p[1:].sum()).item():.3f}"
    numbers[f"anchor_loss_t{key}"] = f"{-p[0].log().item():.3f}"

# %%
TEXT = {
    "zh": {"left": "随机嵌入的 InfoNCE 损失", "n": "批大小 N", "loss": "损失", "logn": "ln N",
           "right": "温度 τ 对 softmax 的作用（锚点：猫）", "p": "softmax 概率", "tau": "τ",
           "names": ["猫\n（正样本）", "狗\n（难负样本）", "汽车", "树"]},
    "en": {"left": "InfoNCE of random embeddings", "n": "batch size N", "loss": "loss", "logn": "ln N",
           "right": "What τ does to the softmax (anchor: cat)", "p": "softmax probability", "tau": "τ",
           "names": ["cat\n(positive)", "dog\n(hard neg.)", "car", "tree"]},
}[LANG]
fig, (ax_n, ax_t) = plt.subplots(1, 2, figsize=(8.6, 3.6))
ax_n.plot(batch_sizes, [math.log(n) for n in batch_sizes], color="black", linestyle="--", label=TEXT["logn"])
for temperature, marker in zip(temperatures, "osd"):
    ax_n.plot(batch_sizes, [random_loss[temperature, n] for n in batch_sizes], marker=marker,
              label=f"τ = {temperature}")
ax_n.set_xscale("log", base=2)
ax_n.set_xticks(batch_sizes, [str(n) for n in batch_sizes])
ax_n.set(title=TEXT["left"], xlabel=TEXT["n"], ylabel=TEXT["loss"])
ax_n.legend(fontsize=8)

width = 0.2
for k, tau in enumerate(taus):
    ax_t.bar(np.arange(4) + (k - 1.5) * width, probabilities[tau].cpu().numpy(), width, label=f"τ = {tau}")
ax_t.set_xticks(range(4), TEXT["names"], fontsize=9)
ax_t.set(title=TEXT["right"], ylabel=TEXT["p"], ylim=(0, 1))
ax_t.legend(fontsize=8)
fig.tight_layout()
fig.savefig(OUT / "random_and_temperature.svg")

# %%
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
