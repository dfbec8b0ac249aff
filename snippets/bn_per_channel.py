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
# BN shifts and scales; it does not reshape. One channel of ReLU outputs is skewed, with
# about half its values at 0. After BN it has mean 0 and variance 1, and the same shape:
# the same skewness, and the zeros are still one pile, now at a negative value.

# %%
# --8<-- [start:shape]
def skewness(values):
    centred = values - values.mean()
    return ((centred ** 3).mean() / (centred ** 2).mean() ** 1.5).item()

relu_channel = torch.relu(torch.randn(4096, 1, device=device))  # (N, C) = (4096, 1)
with torch.no_grad():
    relu_normalised = nn.BatchNorm1d(1).to(device)(relu_channel)  # gamma = 1, beta = 0
for name, values in (("before BN", relu_channel), ("after BN ", relu_normalised)):
    print(f"{name}: mean {values.mean().item():6.3f}, var {values.var(unbiased=False).item():.3f}, "
          f"skewness {skewness(values):.3f}")
pile = relu_normalised.min().item()  # where the ReLU zeros went
share_in_pile = (relu_normalised == relu_normalised.min()).float().mean().item()
print(f"after BN, {share_in_pile:.1%} of the values sit at one point, {pile:.3f};")
print("a standard normal has skewness 0 and puts no value twice at one point")
# --8<-- [end:shape]

# %%
TEXT_SHAPE = {
    "zh": {"title": "ReLU 输出的一个通道经过 BN", "value": "BN 之后的取值", "density": "密度",
           "normal": "标准正态分布 N(0, 1)", "pile": "原来的 0，{share:.0%} 的值"},
    "en": {"title": "One channel of ReLU outputs after BN", "value": "value after BN", "density": "density",
           "normal": "standard normal N(0, 1)", "pile": "the former zeros, {share:.0%} of the values"},
}[LANG]
fig, ax = plt.subplots(figsize=(6, 3.2))
values = relu_normalised.flatten().cpu()
rest = values[values > pile]  # everything but the pile; scaled so that its area is its share
edges = torch.linspace(pile, rest.max().item(), 51)
ax.hist(rest.numpy(), bins=edges.numpy(), alpha=0.6,
        weights=(torch.ones(len(rest)) / (len(values) * (edges[1] - edges[0]))).numpy())
ax.axvline(pile, color="C3", linewidth=3, label=TEXT_SHAPE["pile"].format(share=share_in_pile))
grid = torch.linspace(-4, 4, 200)
ax.plot(grid, torch.exp(-grid ** 2 / 2) / (2 * torch.pi) ** 0.5, color="black", label=TEXT_SHAPE["normal"])
ax.set(title=TEXT_SHAPE["title"], xlabel=TEXT_SHAPE["value"], ylabel=TEXT_SHAPE["density"])
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(OUT / "skewed.svg")

# %% [markdown]
# The layout. PyTorch puts the channel axis second: (N, C, H, W). The notes write
# (batch, C, W, H); the order of the two spatial axes does not matter, since BN averages
# over both. What matters is that C is axis 1: an (N, H, W, C) tensor, with the channels
# last, must be permuted first.

# %%
# --8<-- [start:layout]
with torch.no_grad():
    y_swapped = bn(x.transpose(2, 3))  # (N, C, W, H), as the notes write it
swap_diff = (y_swapped.transpose(2, 3) - y_module).abs().max().item()
print(f"(N, C, W, H) instead of (N, C, H, W): max difference {swap_diff:.1e}")

nhwc = x.permute(0, 2, 3, 1)  # (N, H, W, C) = (8, 4, 5, 3)
try:
    bn(nhwc)
except RuntimeError as error:
    layout_error = str(error)
    print("RuntimeError:", layout_error)
with torch.no_grad():
    permuted_back = bn(nhwc.permute(0, 3, 1, 2))  # back to (N, C, H, W)
