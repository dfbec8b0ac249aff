"""Chapter 1 (train/eval mode and BatchNorm): the facts the page states, checked against the
numbers.json that the build's run of each bn_* snippet wrote. A PyTorch release that changed
one of these behaviours fails here."""

import json

import pytest

from scripts import runner


@pytest.fixture(scope="module")
def numbers(kernel_run) -> dict[str, dict]:
    return {path.stem: json.loads((kernel_run(path.stem) / "numbers.json").read_text())
            for path in runner.all_snippets() if path.stem.startswith("bn_")}


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
    assert float(n["identity_diff"]) < 1e-4  # the batch gamma and beta came from: restored
    assert float(n["identity_other_diff"]) > 0.1  # another batch in train mode: not restored
    assert float(n["identity_eval_diff"]) < 1e-4  # eval mode with the running statistics: restored
    assert float(n["r2_gamma1"]) > float(n["r2_gamma3"])
    beta_minus, beta_zero, beta_plus = (float(n[f"active_beta_{k}"]) for k in ("minus", "zero", "plus"))
    assert beta_minus < 0.3 < beta_zero < 0.7 < beta_plus  # beta moves ReLU's threshold
    assert abs(beta_zero - 0.5) < 0.05


def test_bn_keeps_the_shape(numbers):
    n = numbers["bn_per_channel"]
    assert abs(float(n["mean_after"])) < 1e-3 and abs(float(n["var_after"]) - 1) < 1e-3
    assert float(n["skew_before"]) > 1  # a skewed channel, far from normal (skewness 0)
    assert float(n["skew_after"]) == pytest.approx(float(n["skew_before"]), abs=1e-2)
    assert 40 < float(n["share_in_pile"].rstrip("%")) < 60 and float(n["pile"]) < 0


def test_channels_last_layout(numbers):
    n = numbers["bn_per_channel"]
    assert n["layout_error"].startswith("running_mean should contain")  # H != C: an error
    assert float(n["right_mean_gap"]) < 1e-4
    assert float(n["wrong_mean_gap"]) > 0.1  # H == C: no error, wrong axis
    assert n["memory_format_same"] is True  # torch.channels_last is only a memory format


def test_bn_after_a_linear_layer(numbers):
    n = numbers["bn_per_channel"]
    assert float(n["bias_effect"]) < 1e-4  # the bias before BN is cancelled
    assert float(n["batch_mates_noise"]) > 0.05  # train mode: the output depends on the batch


def test_convergence_with_and_without_bn(numbers):
    final = numbers["bn_convergence"]["final"]
    for lr in ("0.1", "1.0"):
        assert max(final[f"{lr}_bn"]) < 0.8 * min(final[f"{lr}_plain"]), lr  # every seed, with margin
    assert min(final["0.1_plain"]) > 0.6  # without BN at the small rate: still near ln 2
    assert all(0.15 < v < 0.45 for lr in ("0.1", "1.0") for v in final[f"{lr}_bn"])  # "about 0.3"


def test_d2l_conventions(numbers):
    n = numbers["bn_d2l"]
    assert float(n["mean_gap"]) < 1e-5  # d2l's momentum 0.9 = PyTorch's momentum 0.1
    for key in ("var_ratio_min", "var_ratio_max"):
        assert float(n[key]) == pytest.approx(8 / 7, abs=1e-3)  # unbiased / biased update
    assert (n["train_no_grad_d2l_batch"], n["train_no_grad_torch_batch"]) == (False, True)
    assert (n["eval_grad_d2l_batch"], n["eval_grad_torch_batch"]) == (True, False)


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
