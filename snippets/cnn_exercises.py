"""The chapter's exercises, each answer computed and checked with PyTorch.

1. The parameters of one convolution layer.
2. The output of a strided, padded convolution in three notations.
3. Three stacked 3×3 layers against one 7×7 layer: parameters and receptive field.
4. VGG-19 (configuration E): its weight layers and parameters.
5. VGG-16 fed a 448×448 image: where it breaks, what fc6 would then need, and
   how torchvision's adaptive pooling avoids the break.
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
numbers = {}

def n_params(module):
    return sum(p.numel() for p in module.parameters())
# --8<-- [end:setup]

# %% [markdown]
# Exercise 1: a layer with 256 filters of 5×5 over 128 input maps.

# %%
# --8<-- [start:ex1]
layer = nn.Conv2d(128, 256, kernel_size=5).to(device)
by_formula = (128 * 5 * 5 + 1) * 256
assert n_params(layer) == by_formula
print(f"(128·5·5 + 1)·256 = {by_formula:,}; numel() = {n_params(layer):,}")
# --8<-- [end:ex1]
numbers["ex1_params"] = f"{by_formula:,}"
numbers["ex1_per_filter"] = f"{128 * 5 * 5 + 1:,}"

# %% [markdown]
# Exercise 2: a 32×32 RGB image, 10 filters of 5×5, stride 2, padding 2.

# %%
# --8<-- [start:ex2]
layer = nn.Conv2d(3, 10, kernel_size=5, stride=2, padding=2).to(device)
out = layer(torch.zeros(1, 3, 32, 32, device=device))
size = (32 + 2 * 2 - 5) // 2 + 1
assert out.shape[-1] == size
_, c, h, w = out.shape
print(f"size = ⌊(32 + 4 − 5)/2⌋ + 1 = {size}")
print(f"{h}×{w}×{c}, {c}@{h}×{w}, {tuple(out.shape)}; {n_params(layer):,} params")
# --8<-- [end:ex2]
numbers.update(ex2_size=size, ex2_hwc=f"{h}×{w}×{c}", ex2_at=f"{c}@{h}×{w}", ex2_shape=str(tuple(out.shape)),
               ex2_params=f"{n_params(layer):,}", ex2_ratio=f"{(32 + 2 * 2 - 5) / 2:g}")

# %% [markdown]
# Exercise 3: three 3×3 layers against one 7×7 layer, 512 maps in and out;
# then the input pixels that one output value of the 3×3 stack depends on.

# %%
# --8<-- [start:ex3]
channels = 512
stack = nn.Sequential(*[nn.Conv2d(channels, channels, 3, padding=1)
                        for _ in range(3)]).to(device)
single = nn.Conv2d(channels, channels, 7, padding=3).to(device)
print(f"three 3×3: {n_params(stack):,}   one 7×7: {n_params(single):,}")

probe = nn.Sequential(*[nn.Conv2d(1, 1, 3, padding=1, bias=False)
                        for _ in range(3)]).to(device)
for conv in probe:
    nn.init.constant_(conv.weight, 1.0)  # all positive: nothing cancels
x = torch.zeros(1, 1, 15, 15, device=device, requires_grad=True)
probe(x)[0, 0, 7, 7].backward()  # one output value in the middle
seen = (x.grad[0, 0] != 0).nonzero()
field = (seen.max(0).values - seen.min(0).values + 1).tolist()
print("receptive field of the stack:", field)
# --8<-- [end:ex3]
numbers.update(ex3_stack=f"{n_params(stack):,}", ex3_single=f"{n_params(single):,}",
               ex3_ratio=f"{n_params(stack) / n_params(single):.2f}", ex3_field=f"{field[0]}×{field[1]}")
del stack, single

# %% [markdown]
# Exercise 4: VGG-19 is configuration E. On the "meta" device tensors have a
# shape but no data, so counting the parameters of a big model costs nothing.

# %%
# --8<-- [start:ex4]
CONFIGS = {
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M",
          512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M",
          512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


def vgg(config):
    layers, in_maps = [], 3
    for item in CONFIGS[config]:
        if item == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(in_maps, item, 3, padding=1), nn.ReLU()]
            in_maps = item
    return nn.Sequential(
        *layers, nn.Flatten(),
        nn.Linear(512 * 7 * 7, 4096), nn.ReLU(), nn.Dropout(),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(),
        nn.Linear(4096, 1000),
    )


with torch.device("meta"):
    vgg19 = vgg("E")
weight_layers = [m for m in vgg19 if isinstance(m, (nn.Conv2d, nn.Linear))]
print(f"VGG-19: {len(weight_layers)} weight layers, {n_params(vgg19):,} params")
# --8<-- [end:ex4]
numbers.update(ex4_layers=len(weight_layers), ex4_conv=sum(isinstance(m, nn.Conv2d) for m in vgg19),
               ex4_params=f"{n_params(vgg19):,}")

# %% [markdown]
# Exercise 5: VGG-16 on a 448×448 image (shapes only, on the meta device).

# %%
# --8<-- [start:ex5]
with torch.device("meta"):
    vgg16 = vgg("D")
    conv_part = vgg16[:31]  # the conv and pooling layers (with their ReLUs)
    features = conv_part(torch.zeros(1, 3, 448, 448))
print("after the last pooling:", tuple(features.shape))
inputs = features[0].numel()

# fc6 with real memory (errors differ on "meta"), left uninitialised
fc6 = nn.utils.skip_init(nn.Linear, 512 * 7 * 7, 4096, device=device)
try:
    fc6(torch.zeros(1, inputs, device=device))  # the flattened features
except RuntimeError as error:
    fc_error = str(error)
    print(f"{type(error).__name__}: {fc_error}")
print(f"fc6 would need ({inputs:,} + 1)·4096 = {(inputs + 1) * 4096:,} params")

# torchvision's vgg16 puts AdaptiveAvgPool2d((7, 7)) before fc6: it averages
# maps of any size down to 7×7, so fc6 always gets 512·7·7 inputs
to_7x7 = nn.AdaptiveAvgPool2d((7, 7))
with torch.device("meta"):
    pooled = to_7x7(features)
print("after AdaptiveAvgPool2d((7, 7)):", tuple(pooled.shape),
      f"-> {pooled[0].numel():,} inputs, fc6 takes {fc6.in_features:,}")
# --8<-- [end:ex5]
_, c, h, w = features.shape
numbers.update(ex5_hwc=f"{h}×{w}×{c}", ex5_inputs=f"{inputs:,}", ex5_fc6=f"{(inputs + 1) * 4096:,}",
               ex5_error=fc_error, ex5_adaptive_shape=str(tuple(pooled.shape)), ex5_adaptive_inputs=f"{pooled[0].numel():,}", ex5_conv_params=f"{n_params(conv_part):,}", ex5_fc6_inputs=f"{fc6.in_features:,}")

# %%
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1, ensure_ascii=False))
print(numbers)
