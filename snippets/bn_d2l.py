"""A from-scratch BatchNorm in the style of d2l, against PyTorch's nn.BatchNorm1d.

The BatchNorm that "Dive into Deep Learning" (d2l) writes from scratch makes
three choices a student meets again elsewhere: its momentum is the weight of
the old value (0.9), it updates the moving variance with the biased batch
variance, and it picks between batch and moving statistics with
torch.is_grad_enabled(), not with a train/eval flag. The function below is a
small re-implementation of those three conventions, written for this page;
each is compared with PyTorch on numbers.
"""

# %% [markdown]
# The site's bookkeeping, which a reader can skip: the language of the figure labels
# and the folder that the figures and numbers.json go to.

# %%
import json
import os
from pathlib import Path

LANG = os.environ.get("SNIPPET_LANG", "en")  # language of the figure labels: "zh" or "en"
OUT = Path(os.environ.get("SNIPPET_OUT", "out"))  # where figures and numbers.json go
OUT.mkdir(parents=True, exist_ok=True)


# %%
# --8<-- [start:setup]
import torch
from torch import nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
# --8<-- [end:setup]

# %% [markdown]
# The function, for inputs of shape (N, F).

# %%
# --8<-- [start:function]
def d2l_style_batch_norm(x, gamma, beta, moving_mean, moving_var, eps=1e-5, momentum=0.9):
    """BatchNorm on (N, F) with d2l's three conventions; returns y and the new moving statistics."""
    if torch.is_grad_enabled():  # taken to mean "training"
        mean = x.mean(dim=0)
        var = ((x - mean) ** 2).mean(dim=0)  # biased: divides by N
        moving_mean = momentum * moving_mean + (1 - momentum) * mean  # momentum weights the OLD value
        moving_var = momentum * moving_var + (1 - momentum) * var  # the biased variance goes in
    else:  # taken to mean "prediction"
        mean, var = moving_mean, moving_var
    y = gamma * (x - mean) / torch.sqrt(var + eps) + beta
    return y, moving_mean, moving_var
# --8<-- [end:function]

# %% [markdown]
# One update from the same start (mean 0, variance 1) on a batch of 8: d2l's momentum 0.9
# is PyTorch's momentum 0.1, so the running means agree; the running variances do not,
# because PyTorch feeds in the unbiased variance, N / (N − 1) times the biased one.

# %%
# --8<-- [start:update]
x = torch.randn(8, 3, device=device) * 2.0 + 1.0  # (N, F) = (8, 3)
gamma, beta = torch.ones(3, device=device), torch.zeros(3, device=device)
start_mean, start_var = torch.zeros(3, device=device), torch.ones(3, device=device)

with torch.enable_grad():
    _, d2l_mean, d2l_var = d2l_style_batch_norm(x, gamma, beta, start_mean, start_var)
bn = nn.BatchNorm1d(3, momentum=0.1).to(device)  # PyTorch: momentum weights the NEW value
bn(x)
print("running mean, d2l style:", d2l_mean.cpu().numpy().round(4))
print("running_mean, PyTorch:  ", bn.running_mean.cpu().numpy().round(4))
print("running var, d2l style: ", d2l_var.cpu().numpy().round(4))
print("running_var, PyTorch:   ", bn.running_var.detach().cpu().numpy().round(4))
var_ratio = ((bn.running_var - 0.9) / (d2l_var - 0.9)).detach()  # the two update terms
print("ratio of the update terms:", var_ratio.cpu().numpy().round(4), " N / (N - 1) =", round(8 / 7, 4))
# --8<-- [end:update]
mean_gap = (d2l_mean - bn.running_mean).abs().max().item()

# %% [markdown]
# Which statistics does each use? The d2l-style function asks whether autograd is on;
# PyTorch asks the module's `training` flag. Run both in the two mixed cases: train mode
# under no_grad(), and eval mode with autograd on.

# %%
# --8<-- [start:mode]
def uses_batch_statistics(y):  # with gamma = 1, beta = 0: does y have mean 0 per feature?
    return y.mean(dim=0).abs().max().item() < 1e-4

moving_mean, moving_var = bn.running_mean.clone(), bn.running_var.clone()
test = torch.randn(8, 3, device=device) * 2.0 + 1.0
found = {}
for training, grad_on in ((True, False), (False, True)):
    bn.train(training)
    with torch.set_grad_enabled(grad_on):
        y_d2l, _, _ = d2l_style_batch_norm(test, gamma, beta, moving_mean, moving_var)
        found[training] = (uses_batch_statistics(y_d2l), uses_batch_statistics(bn(test)))
    print(f"training={training!s:<5} grad enabled={grad_on!s:<5}: batch statistics? "
          f"d2l style {found[training][0]}, PyTorch {found[training][1]}")
# --8<-- [end:mode]

# %%
numbers = {
    "mean_gap": f"{mean_gap:.1e}",
    "var_ratio_min": f"{var_ratio.min().item():.4f}",
    "var_ratio_max": f"{var_ratio.max().item():.4f}",
    "n_over_n_minus_1": f"{8 / 7:.4f}",
    "train_no_grad_d2l_batch": found[True][0],
    "train_no_grad_torch_batch": found[True][1],
    "eval_grad_d2l_batch": found[False][0],
    "eval_grad_torch_batch": found[False][1],
}
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
