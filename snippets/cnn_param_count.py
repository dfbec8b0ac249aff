"""Parameters of a convolution layer: (input maps × n × n + 1) × filters, checked with numel().

One n×n filter over C input maps holds C·n·n weights and one bias; a layer
holds that many for each of its filters. The count does not depend on the
size of the input, on the stride or on the padding. Several layers, from the
worked example to VGG-16, LeNet-5 and AlexNet, are counted both ways.
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

# %%
# --8<-- [start:count]
def conv_params(in_maps, n, filters, bias=True):
    return (in_maps * n * n + (1 if bias else 0)) * filters


layers = {  # name: (in_maps, n, filters, bias)
    "worked example": (3, 3, 2, True),
    "LeNet-5 C1": (1, 5, 6, True),
    "AlexNet conv1": (3, 11, 96, True),
    "VGG-16 conv1_1": (3, 3, 64, True),
    "VGG-16 conv2_1": (64, 3, 128, True),
    "VGG-16 conv5_3": (512, 3, 512, True),
    "1×1 conv": (256, 1, 64, True),
    "3×3 conv before BN": (64, 3, 64, False),
}
counts = {}
for name, (in_maps, n, filters, bias) in layers.items():
    layer = nn.Conv2d(in_maps, filters, kernel_size=n, bias=bias).to(device)
    by_numel = sum(p.numel() for p in layer.parameters())
    by_formula = conv_params(in_maps, n, filters, bias)
    assert by_numel == by_formula
    counts[name] = (by_formula, by_numel)
    formula = f"({in_maps}·{n}·{n} + {int(bias)})·{filters}"
    print(f"{name:<19} {formula:<18} = {by_formula:>9,}  numel: {by_numel:>9,}")
# --8<-- [end:count]

# %% [markdown]
# Stride, padding and the input's size change the output, not the parameters.

# %%
# --8<-- [start:stride]
x = torch.randn(1, 64, 32, 32, device=device)
for stride, padding in ((1, 0), (2, 1), (1, 5)):
    layer = nn.Conv2d(64, 128, 3, stride=stride, padding=padding).to(device)
    out = layer(x)
    print(f"stride {stride}, padding {padding}: output {tuple(out.shape)}, "
          f"parameters {sum(p.numel() for p in layer.parameters()):,}")
# --8<-- [end:stride]

# %% [markdown]
# A fully connected layer is the same rule with one weight per input value:
# (inputs + 1) × outputs.

# %%
# --8<-- [start:linear]
fc = nn.Linear(4096, 1000).to(device)
fc_params = sum(p.numel() for p in fc.parameters())
assert fc_params == (4096 + 1) * 1000
print(f"Linear(4096, 1000): (4096 + 1)·1000 = {fc_params:,}")
# --8<-- [end:linear]

# %% [markdown]
# A 1×1 convolution mixes the maps at each pixel and looks at no neighbours: it is
# the same fully connected layer (C_in inputs, K outputs) applied at every pixel.

# %%
# --8<-- [start:one_by_one]
maps = torch.randn(1, 256, 14, 14, device=device)
one_by_one = nn.Conv2d(256, 64, kernel_size=1).to(device)
weights = one_by_one.weight[:, :, 0, 0]  # (64, 256): one row per filter
pixels = maps.permute(0, 2, 3, 1)  # (1, 14, 14, 256): a vector of 256 per pixel
by_pixel = (pixels @ weights.T + one_by_one.bias).permute(0, 3, 1, 2)
with torch.no_grad():
    by_conv = one_by_one(maps)
one_by_one_diff = (by_conv - by_pixel).abs().max().item()
one_by_one_params = sum(p.numel() for p in one_by_one.parameters())
print(tuple(maps.shape), "->", tuple(by_conv.shape))
print(f"max |conv − per-pixel linear| = {one_by_one_diff:.1e}")
print(f"(256·1·1 + 1)·64 = {one_by_one_params:,} parameters; "
      f"a 3×3 layer would hold {(256 * 3 * 3 + 1) * 64:,}")
# --8<-- [end:one_by_one]

# %% [markdown]
# The table for the page (its header in the page's language).

# %%
HEADER = {
    "zh": "| 层 | 公式 (C<sub>in</sub>·n·n + 1)·K | 按公式 | `numel()` |",
    "en": "| layer | formula (C<sub>in</sub>·n·n + 1)·K | by formula | `numel()` |",
}[LANG]
NAMES = {"zh": {"worked example": "本章的例子", "1×1 conv": "1×1 卷积",
                "3×3 conv before BN": "BN 前的 3×3 卷积（无偏置）"},
         "en": {"3×3 conv before BN": "3×3 conv before BN (no bias)"}}[LANG]
lines = [HEADER, "| --- | --- | ---: | ---: |"]
for name, (in_maps, n, filters, bias) in layers.items():
    by_formula, by_numel = counts[name]
    plus = " + 1" if bias else ""
    lines.append(f"| {NAMES.get(name, name)} | ({in_maps}·{n}·{n}{plus})·{filters} | "
                 f"{by_formula:,} | {by_numel:,} |")
(OUT / "param_table.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
print("\n".join(lines))

# %%
keys = {"worked example": "worked", "LeNet-5 C1": "lenet_c1", "VGG-16 conv1_1": "vgg_conv1_1",
        "VGG-16 conv5_3": "vgg_conv5_3", "3×3 conv before BN": "no_bias"}
numbers = {key: f"{counts[name][0]:,}" for name, key in keys.items()}
numbers["per_filter_worked"] = f"{3 * 3 * 3 + 1:,}"
numbers["fc_params"] = f"{fc_params:,}"
numbers.update(one_by_one_in=str(tuple(maps.shape)), one_by_one_out=str(tuple(by_conv.shape)),
               one_by_one_diff=f"{one_by_one_diff:.1e}", one_by_one_params=f"{one_by_one_params:,}",
               three_by_three_params=f"{(256 * 3 * 3 + 1) * 64:,}")
numbers["stride_params"] = f"{sum(p.numel() for p in layer.parameters()):,}"
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1, ensure_ascii=False))
print(numbers)
