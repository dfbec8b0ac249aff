"""Retrieval with embeddings: cosine similarity, top-k, recall@k, and contrastive training.

A synthetic "image–text" set: each item has a hidden description s (8 numbers);
its "image" is one random nonlinear view of s (64 values), its "caption"
another (48 values), both with much noise, so that a caption fits its own
image best but not by far. Two small encoders map images and captions
into one 16-dimensional space. A caption is the query; the images are the
gallery; the hit is the image of the same item. Untrained encoders retrieve
at chance; 300 steps of the symmetric InfoNCE loss (as in CLIP)
pull each pair together and push the others apart.
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
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from torch import nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
torch.set_num_threads(1)  # tiny networks: extra CPU threads cost more than they save

# %%
to_image, to_caption = torch.randn(8, 64, device=device), torch.randn(8, 48, device=device)


def make_pairs(n):
    hidden = torch.randn(n, 8, device=device)
    images = torch.tanh(hidden @ to_image / 2) + 0.7 * torch.randn(n, 64, device=device)
    captions = torch.tanh(hidden @ to_caption / 2) + 0.7 * torch.randn(n, 48, device=device)
    return images, captions


train_images, train_captions = make_pairs(4000)
test_images, test_captions = make_pairs(500)  # the gallery and the queries
print("gallery:", tuple(test_images.shape), " queries:", tuple(test_captions.shape))
# --8<-- [end:setup]

# %% [markdown]
# Retrieval itself: normalise, one matrix product for all cosine similarities, top-k.

# %%
# --8<-- [start:retrieve]
def top_k(queries, gallery, k):
    """For each query, the indices of the k most similar gallery items."""
    similarity = F.normalize(queries, dim=1) @ F.normalize(gallery, dim=1).T
    return similarity.topk(k, dim=1).indices


def recall_at_k(queries, gallery, k):
    """Share of queries with their match (item i for query i) in the top k."""
    truth = torch.arange(len(queries), device=queries.device).unsqueeze(1)
    return (top_k(queries, gallery, k) == truth).any(dim=1).float().mean().item()
# --8<-- [end:retrieve]

# %% [markdown]
# Two encoders into one 16-dimensional space, and recall@k of captions against images.

# %%
# --8<-- [start:encoders]
def encoder(n_in):
    return nn.Sequential(nn.Linear(n_in, 64), nn.ReLU(),
                         nn.Linear(64, 16)).to(device)


image_encoder, caption_encoder = encoder(64), encoder(48)
parameters = [*image_encoder.parameters(), *caption_encoder.parameters()]
optimizer = torch.optim.Adam(parameters, lr=2e-3)
temperature, ks, train_steps = 0.1, (1, 5, 10), 300


def evaluate():
    with torch.no_grad():
        queries = caption_encoder(test_captions)
        gallery = image_encoder(test_images)
        return {k: recall_at_k(queries, gallery, k) for k in ks}


curve = {0: evaluate()}
print("before training:", {f"R@{k}": round(r, 3) for k, r in curve[0].items()})
with torch.no_grad():
    top5_before = top_k(caption_encoder(test_captions), image_encoder(test_images), 5)  # every caption's
# --8<-- [end:encoders]

# %% [markdown]
# Training with the symmetric InfoNCE of CLIP: captions against images and back.

# %%
# --8<-- [start:train]
for step in range(1, train_steps + 1):
    index = torch.randint(0, len(train_images), (256,), device=device)
    image_emb = F.normalize(image_encoder(train_images[index]), dim=1)
    caption_emb = F.normalize(caption_encoder(train_captions[index]), dim=1)
    logits = caption_emb @ image_emb.T / temperature  # pairs on the diagonal
    targets = torch.arange(len(index), device=device)
    loss = (F.cross_entropy(logits, targets)  # caption -> image
            + F.cross_entropy(logits.T, targets)) / 2  # image -> caption
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 25 == 0:
        curve[step] = evaluate()
after = curve[train_steps]
print("after training: ", {f"R@{k}": round(r, 3) for k, r in after.items()})
# --8<-- [end:train]

# %% [markdown]
# One query, before and after: the first caption whose own image (same id) now comes first,
# and the ids of its five nearest images.

# %%
# --8<-- [start:one_query]
with torch.no_grad():
    top5_after = top_k(caption_encoder(test_captions), image_encoder(test_images), 5)
own_first = top5_after[:, 0] == torch.arange(len(test_captions), device=device)
example = int(own_first.nonzero()[0])
print(f"top 5 images for caption {example}, before training:", top5_before[example].tolist())
print(f"top 5 images for caption {example}, after training: ", top5_after[example].tolist())
# --8<-- [end:one_query]

# %%
TEXT = {
    "zh": {"title": "对比学习训练中的 recall@k（500 个候选，以文本查图像）", "step": "训练步数", "recall": "recall@k",
           "chance": "随机猜测"},
    "en": {"title": "recall@k during contrastive training (500 candidates, text → image)", "step": "step",
           "recall": "recall@k", "chance": "chance"},
}[LANG]
fig, ax = plt.subplots(figsize=(6.4, 3.4))
steps = sorted(curve)
for k, color in zip(ks, ("C0", "C1", "C2")):
    ax.plot(steps, [curve[s][k] for s in steps], marker="o", markersize=3, color=color, label=f"recall@{k}")
    ax.axhline(k / len(test_images), color=color, linestyle=":", linewidth=1)
ax.plot([], [], color="gray", linestyle=":", label=TEXT["chance"] + " k/N")
ax.set(title=TEXT["title"], xlabel=TEXT["step"], ylabel=TEXT["recall"], ylim=(0, 1))
ax.title.set_fontsize(10)
ax.legend()
fig.tight_layout()
fig.savefig(OUT / "recall.svg")

# %%
numbers = {"gallery": len(test_images), "train_pairs": f"{len(train_images):,}", "temperature": temperature, "train_steps": train_steps,
           "example": example, "top5_before": str(top5_before[example].tolist()),
           "top5_after": str(top5_after[example].tolist())}
for k in ks:
    numbers[f"r{k}_before"] = f"{curve[0][k]:.3f}"
    numbers[f"r{k}_after"] = f"{curve[train_steps][k]:.3f}"
    numbers[f"r{k}_chance"] = f"{k / len(test_images):.3f}"
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
