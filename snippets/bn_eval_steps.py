"""Evaluation: eval() and no_grad() do different jobs, and a correct recipe needs both.

`model.eval()` changes how BatchNorm and Dropout compute; it does not stop
autograd. `torch.no_grad()` and `torch.inference_mode()` stop autograd; they do
not change any module's mode, so BN in train mode still uses batch statistics
and still updates its running averages under them. The recipe: eval(), then
forward passes under no_grad() or inference_mode(), then back to train mode.
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
from contextlib import nullcontext

import matplotlib.pyplot as plt
import torch
from torch import nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)

# %% [markdown]
# A small classifier with a BatchNorm and a Dropout, after some training batches.

# %%
model = nn.Sequential(
    nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(p=0.5), nn.Linear(8, 2),
).to(device)
for _ in range(20):
    model(torch.randn(32, 4, device=device))  # fills the running averages
test_batch = torch.randn(6, 4, device=device)
# --8<-- [end:setup]

# %% [markdown]
# inference_mode() is a stricter no_grad(): its outputs are inference tensors, which
# autograd refuses to use later.

# %%
# --8<-- [start:inference_mode]
model.eval()
with torch.inference_mode():
    features = model[:3](test_batch)
print("inference_mode: requires_grad =", features.requires_grad,
      " is_inference =", features.is_inference())
try:
    model[4](model[3](features)).sum().backward()  # use it where autograd is on
except RuntimeError as error:
    inference_error = str(error)
    print("RuntimeError:", inference_error.split(".")[0] + ".")
# --8<-- [end:inference_mode]

# %% [markdown]
# The five ways to run a test batch, each checked: is the model in train mode, does the
# output carry a graph, do BN's buffers move, do two passes agree, and do the first two
# samples get the same outputs as a batch of their own as inside the whole batch?

# %%
# --8<-- [start:table]
def check(use_eval, context):
    model.train(not use_eval)
    buffers = [b.clone() for b in model.buffers()]
    with context():
        out_a, out_b = model(test_batch), model(test_batch)
        out_pair = model(test_batch[:2])  # the first two samples on their own
    moved = any(not torch.equal(b, now) for b, now in zip(buffers, model.buffers()))
    return {"training": model.training, "graph": out_a.requires_grad, "buffers_move": moved,
            "repeatable": torch.equal(out_a, out_b),
            "batch_independent": torch.allclose(out_a[:2], out_pair, atol=1e-6)}

cases = {
    "train, no_grad": (False, torch.no_grad),
    "eval only": (True, nullcontext),
    "eval + no_grad": (True, torch.no_grad),
    "eval + inference_mode": (True, torch.inference_mode),
    "train only": (False, nullcontext),
}
table = {name: check(*case) for name, case in cases.items()}
for name, row in table.items():
    print(f"{name:<22}", row)
# --8<-- [end:table]

# %% [markdown]
# The evaluation recipe as a function: remember the mode, switch to eval, run without
# autograd, switch back.

# %%
# --8<-- [start:recipe]
def evaluate(model, batches):
    was_training = model.training
    model.eval()  # BN: running statistics; Dropout: identity
    with torch.inference_mode():  # no graph, no activations kept for backward
        outputs = torch.cat([model(batch) for batch in batches])
    model.train(was_training)  # usually: back to model.train()
    return outputs

model.train()
buffers = [b.clone() for b in model.buffers()]
batches = list(test_batch.split(2))  # three batches of 2
once, twice = evaluate(model, batches), evaluate(model, [test_batch])
print("back in train mode:", model.training)
print("buffers untouched:", all(map(torch.equal, buffers, model.buffers())))
print("batches of 2 and one batch of 6 agree:", torch.allclose(once, twice, atol=1e-6))
# --8<-- [end:recipe]

# %%
numbers = {"inference_error": inference_error}
for name, row in table.items():
    key = name.replace(" + ", "_").replace(", ", "_").replace(" ", "_")
    for column, value in row.items():
        numbers[f"{key}_{column}"] = "✓" if value else "✗"
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1, ensure_ascii=False))
print(numbers)
