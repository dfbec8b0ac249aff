"""Losses for segmentation on a label map: per-pixel cross-entropy with ignored pixels, Dice, focal.

A 24×24 label map with a small object (class 1) on background (class 0); the
object's outline is marked 255, "not labelled", as PASCAL VOC marks the
borders of its objects. Fixed predictions (per-pixel probabilities written as
logits) stand in for a network's output, so every number is exact:
cross-entropy skips the 255 pixels, and with 16 object pixels against 540
background pixels it prefers a prediction that misses the object to one that
finds it, while Dice and focal loss do not.
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
from matplotlib.colors import ListedColormap

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
BACKGROUND, OBJECT, IGNORE = 0, 1, 255


def logits_from(p_object):
    """Two-class logits (N, 2, H, W) whose softmax gives probability p_object to the object."""
    p = torch.as_tensor(p_object, dtype=torch.float32, device=device)
    return torch.stack([torch.zeros_like(p), torch.log(p / (1 - p))])[None]
# --8<-- [end:setup]

# %% [markdown]
# The label map: a 6×6 object whose one-pixel outline is 255, so 4×4 object pixels are labelled.

# %%
# --8<-- [start:label_map]
target = torch.full((1, 24, 24), BACKGROUND, dtype=torch.long, device=device)
target[0, 9:15, 9:15] = IGNORE  # the outline ...
target[0, 10:14, 10:14] = OBJECT  # ... around the object
is_object, is_ignored = target == OBJECT, target == IGNORE
is_background = target == BACKGROUND
print("pixels: object", int(is_object.sum()), " background", int(is_background.sum()),
      " ignored", int(is_ignored.sum()))
# --8<-- [end:label_map]

# %% [markdown]
# Cross-entropy per pixel, averaged over the labelled pixels only; the ignored ones get no gradient.

# %%
# --8<-- [start:ignore]
p_find = torch.full((24, 24), 0.14)  # a prediction that finds the object:
p_find[9:15, 9:15] = 0.5  # unsure on the outline,
p_find[10:14, 10:14] = 0.8  # fairly sure inside
logits = logits_from(p_find).requires_grad_()
loss = F.cross_entropy(logits, target, ignore_index=IGNORE)
loss.backward()
per_pixel = F.cross_entropy(logits, target.clamp(max=1), reduction="none")  # 255 -> 1, to compare
print(f"loss with ignore_index: {loss.item():.4f}")
print(f"mean over labelled pixels: {per_pixel[~is_ignored].mean().item():.4f}")
print("gradient on ignored pixels:", logits.grad.abs().sum(dim=1)[is_ignored].max().item())
try:
    F.cross_entropy(logits.detach().cpu(), target.cpu())  # 255 read as a class id (on a GPU: a device-side assert)
except (IndexError, RuntimeError) as error:
    print(type(error).__name__ + ":", str(error).splitlines()[0])
# --8<-- [end:ignore]

# %% [markdown]
# Dice loss (1 − soft Dice coefficient of the object channel) and focal loss; both skip 255 by hand.

# %%
# --8<-- [start:losses]
def dice_loss(logits, target, eps=1.0):
    keep = target != IGNORE  # Dice has no ignore_index: mask by hand
    p = logits.softmax(dim=1)[:, OBJECT][keep]
    g = (target == OBJECT)[keep].float()
    return 1 - (2 * (p * g).sum() + eps) / (p.sum() + g.sum() + eps)


def focal_loss(logits, target, gamma=2.0):
    ce = F.cross_entropy(logits, target, ignore_index=IGNORE, reduction="none")
    p_true = torch.exp(-ce)  # the probability given to the true class
    return ((1 - p_true) ** gamma * ce)[target != IGNORE].mean()


losses = {"cross-entropy": lambda lg, t: F.cross_entropy(lg, t, ignore_index=IGNORE),
          "Dice": dice_loss, "focal": focal_loss}
# --8<-- [end:losses]

# %% [markdown]
# Class imbalance: a prediction that misses the object but is sure about the background,
# against the one above that finds it. Cross-entropy prefers the miss.

# %%
# --8<-- [start:imbalance]
p_miss = torch.full((24, 24), 0.02)  # sure it is all background
table = {}
for name, loss_fn in losses.items():
    table[name] = [loss_fn(logits_from(p), target).item() for p in (p_miss, p_find)]
    better = "misses" if table[name][0] < table[name][1] else "finds"
    print(f"{name:13s} misses {table[name][0]:.4f}   finds {table[name][1]:.4f}"
          f"   -> prefers the one that {better} the object")
# --8<-- [end:imbalance]

# %% [markdown]
# Focal loss: where the gradient goes. A prediction early in training: the object hard
# (p = 0.3), the background easy (p = 0.05 of object).

# %%
# --8<-- [start:focal]
p_early = torch.full((24, 24), 0.05)
p_early[10:14, 10:14] = 0.3
share = {}
for name in ("cross-entropy", "focal"):
    logits = logits_from(p_early).requires_grad_()
    losses[name](logits, target).backward()
    push = logits.grad.abs().sum(dim=1)  # size of the gradient at each pixel
    share[name] = (push[is_object].sum() / push.sum()).item()
    print(f"{name:13s} share of the gradient on the {int(is_object.sum())} object pixels: {share[name]:.1%}")
# --8<-- [end:focal]

# %%
TEXT = {
    "zh": {"map": "标签图（白色：255，忽略）", "find": "“找到”：物体的概率", "bars": "两种预测的损失（除以“找到”的损失）",
           "miss": "漏掉物体", "found": "找到物体", "names": {"cross-entropy": "交叉熵", "Dice": "Dice", "focal": "焦点损失"}},
    "en": {"map": "label map (white: 255, ignored)", "find": "\"finds\": probability of object",
           "bars": "loss of each prediction (÷ loss of \"finds\")", "miss": "misses the object",
           "found": "finds the object", "names": {"cross-entropy": "cross-entropy", "Dice": "Dice", "focal": "focal"}},
}[LANG]
fig, axes = plt.subplots(1, 3, figsize=(9.6, 3.2))
shown = target[0].clone().cpu()
shown[shown == IGNORE] = 2
axes[0].imshow(shown.numpy(), cmap=ListedColormap(["#636363", "#e6550d", "#ffffff"]), vmin=-0.5, vmax=2.5,
               interpolation="nearest")
axes[0].set_title(TEXT["map"], fontsize=10)
image = axes[1].imshow(p_find.numpy(), cmap="viridis", vmin=0, vmax=1, interpolation="nearest")
axes[1].set_title(TEXT["find"], fontsize=10)
fig.colorbar(image, ax=axes[1], fraction=0.046)
for ax in axes[:2]:
    ax.set_xticks([])
    ax.set_yticks([])
names = list(table)
x = torch.arange(len(names)).numpy()
axes[2].bar(x - 0.2, [table[n][0] / table[n][1] for n in names], 0.4, color="C3", label=TEXT["miss"])
axes[2].bar(x + 0.2, [1.0] * len(names), 0.4, color="C2", label=TEXT["found"])
axes[2].set_xticks(x, [TEXT["names"][n] for n in names])
axes[2].set_yscale("log")
axes[2].set_title(TEXT["bars"], fontsize=10)
axes[2].legend(fontsize=8)
fig.tight_layout()
fig.savefig(OUT / "segmentation_losses.svg")

# %%
numbers = {"n_object": int(is_object.sum()), "n_background": int(is_background.sum()),
           "n_ignored": int(is_ignored.sum()), "ce_ignore": f"{loss.item():.4f}",
           "share_ce": f"{share['cross-entropy']:.0%}", "share_focal": f"{share['focal']:.0%}"}
for name, key in (("cross-entropy", "ce"), ("Dice", "dice"), ("focal", "focal")):
    numbers[f"{key}_miss"], numbers[f"{key}_find"] = (f"{v:.4f}" for v in table[name])
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
