"""Chapter 1 (train/eval mode and BatchNorm): its snippets run on their own and print what the page claims.

Each bn_* snippet runs as a reader would run it, `python snippets/NAME.py` in an
empty folder, and the facts the page states are checked against the numbers.json
it writes. A PyTorch release that changed one of these behaviours fails here.
The two pages are checked to mirror each other.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SNIPPETS = sorted((ROOT / "snippets").glob("bn_*.py"))
PAGES = {lang: ROOT / "docs" / lang / "train-eval-batchnorm.md" for lang in ("zh", "en")}


def run_snippet(name: str, folder: Path, lang: str = "en") -> dict:
    env = {**os.environ, "SNIPPET_LANG": lang, "SNIPPET_OUT": str(folder), "MPLBACKEND": "Agg",
           "OMP_NUM_THREADS": "1"}
    subprocess.run([sys.executable, str(ROOT / "snippets" / f"{name}.py")], cwd=folder, env=env,
                   check=True, capture_output=True, text=True, timeout=300)
    return json.loads((folder / "numbers.json").read_text())


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    """Run every bn_* snippet once; {name: the folder it wrote to}."""
    folders = {}
    for snippet in SNIPPETS:
        folders[snippet.stem] = tmp_path_factory.mktemp(snippet.stem)
        run_snippet(snippet.stem, folders[snippet.stem])
    return folders


@pytest.fixture(scope="module")
def numbers(outputs) -> dict[str, dict]:
    return {name: json.loads((folder / "numbers.json").read_text()) for name, folder in outputs.items()}


def test_the_figures_the_pages_show_are_written(outputs):
    for page in PAGES.values():
        for name, file in re.findall(r"\]\(figures/(\w+)/([\w.]+)\)", page.read_text()):
            assert (outputs[name] / file).exists(), f"{page}: figures/{name}/{file}"


def test_train_eval_flag_and_dropout(numbers):
    n = numbers["bn_train_eval_switch"]
    assert n["modules_off"] == n["modules_total"]
    assert float(n["diff_train"]) < 1e-5 and float(n["diff_eval"]) < 1e-5
    assert float(n["eval_vs_input"]) > 0.1  # eval mode still normalises
    assert float(n["kept_value"]) == pytest.approx(1 / (1 - n["p"]), rel=1e-3)
    assert float(n["zeroed"]) == pytest.approx(n["p"], abs=0.01)


def test_forward_changes_buffers_not_parameters(numbers):
    n = numbers["bn_running_stats"]
    assert float(n["param_change"]) == 0.0
    assert float(n["mean_change"]) > 0 and float(n["var_change"]) > 0 and float(n["eval_shift"]) > 0
    assert n["num_batches_tracked"] == 1
    assert n["source_found"] >= 5  # the lines of _BatchNorm.forward the page points to are still there


def test_running_var_takes_the_unbiased_variance(numbers):
    n = numbers["bn_running_stats"]
    assert float(n["tiny_var_biased"]) == pytest.approx(3.5)
    assert float(n["tiny_var_unbiased"]) == pytest.approx(14 / 3, abs=1e-4)
    assert float(n["tiny_running_var"]) == pytest.approx(0.9 + 0.1 * 14 / 3, abs=1e-4)
    assert float(n["tiny_running_mean"]) == pytest.approx(0.3, abs=1e-4)
    assert float(n["ema_gap"]) < 1e-4


def test_small_batch_distorts_and_one_value_raises(numbers):
    n = numbers["bn_small_batch"]
    assert n["error_message"].startswith("Expected more than 1 value per channel when training")
    for key in ("dark", "warm"):
        assert float(n[f"error_train_{key}"]) > 2 * float(n[f"error_eval_{key}"])
    assert float(n["group_norm_diff"]) < 1e-5


def test_eval_is_not_no_grad(numbers):
    n = numbers["bn_eval_steps"]
    expected = {  # training, graph, buffers_move, repeatable, batch_independent
        "train_only": "✓✓✓✗✗", "train_no_grad": "✓✗✓✗✗", "eval_only": "✗✓✗✓✓",
        "eval_no_grad": "✗✗✗✓✓", "eval_inference_mode": "✗✗✗✓✓",
    }
    columns = ("training", "graph", "buffers_move", "repeatable", "batch_independent")
    for row, marks in expected.items():
        assert "".join(n[f"{row}_{c}"] for c in columns) == marks, row
    assert n["inference_error"].startswith("Inference tensors cannot be saved for backward")


def test_why_and_scale_shift(numbers):
    n = numbers["bn_why"]
    assert float(n["share_bn"].rstrip("%")) < float(n["share_plain_min"].rstrip("%"))
    assert float(n["identity_diff"]) < 1e-4
    assert float(n["r2_gamma1"]) > float(n["r2_gamma3"])


def test_two_optimizers(numbers):
    n = numbers["bn_train_steps"]
    assert float(n["d_grad_after_G"]) > 0  # G's backward reaches D's .grad
    assert float(n["d_change_by_opt_G"]) == 0.0  # but opt_G.step() leaves D alone
    assert float(n["distance_after"]) < float(n["distance_before"])


def test_exercise_answers(numbers):
    n = numbers["bn_exercises"]
    assert (n["ex1_params"], n["ex1_buffer_values"], n["ex1_entries"]) == (128, 129, 5)
    assert n["ex2_k"] == 44
    assert n["ex3_kept"] == "1.25"
    assert float(n["ex4_abs_max"]) == pytest.approx(1.0, abs=1e-4)
    assert (n["ex5_running_mean"], n["ex5_running_var"]) == ("0.1000", "1.3000")


def test_numbers_do_not_depend_on_the_language(tmp_path, numbers):
    assert run_snippet("bn_running_stats", tmp_path, lang="zh") == numbers["bn_running_stats"]


def _skeleton(page: Path) -> dict:
    text = page.read_text()
    return {
        "headings": re.findall(r"^(#{2,4}) .*?(\{#[\w-]+\})?$", text, re.M),
        "figures": re.findall(r"\]\((figures/[^)]+)\)", text),
        "includes": re.findall(r'--8<-- "([^"]+)"', text),
        "placeholders": sorted(re.findall(r"\{\{\s*(\w+\.\w+)\s*\}\}", text)),
        "admonitions": re.findall(r"^(!!!|\?\?\?) (\w+)", text, re.M),
    }


def test_pages_mirror_each_other():
    zh, en = (_skeleton(PAGES[lang]) for lang in ("zh", "en"))
    for part in zh:
        assert zh[part] == en[part], part


def test_pages_quote_only_numbers_that_exist(numbers):
    for page in PAGES.values():
        for name, key in re.findall(r"\{\{\s*(\w+)\.(\w+)\s*\}\}", page.read_text()):
            if name.startswith("bn_"):
                assert key in numbers[name], f"{page.name}: {name}.{key}"