print(f"permuted back: max difference {(permuted_back - y_module).abs().max().item():.1e}")
# --8<-- [end:layout]

# %% [markdown]
# The error above came only from H = 4 not being C = 3. With H = C, an (N, H, W, C)
# tensor passes, and BN normalises over the wrong axis without a word. PyTorch's memory
# format `torch.channels_last` is another thing: it changes how the numbers are stored,
# not the shape, and BN gives the same result.

# %%
# --8<-- [start:same_size]
square = torch.randn(8, 3, 3, 5, device=device) * scale + offset  # (N, C, H, W) with H = C = 3
with torch.no_grad():
    right = bn(square)
    wrong = bn(square.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)  # fed as (N, H, W, C), then back
    stored_nhwc = bn(square.contiguous(memory_format=torch.channels_last))
print("beta:                         ", bn.bias.detach().cpu().numpy())
print("channel means, right layout:  ", right.mean(dim=(0, 2, 3)).cpu().numpy().round(3))
print("channel means, (N, H, W, C):  ", wrong.mean(dim=(0, 2, 3)).cpu().numpy().round(3), "- and no error")
print("torch.channels_last: shape", tuple(square.contiguous(memory_format=torch.channels_last).shape),
      " same result:", torch.allclose(stored_nhwc, right, atol=1e-5))
# --8<-- [end:same_size]
wrong_mean_gap = (wrong.mean(dim=(0, 2, 3)) - bn.bias).abs().max().item()
right_mean_gap = (right.mean(dim=(0, 2, 3)) - bn.bias).abs().max().item()
memory_format_same = torch.allclose(stored_nhwc, right, atol=1e-5)

# %% [markdown]
# After a fully connected layer the input is (N, F): `BatchNorm1d` takes one mean and one
# variance per feature, over the batch only. A bias in the layer before BN is cancelled by
# the mean subtraction. And in train mode a sample's output depends on its batch-mates:
# the noise that makes BN act as a mild regulariser.

# %%
# --8<-- [start:fc]
linear = nn.Linear(6, 4).to(device)
bn_fc = nn.BatchNorm1d(4).to(device)
batch = torch.randn(16, 6, device=device)  # (N, F)
with torch.no_grad():
    out_fc = bn_fc(linear(batch))
    without_bias = bn_fc(linear(batch) - linear.bias)  # the same layer with its bias removed
    other_mates = bn_fc(linear(torch.cat([batch[:1], torch.randn(15, 6, device=device)])))
print("running_mean:", tuple(bn_fc.running_mean.shape), "- one per feature, over N only")
print("mean per feature after BN:", out_fc.mean(0).cpu().numpy().round(3))
print(f"the linear layer's bias changes the output by {(out_fc - without_bias).abs().max().item():.1e}")
noise = (out_fc[0] - other_mates[0]).abs().max().item()
print(f"sample 0 with other batch-mates: its output moves by up to {noise:.2f}")
# --8<-- [end:fc]
bias_effect = (out_fc - without_bias).abs().max().item()

# %%
numbers = {
    "input_shape": str(tuple(x.shape)),
    "stats_shape": str(tuple(mean.shape)),
    "max_diff": f"{max_diff:.1e}",
    "swap_diff": f"{swap_diff:.1e}",
    "layout_error": layout_error,
    "skew_before": f"{skewness(relu_channel):.3f}",
    "skew_after": f"{skewness(relu_normalised):.3f}",
    "mean_after": f"{relu_normalised.mean().item():.3f}",
    "var_after": f"{relu_normalised.var(unbiased=False).item():.3f}",
    "pile": f"{pile:.3f}",
    "share_in_pile": f"{share_in_pile:.1%}",
    "wrong_mean_gap": f"{wrong_mean_gap:.2f}",
    "right_mean_gap": f"{right_mean_gap:.1e}",
    "memory_format_same": memory_format_same,
    "bias_effect": f"{bias_effect:.1e}",
    "batch_mates_noise": f"{noise:.2f}",
}
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
