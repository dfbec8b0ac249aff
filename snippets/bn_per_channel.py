"""BatchNorm per channel: the statistics by hand against nn.BatchNorm2d.

For an input of shape (N, C, H, W), `nn.BatchNorm2d` takes one mean and one
variance per channel C, over the axes N, H and W. It normalises with them,
then scales each channel by `weight` (gamma) and shifts it by `bias` (beta).
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
# A batch of 8 three-channel 4×5 images; each channel gets its own scale and offset.

# %%
# --8<-- [start:stats]
scale = torch.tensor([1.0, 3.0, 0.5], device=device).view(1, 3, 1, 1)
offset = torch.tensor([0.0, 5.0, -2.0], device=device).view(1, 3, 1, 1)
x = torch.randn(8, 3, 4, 5, device=device) * scale + offset  # (N, C, H, W)

mean = x.mean(dim=(0, 2, 3))  # over N, H, W: one value per channel
var = x.var(dim=(0, 2, 3), unbiased=False)  # the biased variance, which BN normalises with
print("x:", tuple(x.shape), " mean:", tuple(mean.shape), " var:", tuple(var.shape))
print("mean per channel:", mean.cpu().numpy().round(3))
print("var per channel: ", var.cpu().numpy().round(3))
# --8<-- [end:stats]

# %% [markdown]
# Normalise by hand, apply gamma and beta, and compare with the module in train mode.

# %%
# --8<-- [start:compare]
bn = nn.BatchNorm2d(num_features=3).to(device)  # train mode: it uses this batch's statistics
with torch.no_grad():
    bn.weight.copy_(torch.tensor([2.0, 0.5, 1.0]))  # gamma
    bn.bias.copy_(torch.tensor([0.0, 1.0, -1.0]))  # beta
    y_module = bn(x)

    per_channel = (1, -1, 1, 1)  # broadcast a (C,) vector over (N, C, H, W)
    x_hat = (x - mean.view(per_channel)) / torch.sqrt(var.view(per_channel) + bn.eps)
    y_by_hand = bn.weight.view(per_channel) * x_hat + bn.bias.view(per_channel)

max_diff = (y_by_hand - y_module).abs().max().item()
print(f"max |by hand - nn.BatchNorm2d| = {max_diff:.1e}")
print("output mean per channel:", y_module.mean(dim=(0, 2, 3)).cpu().numpy().round(3))
print("output std per channel: ", y_module.std(dim=(0, 2, 3), unbiased=False).cpu().numpy().round(3))
# --8<-- [end:compare]

# %% [markdown]
# The values of each channel before and after BatchNorm.

# %%
TEXT = {
    "zh": {"before": "BN 之前", "after": "BN 之后（γ、β 已作用）", "value": "取值", "count": "个数", "channel": "通道"},
    "en": {"before": "Before BN", "after": "After BN (γ and β applied)", "value": "value", "count": "count", "channel": "channel"},
}[LANG]
fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), sharey=True)
for ax, data, title in ((axes[0], x, TEXT["before"]), (axes[1], y_module, TEXT["after"])):
    for c in range(3):
        ax.hist(data[:, c].flatten().cpu().numpy(), bins=20, alpha=0.6, label=f"{TEXT['channel']} {c}")
    ax.set_title(title)
    ax.set_xlabel(TEXT["value"])
axes[0].set_ylabel(TEXT["count"])
axes[1].legend()
fig.tight_layout()
fig.savefig(OUT / "histograms.svg")

# %% [markdown]
# The layout. PyTorch puts the channel axis second: (N, C, H, W). The notes write
# (batch, C, W, H); the order of the two spatial axes does not matter, since BN averages
# over both. What matters is that C is axis 1: a channels-last (N, H, W, C) tensor must
# be permuted first.

# %%
# --8<-- [start:layout]
with torch.no_grad():
    y_swapped = bn(x.transpose(2, 3))  # (N, C, W, H), as the notes write it
swap_diff = (y_swapped.transpose(2, 3) - y_module).abs().max().item()
print(f"(N, C, W, H) instead of (N, C, H, W): max difference {swap_diff:.1e}")

channels_last = x.permute(0, 2, 3, 1)  # (N, H, W, C) = (8, 4, 5, 3)
try:
    bn(channels_last)
except RuntimeError as error:
    layout_error = str(error)
    print("RuntimeError:", layout_error)
with torch.no_grad():
    permuted_back = bn(channels_last.permute(0, 3, 1, 2))  # back to (N, C, H, W)
print(f"permuted back: max difference {(permuted_back - y_module).abs().max().item():.1e}")
# --8<-- [end:layout]

# %%
numbers = {
    "input_shape": str(tuple(x.shape)),
    "stats_shape": str(tuple(mean.shape)),
    "max_diff": f"{max_diff:.1e}",
    "swap_diff": f"{swap_diff:.1e}",
    "layout_error": layout_error,
}
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
