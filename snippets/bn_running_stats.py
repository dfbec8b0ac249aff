"""A forward pass in train mode changes BatchNorm's buffers, not its weights.

One forward pass in train mode, under torch.no_grad() and with no optimizer,
leaves the learnable parameters (weight, bias) as they were, but updates the
buffers running_mean, running_var and num_batches_tracked. The buffers are
part of the state_dict, and eval mode normalises with them, so the model's
later eval outputs change. The update is an exponential moving average with
momentum 0.1; the running variance takes the unbiased batch variance, while
the normalisation itself divides by the biased one.
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
import inspect

import matplotlib.pyplot as plt
import torch
from torch import nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)

# %% [markdown]
# A small convolutional model, and a copy of everything in its `state_dict`.

# %%
model = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU())
model = model.to(device)
test_batch = torch.randn(2, 3, 8, 8, device=device)

model.eval()
with torch.no_grad():
    eval_before = model(test_batch)
params_before = {k: v.clone() for k, v in model.named_parameters()}
buffers_before = {k: v.clone() for k, v in model.named_buffers()}
print("parameters:", list(params_before))
print("buffers:   ", list(buffers_before))
print("state_dict:", list(model.state_dict()))
# --8<-- [end:setup]

# %% [markdown]
# One forward pass in train mode: no loss, no backward, no optimizer, and no autograd.

# %%
# --8<-- [start:forward]
model.train()
with torch.no_grad():
    model(torch.randn(16, 3, 8, 8, device=device) * 3.0 + 2.0)  # one batch of new data

for name, before in params_before.items():
    change = (model.get_parameter(name) - before).abs().max().item()
    print(f"parameter {name:<22} max change {change:.1e}")
for name, before in buffers_before.items():
    change = (model.get_buffer(name).double() - before.double()).abs().max().item()
    print(f"buffer    {name:<22} max change {change:.3g}")
# --8<-- [end:forward]
param_change = max((model.get_parameter(k) - v).abs().max().item() for k, v in params_before.items())
mean_change = (model[1].running_mean - buffers_before["1.running_mean"]).abs().max().item()
var_change = (model[1].running_var - buffers_before["1.running_var"]).abs().max().item()

# %% [markdown]
# The same test batch in eval mode, before and after that one forward pass.

# %%
# --8<-- [start:eval_changes]
model.eval()
with torch.no_grad():
    eval_after = model(test_batch)
eval_shift = (eval_after - eval_before).abs().max().item()
print(f"eval output on the same test batch: max change {eval_shift:.3f}")
print("num_batches_tracked:", model[1].num_batches_tracked.item())
# --8<-- [end:eval_changes]

# %% [markdown]
# Where this happens in the installed PyTorch: `_BatchNorm.forward` counts the batch
# itself and, in train mode, hands the running buffers to `F.batch_norm`, whose native
# kernel writes the new averages into them.

# %%
# --8<-- [start:source]
lines, first = inspect.getsourcelines(nn.modules.batchnorm._BatchNorm.forward)
wanted = ("def forward", "if self.training and self.track_running_stats",
          "num_batches_tracked.add_(1)", "return F.batch_norm", "self.running_mean\n",
          "self.running_var if", "bn_training,")
print(f"torch {torch.__version__}, torch/nn/modules/batchnorm.py:")
shown = [(number, line.rstrip()) for number, line in enumerate(lines, first)
         if any(key in line for key in wanted)]
for number, line in shown:
    print(f"{number:>4} {line}")
# --8<-- [end:source]

# %% [markdown]
# The update rule, by hand, on a tiny tensor: one channel, four values. The output is
# normalised with the biased variance (divide by n); the running variance moves
# towards the unbiased one (divide by n − 1). A fresh BN starts from mean 0, variance 1.

# %%
# --8<-- [start:tiny]
values = torch.tensor([[1.0], [2.0], [3.0], [6.0]], device=device)  # (N=4, C=1)
bn = nn.BatchNorm1d(1).to(device)
m = bn.momentum  # 0.1
with torch.no_grad():
    out = bn(values)

mean = values.mean()
var_biased = values.var(unbiased=False)  # divide by n = 4
var_unbiased = values.var(unbiased=True)  # divide by n - 1 = 3
print(f"batch mean {mean.item():.4f}, biased var {var_biased.item():.4f}, "
      f"unbiased var {var_unbiased.item():.4f}")

expected_out = (values - mean) / torch.sqrt(var_biased + bn.eps)
expected_mean = (1 - m) * 0.0 + m * mean
expected_var = (1 - m) * 1.0 + m * var_unbiased
print("output:      ", out.flatten().cpu().numpy().round(4))
print("by hand:     ", expected_out.flatten().cpu().numpy().round(4))
print(f"running_mean {bn.running_mean.item():.4f}, by hand (1-m)*0 + m*mean = {expected_mean.item():.4f}")
print(f"running_var  {bn.running_var.item():.4f}, by hand (1-m)*1 + m*unbiased var = {expected_var.item():.4f}")
print(f"(with the biased variance: {((1 - m) * 1.0 + m * var_biased).item():.4f})")
# --8<-- [end:tiny]
tiny_out_diff = (out - expected_out).abs().max().item()
tiny_var_diff = abs(bn.running_var.item() - expected_var.item())

# %% [markdown]
# The same rule over many batches: the running mean is an exponential moving average; each
# new batch multiplies the weight of all earlier ones by 1 − momentum. Here every batch has
# mean 3 and variance 4.

# %%
bn_ema = nn.BatchNorm1d(1).to(device)
steps, running_means, running_vars = 60, [], []
with torch.no_grad():
    for _ in range(steps):
        batch = torch.randn(64, 1, device=device)
        batch = (batch - batch.mean()) / batch.std() * 2.0 + 3.0  # mean exactly 3, unbiased var exactly 4
        bn_ema(batch)
        running_means.append(bn_ema.running_mean.item())
        running_vars.append(bn_ema.running_var.item())
theory_mean = [3.0 * (1 - 0.9 ** k) for k in range(1, steps + 1)]
theory_var = [4.0 + (1.0 - 4.0) * 0.9 ** k for k in range(1, steps + 1)]
ema_gap = max(max(abs(a - b) for a, b in zip(running_means, theory_mean)),
              max(abs(a - b) for a, b in zip(running_vars, theory_var)))
print(f"after {steps} batches: running_mean {running_means[-1]:.4f}, running_var {running_vars[-1]:.4f}")
print(f"largest gap to 3(1-0.9^k) and 4-3*0.9^k: {ema_gap:.1e}")

TEXT = {
    "zh": {"title": "每批均值为 3、方差为 4 时滑动平均的变化", "x": "训练模式下前向传播的次数 k",
           "mean": "running_mean", "var": "running_var", "theory": "公式 (1 − 0.9ᵏ)·目标 + 0.9ᵏ·初值"},
    "en": {"title": "Running statistics when every batch has mean 3 and variance 4",
           "x": "number of train-mode forward passes k",
           "mean": "running_mean", "var": "running_var", "theory": "formula (1 − 0.9ᵏ)·target + 0.9ᵏ·start"},
}[LANG]
fig, ax = plt.subplots(figsize=(7, 3.4))
k = range(1, steps + 1)
ax.plot(k, running_means, "o", markersize=3, label=TEXT["mean"])
ax.plot(k, running_vars, "s", markersize=3, label=TEXT["var"])
ax.plot(k, theory_mean, color="black", linewidth=1, label=TEXT["theory"])
ax.plot(k, theory_var, color="black", linewidth=1)
ax.set(title=TEXT["title"], xlabel=TEXT["x"])
ax.legend()
fig.tight_layout()
fig.savefig(OUT / "ema.svg")

# %%
numbers = {
    "param_change": f"{param_change:.1e}",
    "mean_change": f"{mean_change:.3f}",
    "var_change": f"{var_change:.3f}",
    "eval_shift": f"{eval_shift:.3f}",
    "num_batches_tracked": model[1].num_batches_tracked.item(),
    "torch_version": torch.__version__.split("+")[0],
    "tiny_values": "1, 2, 3, 6",
    "tiny_mean": f"{mean.item():.4g}",
    "tiny_var_biased": f"{var_biased.item():.4g}",
    "tiny_var_unbiased": f"{var_unbiased.item():.4f}",
    "tiny_running_mean": f"{bn.running_mean.item():.4f}",
    "tiny_running_var": f"{bn.running_var.item():.4f}",
    "tiny_expected_var": f"{expected_var.item():.4f}",
    "tiny_if_biased": f"{((1 - m) * 1.0 + m * var_biased).item():.4f}",
    "tiny_out": ", ".join(f"{v:.4f}" for v in out.flatten().tolist()),
    "tiny_out_diff": f"{tiny_out_diff:.1e}",
    "tiny_var_diff": f"{tiny_var_diff:.1e}",
    "momentum": m,
    "ema_steps": steps,
    "ema_mean_last": f"{running_means[-1]:.4f}",
    "ema_var_last": f"{running_vars[-1]:.4f}",
    "ema_gap": f"{ema_gap:.1e}",
    "source_found": len(shown),
    "line_forward": shown[0][0],
    "line_call": next(n for n, line in shown if "return F.batch_norm" in line),
}
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
