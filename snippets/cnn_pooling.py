"""Pooling: one channel at a time, the convolution's size formula, no parameters.

A 2×2 max pooling with stride 2 keeps the largest value of each 2×2 window of
each feature map separately: the number of maps stays, their height and width
halve. Its output size follows the same ⌊(W + 2P − F)/S⌋ + 1 as a convolution,
and it holds nothing to learn; average pooling is the same with the mean.
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
# Two 4×4 maps of small integers, pooled 2×2 with stride 2. Pooling each map on
# its own gives the same result: the channels never mix.

# %%
# --8<-- [start:per_channel]
maps = torch.randint(0, 10, (1, 2, 4, 4), device=device).float()
pool = nn.MaxPool2d(kernel_size=2, stride=2)
pooled = pool(maps)
one_at_a_time = torch.cat([pool(maps[:, c:c + 1]) for c in range(2)], dim=1)
print("map 0:   ", maps[0, 0].int().tolist())
print("max of each 2×2 window:", pooled[0, 0].int().tolist())
print("shape:", tuple(maps.shape), "->", tuple(pooled.shape))
print("same as pooling each map alone:", torch.equal(pooled, one_at_a_time))
# --8<-- [end:per_channel]

# %% [markdown]
# The output size: the convolution's formula with F the window and S the stride.
# An odd size loses its last row and column; ceil_mode=True keeps them.

# %%
# --8<-- [start:size]
def output_size(width, kernel, stride, padding):
    return (width + 2 * padding - kernel) // stride + 1


pool_sizes = []
for width, kernel, stride, padding in ((224, 2, 2, 0), (7, 2, 2, 0), (112, 3, 2, 1)):
    layer = nn.MaxPool2d(kernel, stride, padding)
    by_torch = layer(torch.zeros(1, 1, width, width, device=device)).shape[-1]
    assert by_torch == output_size(width, kernel, stride, padding)
    pool_sizes.append(by_torch)
    print(f"W={width:>3} F={kernel} S={stride} P={padding}: {by_torch}")
ceil = nn.MaxPool2d(2, 2, ceil_mode=True)(torch.zeros(1, 1, 7, 7, device=device))
print("W=  7 F=2 S=2 P=0, ceil_mode=True:", ceil.shape[-1])
# --8<-- [end:size]

# %% [markdown]
# Nothing to learn: no weights, no bias, whatever the number of maps.

# %%
# --8<-- [start:params]
layers = [nn.MaxPool2d(2), nn.AvgPool2d(2), nn.AdaptiveAvgPool2d((7, 7))]
for layer in layers:
    print(f"{type(layer).__name__:<17} parameters: {sum(p.numel() for p in layer.parameters())}")
averaged = nn.AvgPool2d(2)(maps)
print("average pooling, map 0:", averaged[0, 0].tolist())
# --8<-- [end:params]

# %%
numbers = {
    "in_shape": str(tuple(maps.shape)),
    "out_shape": str(tuple(pooled.shape)),
    "per_channel": bool(torch.equal(pooled, one_at_a_time)),
    "size_224": pool_sizes[0],
    "size_7": pool_sizes[1],
    "size_112": pool_sizes[2],
    "size_7_ceil": ceil.shape[-1],
    "n_params": sum(p.numel() for layer in layers for p in layer.parameters()),
}
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1, ensure_ascii=False))
print(numbers)
