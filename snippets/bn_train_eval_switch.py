"""What model.train() and model.eval() switch: one flag, and what BatchNorm and Dropout do with it.

`train()` and `eval()` set the attribute `training` of a module and of all its
submodules, and nothing else. BatchNorm reads the flag to choose its
statistics: the current batch's in train mode, the running averages in eval
mode; it normalises in both. Dropout reads it to choose between zeroing with
scaling by 1/(1 − p) (train) and passing its input through unchanged (eval).
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
# A small model with a nested block. `eval()` sets `training = False` on every module
# in the tree; `train()` sets it back to `True`. A new module starts in train mode.

# %%
# --8<-- [start:flag]
model = nn.Sequential(
    nn.Conv2d(3, 4, kernel_size=3, padding=1),
    nn.Sequential(nn.BatchNorm2d(4), nn.ReLU()),  # a nested block
    nn.Dropout(p=0.5),
).to(device)

def flags(m):
    return {name or "(model)": sub.training for name, sub in m.named_modules()}

print("new model: ", flags(model))
model.eval()  # the same as model.train(False)
print("after eval:", flags(model))
model.train()
print("after train:", flags(model))
# --8<-- [end:flag]
modules_total = len(flags(model))
model.eval()
modules_off = sum(not on for on in flags(model).values())
model.train()

# %% [markdown]
# Dropout with p = 0.25 on a tensor of ones: in train mode about a quarter of the
# entries become 0 and the others become 1/(1 − p); in eval mode it is the identity.

# %%
# --8<-- [start:dropout]
p = 0.25
drop = nn.Dropout(p=p).to(device)
ones = torch.ones(100_000, device=device)

drop.train()
out_train = drop(ones)
print("train: values", torch.unique(out_train).cpu().tolist(), " 1/(1-p) =", 1 / (1 - p))
print(f"train: fraction zeroed {(out_train == 0).float().mean().item():.4f}, "
      f"mean {out_train.mean().item():.4f}")

drop.eval()
out_eval = drop(ones)
print("eval: identity?", torch.equal(out_eval, ones))
# --8<-- [end:dropout]

# %% [markdown]
# BatchNorm in both modes, against the formula by hand. In train mode it normalises with
# this batch's mean and biased variance; in eval mode with `running_mean` and
# `running_var`. It normalises in both: eval mode does not turn it off.

# %%
# --8<-- [start:bn_modes]
bn = nn.BatchNorm1d(num_features=2).to(device)
for _ in range(50):  # some training batches fill the running averages
    bn(torch.randn(32, 2, device=device) * torch.tensor([2.0, 0.5], device=device) + 3.0)

print("running_mean:", bn.running_mean.cpu().numpy().round(3))
print("running_var: ", bn.running_var.cpu().numpy().round(3))
running_mean, running_var = bn.running_mean.clone(), bn.running_var.clone()

x = torch.randn(4, 2, device=device) * 4.0 - 1.0  # a batch unlike the training data
with torch.no_grad():
    bn.eval()
    y_eval = bn(x)
    running_hat = (x - running_mean) / torch.sqrt(running_var + bn.eps)
    bn.train()
    y_train = bn(x)  # note: this forward also updates the running averages
    batch_hat = (x - x.mean(0)) / torch.sqrt(x.var(0, unbiased=False) + bn.eps)

w, b = bn.weight.detach(), bn.bias.detach()
diff_eval = (y_eval - (w * running_hat + b)).abs().max().item()
diff_train = (y_train - (w * batch_hat + b)).abs().max().item()
print(f"eval mode  = running statistics: max diff {diff_eval:.1e}")
print(f"train mode = batch statistics:   max diff {diff_train:.1e}")
print(f"eval output is not the input: max |y_eval - x| = {(y_eval - x).abs().max().item():.3f}")
# --8<-- [end:bn_modes]

# %% [markdown]
# The three cases side by side: BatchNorm in train and eval mode, Dropout in train mode.

# %%
TEXT = {
    "zh": {"bn": "BN：同一批数据在两种模式下的输出", "in": "输入 x", "out": "输出",
           "train": "训练模式（本批统计量）", "eval": "评估模式（滑动平均）",
           "drop": "Dropout(p = 0.25)，输入全为 1", "value": "输出值", "share": "所占比例",
           "channel": "通道 0"},
    "en": {"bn": "BN: one batch through both modes", "in": "input x", "out": "output",
           "train": "train mode (batch statistics)", "eval": "eval mode (running averages)",
           "drop": "Dropout(p = 0.25) on a tensor of ones", "value": "output value", "share": "share",
           "channel": "channel 0"},
}[LANG]
fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
xs = x[:, 0].cpu().numpy()
axes[0].plot(xs, y_train[:, 0].cpu().numpy(), "o", markersize=8, label=TEXT["train"])
axes[0].plot(xs, y_eval[:, 0].cpu().numpy(), "s", markersize=8, label=TEXT["eval"])
axes[0].axhline(0, color="grey", linewidth=0.8)
axes[0].set(title=TEXT["bn"], xlabel=f"{TEXT['in']} ({TEXT['channel']})", ylabel=TEXT["out"])
axes[0].legend(fontsize=8)
values, counts = torch.unique(out_train, return_counts=True)
axes[1].bar([f"{v:.3g}" for v in values.cpu().tolist()], (counts / counts.sum()).cpu().numpy(),
            color=["C3", "C2"])
axes[1].set(title=TEXT["drop"], xlabel=TEXT["value"], ylabel=TEXT["share"])
fig.tight_layout()
fig.savefig(OUT / "modes.svg")

# %%
numbers = {
    "modules_total": modules_total,
    "modules_off": modules_off,
    "diff_train": f"{diff_train:.1e}",
    "diff_eval": f"{diff_eval:.1e}",
    "eval_vs_input": f"{(y_eval - x).abs().max().item():.2f}",
    "running_mean": ", ".join(f"{v:.2f}" for v in running_mean.tolist()),
    "running_var": ", ".join(f"{v:.2f}" for v in running_var.tolist()),
    "p": p,
    "kept_value": f"{1 / (1 - p):.4g}",
    "zeroed": f"{(out_train == 0).float().mean().item():.4f}",
    "train_mean": f"{out_train.mean().item():.4f}",
    "dropout_n": f"{ones.numel():,}",
}
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
