"""A filter is as deep as its input has channels; a layer makes one feature map per filter.

`nn.Conv2d(in_channels, out_channels, kernel_size)` holds its filters in one
weight tensor of shape (out_channels, in_channels, kernel, kernel): every
filter spans all input channels. Feeding the layer an input with a different
number of channels is an error, and this script prints PyTorch's message.
The output has out_channels feature maps, which is the number a following
`nn.BatchNorm2d` must be given as num_features.
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
from torch import nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
# --8<-- [end:setup]

# %% [markdown]
# The layer of the worked example: 3 input channels, 2 filters of 3×3.

# %%
# --8<-- [start:depth]
conv = nn.Conv2d(in_channels=3, out_channels=2, kernel_size=3).to(device)
print("weight:", tuple(conv.weight.shape), "= (filters, depth, height, width)")
print("bias:  ", tuple(conv.bias.shape), "= one per filter")

image = torch.randn(1, 3, 7, 7, device=device)  # (N, C, H, W)
print("3 channels in:", tuple(conv(image).shape))

four_channels = torch.randn(1, 4, 7, 7, device=device)  # one channel too many
try:
    conv(four_channels)
except RuntimeError as error:
    depth_error = str(error)
    print(f"4 channels in: {type(error).__name__}: {depth_error}")
# --8<-- [end:depth]

# %% [markdown]
# The one exception is the `groups` argument named in the error: with groups=g
# the channels are split into g groups and each filter sees only C/g of them.

# %%
# --8<-- [start:groups]
for groups in (1, 2, 4):
    grouped = nn.Conv2d(4, 4, kernel_size=3, groups=groups).to(device)
    out = grouped(four_channels)
    print(f"groups={groups}: weight {tuple(grouped.weight.shape)}, "
          f"output {tuple(out.shape)}")
depthwise_shape = tuple(grouped.weight.shape)  # groups=4: filters 1 deep
# --8<-- [end:groups]

# %% [markdown]
# Two layers in a row: the second layer's filters are as deep as the first
# layer has filters, because each filter of the first layer made one map.

# %%
# --8<-- [start:maps]
second = nn.Conv2d(in_channels=2, out_channels=4, kernel_size=3).to(device)
bn = nn.BatchNorm2d(num_features=4).to(device)  # statistics per feature map
maps = conv(image)
print("after layer 1:", tuple(maps.shape))
print("feature map 0 = maps[0, 0], shape", tuple(maps[0, 0].shape))
print("layer 2 weight:", tuple(second.weight.shape), "(4 filters, 2 deep)")
maps2 = bn(second(maps))
print("after layer 2 and BN:", tuple(maps2.shape))
print("BN running_mean:", tuple(bn.running_mean.shape))
# --8<-- [end:maps]

# %%
numbers = {
    "weight_shape": str(tuple(conv.weight.shape)),
    "bias_shape": str(tuple(conv.bias.shape)),
    "out_shape": str(tuple(conv(image).shape)),
    "depth_error": depth_error,
    "maps_shape": str(tuple(maps.shape)),
    "one_map_shape": str(tuple(maps[0, 0].shape)),
    "second_weight_shape": str(tuple(second.weight.shape)),
    "maps2_shape": str(tuple(maps2.shape)),
    "bn_stats_shape": str(tuple(bn.running_mean.shape)),
    "depthwise_shape": str(depthwise_shape),
}
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1, ensure_ascii=False))
print(numbers)
