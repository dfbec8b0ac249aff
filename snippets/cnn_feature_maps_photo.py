"""Feature maps of a photograph: what "channel" and "feature map" look like.

The photograph of Grace Hopper that ships with matplotlib is a 3-channel
image (red, green, blue). A first convolution layer with 8 filters, each
5×5×3, turns it into 8 feature maps: four filters are set by hand (vertical
edges, horizontal edges, blur, red minus green), four are random, as before
training. A second layer with 4 random filters, each 3×3×8 and stride 2,
turns those 8 maps into 4 maps of half the size. Every map is one channel of
its layer's output.
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
import numpy as np
import torch
import torch.nn.functional as F
from matplotlib import cbook
from torch import nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
# --8<-- [end:setup]

# %% [markdown]
# The photograph, halved in size, as a (N, C, H, W) tensor with values in [0, 1].

# %%
# --8<-- [start:photo]
with cbook.get_sample_data("grace_hopper.jpg") as file:
    photo = plt.imread(file)  # (H, W, 3), uint8
x = torch.from_numpy(photo.copy()).to(device)
x = x.permute(2, 0, 1)[None].float() / 255  # (N, C, H, W), channels R, G, B
x = F.avg_pool2d(x, 2)  # half the size keeps the script fast
print("photo:", photo.shape, "-> tensor", tuple(x.shape))
# --8<-- [end:photo]

# %% [markdown]
# Layer 1: 8 filters of 5×5×3. Each hand-set filter has one 5×5 slice per
# input channel; the edge and blur filters use the same slice in all three,
# the colour filter only reads the centre of the red and the green channel.

# %%
# --8<-- [start:filters]
u = torch.arange(-2, 3, dtype=torch.float32, device=device)
gauss = torch.exp(-(u[:, None] ** 2 + u[None, :] ** 2) / (2 * 1.5**2))
blur = gauss / gauss.sum()  # a 5×5 bell
d_dx = -u[None, :] * gauss  # its slope along x: a smoothed Sobel filter
d_dx = d_dx / d_dx.abs().sum()

conv1 = nn.Conv2d(3, 8, kernel_size=5, padding=2).to(device)
with torch.no_grad():  # filters 4 to 7 keep their random initial values
    conv1.bias.zero_()
    conv1.weight[0] = d_dx.repeat(3, 1, 1) / 3  # vertical edges
    conv1.weight[1] = d_dx.T.repeat(3, 1, 1) / 3  # horizontal edges
    conv1.weight[2] = blur.repeat(3, 1, 1) / 3  # blurred brightness
    conv1.weight[3] = 0
    conv1.weight[3, 0, 2, 2] = 1.0  # + red at the centre
    conv1.weight[3, 1, 2, 2] = -1.0  # - green at the centre
    maps1 = conv1(x)
print("layer 1 weight:", tuple(conv1.weight.shape))
print("layer 1 maps:  ", tuple(maps1.shape))
# --8<-- [end:filters]

# %% [markdown]
# Layer 2: 4 random filters, each as deep as layer 1 has maps (8), stride 2.

# %%
# --8<-- [start:layer2]
conv2 = nn.Conv2d(8, 4, kernel_size=3, stride=2, padding=1).to(device)
with torch.no_grad():
    maps2 = conv2(torch.relu(maps1))
print("layer 2 weight:", tuple(conv2.weight.shape))
print("layer 2 maps:  ", tuple(maps2.shape))
# --8<-- [end:layer2]

# %% [markdown]
# The grid: one row per layer, one panel per channel.

# %%
TEXT = {
    "zh": {"photo": "照片（3 个通道叠在一起）", "R": "通道 0：红", "G": "通道 1：绿", "B": "通道 2：蓝",
           "map": "特征图 {i}", "names": ["竖直边缘", "水平边缘", "模糊", "红减绿"], "random": "随机",
           "row0": "输入\n{s}", "row1": "第 1 层\n手设滤波器\n{s}", "row2": "第 1 层\n随机滤波器\n{s}",
           "row3": "第 2 层\n步幅 2\n{s}"},
    "en": {"photo": "photo (3 channels together)", "R": "channel 0: red", "G": "channel 1: green",
           "B": "channel 2: blue", "map": "map {i}", "names": ["vertical edges", "horizontal edges", "blur",
           "red minus green"], "random": "random",
           "row0": "input\n{s}", "row1": "layer 1\nhand-set\n{s}", "row2": "layer 1\nrandom\n{s}",
           "row3": "layer 2\nstride 2\n{s}"},
}[LANG]


def at(shape):  # (N, C, H, W) -> "C@H×W"
    return f"{shape[1]}@{shape[2]}×{shape[3]}"


GREYS = plt.get_cmap("gray", 32)  # 32 grey levels: the maps read the same and the PNG stays small


def show(ax, image, title, signed):
    image = image.cpu().numpy()
    if signed:  # zero is mid-grey; the strongest 0.5 % of values saturate
        limit = np.quantile(np.abs(image), 0.995)
        vmin, vmax = -limit, limit
    else:
        vmin, vmax = image.min(), image.max()
    ax.imshow(image, cmap=GREYS, vmin=vmin, vmax=vmax, interpolation_stage="data")
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])


fig, axes = plt.subplots(4, 4, figsize=(7.6, 9.2))
axes[0, 0].imshow(x[0].permute(1, 2, 0).cpu().numpy())
axes[0, 0].set(title=TEXT["photo"], xticks=[], yticks=[])
axes[0, 0].title.set_fontsize(9)
for c, key in enumerate("RGB"):
    show(axes[0, c + 1], x[0, c], TEXT[key], signed=False)
for i in range(8):
    name = TEXT["names"][i] if i < 4 else TEXT["random"]
    show(axes[1 + i // 4, i % 4], maps1[0, i], f"{TEXT['map'].format(i=i)}: {name}", signed=i != 2)
for i in range(4):
    show(axes[3, i], maps2[0, i], TEXT["map"].format(i=i), signed=True)
row_shapes = [at(x.shape), at(maps1.shape), at(maps1.shape), at(maps2.shape)]
for r in range(4):
    axes[r, 0].set_ylabel(TEXT[f"row{r}"].format(s=row_shapes[r]), fontsize=9, rotation=0, ha="right", va="center")
fig.tight_layout(h_pad=0.6, w_pad=0.4)
fig.savefig(OUT / "feature_maps.png", dpi=100)

# %%
numbers = {
    "photo_shape": str(photo.shape),
    "input_shape": str(tuple(x.shape)),
    "input_at": at(x.shape),
    "conv1_weight": str(tuple(conv1.weight.shape)),
    "maps1_shape": str(tuple(maps1.shape)),
    "maps1_at": at(maps1.shape),
    "conv2_weight": str(tuple(conv2.weight.shape)),
    "maps2_shape": str(tuple(maps2.shape)),
    "maps2_at": at(maps2.shape),
}
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1, ensure_ascii=False))
print(numbers)
