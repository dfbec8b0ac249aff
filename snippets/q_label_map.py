"""A semantic label map, its one-hot channels and an instance boundary map.

A semantic label map stores one class id per pixel (0 = sky, 1 = building,
2 = road, 3 = car). Before it enters a generator such as pix2pixHD's, it is
turned into one channel per class, 1 where the pixel has that class and 0
elsewhere. pix2pixHD also takes the instance map (which object each pixel
belongs to) and adds one channel that marks the boundaries between objects,
so that two touching cars of the same class stay apart.
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
# --8<-- [end:setup]

# %% [markdown]
# A 24×32 street scene drawn by hand: sky on top, a building, a road, two cars that touch.

# %%
# --8<-- [start:label_map]
SKY, BUILDING, ROAD, CAR = 0, 1, 2, 3
num_classes = 4
label_map = torch.full((24, 32), SKY, dtype=torch.long, device=device)
label_map[4:16, 2:13] = BUILDING
label_map[16:, :] = ROAD
label_map[13:20, 14:21] = CAR  # first car
label_map[13:20, 21:28] = CAR  # second car, touching the first

instance_map = label_map * 1000  # one id per object: class * 1000 + number
instance_map[13:20, 21:28] = CAR * 1000 + 1
print("label map:", tuple(label_map.shape), label_map.dtype)
print("class ids present:", label_map.unique().tolist())
print(label_map[12:21, 12:29].cpu().numpy())
# --8<-- [end:label_map]

# %% [markdown]
# One-hot: a (H, W) map of ids becomes (C, H, W), one channel per class.

# %%
# --8<-- [start:one_hot]
one_hot = F.one_hot(label_map, num_classes)  # (H, W) -> (H, W, C)
one_hot = one_hot.permute(2, 0, 1).float()  # -> (C, H, W)
print("one-hot:", tuple(one_hot.shape))
print("every pixel has exactly one 1:", bool((one_hot.sum(dim=0) == 1).all()))
print("argmax gives the map back:", bool((one_hot.argmax(0) == label_map).all()))
print("pixels per class:", one_hot.sum(dim=(1, 2)).int().tolist())
# --8<-- [end:one_hot]

# %% [markdown]
# The boundary map: 1 where a pixel's instance id differs from a neighbour's
# (left, right, up or down). The generator input is the one-hot channels plus it.

# %%
# --8<-- [start:boundary]
boundary = torch.zeros_like(instance_map, dtype=torch.bool)
horizontal = instance_map[:, 1:] != instance_map[:, :-1]
vertical = instance_map[1:, :] != instance_map[:-1, :]
boundary[:, 1:] |= horizontal
boundary[:, :-1] |= horizontal
boundary[1:, :] |= vertical
boundary[:-1, :] |= vertical

boundary_channel = boundary.float().unsqueeze(0)  # (1, H, W)
generator_input = torch.cat([one_hot, boundary_channel])[None]  # (1, C+1, H, W)
print("generator input:", tuple(generator_input.shape))
print("two cars, one blob in channel 3:", bool(one_hot[CAR, 13:20, 14:28].all()))
print("separated in the boundary map:", bool(boundary[13:20, 20:22].all()))
# --8<-- [end:boundary]

# %%
TEXT = {
    "zh": {"map": "语义标签图（类别 id）", "classes": ["天空", "建筑", "道路", "汽车"], "channel": "通道",
           "boundary": "实例边界图"},
    "en": {"map": "semantic label map (class ids)", "classes": ["sky", "building", "road", "car"], "channel": "channel",
           "boundary": "instance boundary map"},
}[LANG]
colors = ListedColormap(["#9ecae1", "#bdbdbd", "#636363", "#e6550d"])
fig, axes = plt.subplots(2, 3, figsize=(8.6, 4.4))
axes = axes.ravel()
axes[0].imshow(label_map.cpu().numpy(), cmap=colors, vmin=-0.5, vmax=3.5, interpolation="nearest")
axes[0].set_title(TEXT["map"], fontsize=10)
for c in range(num_classes):
    axes[0].plot([], [], "s", color=colors(c), label=f"{c} {TEXT['classes'][c]}")
axes[0].legend(fontsize=6.5, loc="upper right", handlelength=1, borderpad=0.3, framealpha=0.9)
for c in range(num_classes):
    axes[c + 1].imshow(one_hot[c].cpu().numpy(), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    axes[c + 1].set_title(f"{TEXT['channel']} {c}: {TEXT['classes'][c]}", fontsize=10)
axes[5].imshow(boundary.cpu().numpy(), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
axes[5].set_title(TEXT["boundary"], fontsize=10)
for ax in axes:
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()
fig.savefig(OUT / "label_map.svg")

# %%
numbers = {
    "map_shape": str(tuple(label_map.shape)),
    "one_hot_shape": str(tuple(one_hot.shape)),
    "input_shape": str(tuple(generator_input.shape)),
    "pixels_per_class": str(one_hot.sum(dim=(1, 2)).int().tolist()),
    "num_classes": num_classes,
}
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
