"""What numpy, PyTorch and BatchNorm divide by when nobody says.

One small data set, x = [1, 2, 4, 7] (n = 4, mean 3.5, Σ(x − x̄)² = 21), so
dividing by n gives 5.25 and dividing by n − 1 gives 7. numpy's var and std
divide by n unless told otherwise (ddof=0); torch.var and torch.std divide by
n − 1 (correction=1); np.cov and torch.cov divide by n − 1; BatchNorm
normalises with the divide-by-n variance but feeds the divide-by-(n − 1) one
into running_var. Every line below runs and prints what it returns.
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
import re
import statistics
import warnings

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
numbers = {}

def show(value):
    """A scalar from numpy, torch or Python, as the page prints it."""
    return f"{float(value):.4g}"

def key_of(call):
    """A numbers.json key from a call: "np.var(x, ddof=1)" -> "np_var_x_ddof_1"."""
    return re.sub(r"\W+", "_", call).strip("_")
# --8<-- [end:setup]

# %% [markdown]
# numpy: `var` and `std` take `ddof` ("delta degrees of freedom", the divisor is
# n − ddof), default 0. Since numpy 2.0 `correction` is accepted as a synonym.
# `np.cov` has its own default: it divides by n − 1.

# %%
# --8<-- [start:numpy]
x = np.array([1.0, 2.0, 4.0, 7.0])
numpy_calls = {
    "np.var(x)": np.var(x),
    "np.var(x, ddof=1)": np.var(x, ddof=1),
    "np.std(x)": np.std(x),
    "np.std(x, ddof=1)": np.std(x, ddof=1),
    "np.var(x, correction=1)": np.var(x, correction=1),
    "np.cov(x)": np.cov(x),
    "statistics.pvariance(x)": statistics.pvariance(x.tolist()),
    "statistics.variance(x)": statistics.variance(x.tolist()),
}
for call, value in numpy_calls.items():
    print(f"{call:<26} = {show(value)}")
# --8<-- [end:numpy]
numbers.update({key_of(call): show(v) for call, v in numpy_calls.items()})
numbers["numpy_version"] = np.__version__
numbers.update(data_n=len(x), data_mean=show(x.mean()), data_q=show(((x - x.mean()) ** 2).sum()))

# %% [markdown]
# PyTorch: `torch.var` and `torch.std` take `correction` (the divisor is
# n − correction), default 1. The older `unbiased=False` still works. The
# signature, from the installed version's own docstring:

# %%
# --8<-- [start:torch]
print("torch", torch.__version__)
print(torch.var.__doc__.strip().splitlines()[0])
t = torch.tensor(x, dtype=torch.float32, device=device)
torch_calls = {
    "torch.var(t)": torch.var(t),
    "torch.var(t, correction=0)": torch.var(t, correction=0),
    "torch.std(t)": torch.std(t),
    "torch.std(t, correction=0)": torch.std(t, correction=0),
    "t.var(unbiased=False)": t.var(unbiased=False),
    "torch.cov(t)": torch.cov(t),
}
for call, value in torch_calls.items():
    print(f"{call:<26} = {show(value)}")
# --8<-- [end:torch]
numbers.update({key_of(call): show(v) for call, v in torch_calls.items()})
numbers["torch_version"] = torch.__version__.split("+")[0]
numbers["torch_var_signature"] = torch.var.__doc__.strip().splitlines()[0]
numbers["torch_std_signature"] = torch.std.__doc__.strip().splitlines()[0]

# %% [markdown]
# With one value there is no deviation left to average: dividing by n − 1 = 0
# gives nan, with a warning, in both libraries.

# %%
# --8<-- [start:one]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    one_torch = torch.var(torch.tensor([3.0], device=device))
    one_numpy = np.var(np.array([3.0]), ddof=1)
for value, name in ((one_torch, "torch.var"), (one_numpy, "np.var(ddof=1)")):
    print(f"{name} of one value: {show(value)}")
messages = [str(w.message).split(" (Triggered internally")[0] for w in caught]
for message in messages:
    print("warning:", message)
# --8<-- [end:one]
numbers["one_torch"] = show(one_torch)
numbers["one_numpy"] = show(one_numpy)
numbers["torch_one_warning"] = next(m for m in messages if m.startswith("var()"))
numbers["numpy_one_warning"] = next(m for m in messages if m.startswith("Degrees"))

# %% [markdown]
# BatchNorm normalises a batch with its divide-by-n variance but feeds the
# divide-by-(n − 1) one into running_var (chapter 1). With momentum=None (a plain
# average) one batch makes running_var exactly that unbiased 7, so evaluation mode
# normalises the very same batch with 7 instead of 5.25: every output shrinks by
# sqrt((m − 1)/m), here sqrt(3/4). LayerNorm keeps no running statistics and
# uses the divide-by-n variance.

# %%
# --8<-- [start:batchnorm]
batch = t.view(4, 1)  # the four numbers as one feature of 4 samples: m = 4
bn = nn.BatchNorm1d(num_features=1, momentum=None).to(device)
with torch.no_grad():
    y_train = bn(batch)  # normalised with the batch's variance, divided by m
    bn.eval()
    y_eval = bn(batch)  # normalised with running_var
print(f"running_var = {bn.running_var.item():.4f}")
ratio = (y_eval / y_train).flatten().cpu().numpy()
print(f"eval output / train output = {ratio.round(4)}")
print(f"sqrt(3/4) = {np.sqrt(3 / 4):.4f}")
by_hand_biased = (t - t.mean()) / torch.sqrt(torch.var(t, correction=0) + 1e-5)
layer_norm = F.layer_norm(t, normalized_shape=(4,))
layer_norm_diff = (layer_norm - by_hand_biased).abs().max().item()
print(f"max |layer_norm − normalised with /n| = {layer_norm_diff:.1e}")
# --8<-- [end:batchnorm]
numbers.update(bn_running_var=f"{bn.running_var.item():.4f}",
               eval_over_train=f"{(y_eval / y_train).mean().item():.4f}",
               sqrt_3_4=f"{np.sqrt(3 / 4):.4f}",
               layer_norm_diff=f"{layer_norm_diff:.1e}")

# %% [markdown]
# How much does n/(n − 1) matter inside a network? For a (8, C, 4, 5) batch each
# channel averages m = 160 values: the factor m/(m − 1) against the batch-to-batch
# spread of the batch variance itself (normal data, 10,000 batches).

# %%
# --8<-- [start:scale]
m = 8 * 4 * 5
batch_variances = np.random.default_rng(0).normal(size=(10_000, m)).var(axis=1)
relative_spread = batch_variances.std() / batch_variances.mean()
print(f"m/(m−1) = {m / (m - 1):.4f}: the two divisors differ by {100 / (m - 1):.2f}%")
print(f"batch variances spread by {100 * relative_spread:.1f}% from batch to batch")
# --8<-- [end:scale]
numbers.update(scale_m=m, scale_factor=f"{m / (m - 1):.4f}", scale_percent=f"{100 / (m - 1):.2f}",
               scale_spread=f"{100 * relative_spread:.1f}")

# %%
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
