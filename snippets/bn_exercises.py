"""Answers to the exercises of chapter 1, each computed.

1. What a BatchNorm2d(64) holds: parameters, buffers, state_dict entries.
2. How many train-mode forward passes until running_mean reaches 99 % of the data's mean.
3. Dropout(p=0.2) on a tensor of ones, in train and in eval mode.
4. BatchNorm in train mode on a batch of two: what comes out, whatever goes in.
5. One forward pass of a fresh BatchNorm1d(1) on the values 0, 0, 0, 4.
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
import math

import matplotlib.pyplot as plt
import torch
from torch import nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
numbers = {}
# --8<-- [end:setup]

# %%
# --8<-- [start:ex1]
bn = nn.BatchNorm2d(64)
n_params = sum(p.numel() for p in bn.parameters())
buffers = {name: b.numel() for name, b in bn.named_buffers()}
print("learnable parameters:", n_params, {name: p.numel() for name, p in bn.named_parameters()})
print("buffers:", buffers, "total", sum(buffers.values()))
print("state_dict entries:", list(bn.state_dict()))
# --8<-- [end:ex1]
numbers.update(ex1_params=n_params, ex1_buffer_values=sum(buffers.values()), ex1_entries=len(bn.state_dict()))

# %%
# --8<-- [start:ex2]
bn = nn.BatchNorm1d(1).to(device)
batch = torch.tensor([[2.0], [4.0]], device=device)  # mean 3
k = 0
with torch.no_grad():
    while bn.running_mean.item() < 0.99 * 3.0:
        bn(batch)
        k += 1
print("forward passes until running_mean >= 2.97:", k)
print("smallest k with 1 - 0.9**k >= 0.99:", math.ceil(math.log(0.01) / math.log(0.9)))
# --8<-- [end:ex2]
numbers.update(ex2_k=k, ex2_log=f"{math.log(0.01) / math.log(0.9):.2f}")

# %%
# --8<-- [start:ex3]
drop = nn.Dropout(p=0.2).to(device)
ones = torch.ones(100_000, device=device)
train_out = drop(ones)
drop.eval()
eval_out = drop(ones)
print("train: values", torch.unique(train_out).tolist(), f"mean {train_out.mean().item():.4f}")
print("eval:  values", torch.unique(eval_out).tolist())
# --8<-- [end:ex3]
numbers.update(ex3_kept=f"{torch.unique(train_out).max().item():.2f}", ex3_mean=f"{train_out.mean().item():.4f}",
               ex3_zeroed=f"{(train_out == 0).float().mean().item():.4f}")

# %%
# --8<-- [start:ex4]
bn = nn.BatchNorm1d(3).to(device)
pair = torch.randn(2, 3, device=device) * torch.tensor([0.1, 10.0, 1000.0], device=device)
with torch.no_grad():
    out = bn(pair)
print("input:\n", pair.cpu().numpy().round(3))
print("output:\n", out.cpu().numpy().round(5))
# --8<-- [end:ex4]
numbers.update(ex4_abs_min=f"{out.abs().min().item():.5f}", ex4_abs_max=f"{out.abs().max().item():.5f}")

# %%
# --8<-- [start:ex5]
bn = nn.BatchNorm1d(1).to(device)
values = torch.tensor([[0.0], [0.0], [0.0], [4.0]], device=device)
with torch.no_grad():
    out = bn(values)
print(f"mean {values.mean().item():.4g}, biased var {values.var(unbiased=False).item():.4g}, "
      f"unbiased var {values.var(unbiased=True).item():.4g}")
print("output:", out.flatten().cpu().numpy().round(4))
print(f"running_mean {bn.running_mean.item():.4f}, running_var {bn.running_var.item():.4f}")
# --8<-- [end:ex5]
numbers.update(ex5_mean=f"{values.mean().item():.4g}", ex5_var_biased=f"{values.var(unbiased=False).item():.4g}",
               ex5_var_unbiased=f"{values.var(unbiased=True).item():.4g}")
numbers.update(ex5_out_4=f"{out[3].item():.4f}", ex5_out_0=f"{out[0].item():.4f}",
               ex5_running_mean=f"{bn.running_mean.item():.4f}", ex5_running_var=f"{bn.running_var.item():.4f}")

# %%
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
