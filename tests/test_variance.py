"""Chapter 4 (variance with n or n−1): the numbers its snippets computed for the build say what
the page says. (That the snippets run on their own, and that zh and en mirror each other, is
checked for every chapter by test_snippets.py and test_site.py.)"""

import json

import pytest

from scripts import runner


@pytest.fixture(scope="module")
def numbers(kernel_run):
    """numbers.json of every var_* snippet, on both kernel sets (conftest.py)."""
    return {path.stem: json.loads((kernel_run(path.stem) / "numbers.json").read_text())
            for path in runner.all_snippets() if path.stem.startswith("var_")}


def close(text, value, tolerance):
    return abs(float(text) - value) <= tolerance


def test_sum_rule(numbers):
    n = numbers["var_sum"]
    assert close(n["var_sum"], 40, 1.0) and close(n["var_mean"], 0.4, 0.01)
    assert close(n["var_x_plus_x"], 16, 0.4) and close(n["var_x_plus_sx"], 8, 0.2)
    assert abs(float(n["corr_xy"])) < 0.01 and close(n["corr_x2y2"], 1, 1e-9)
    assert close(n["var_pair_m100"], 0, 1e-9) and close(n["var_pair_p50"], 12, 0.3)


def test_divide_by_n_is_biased_by_n_minus_1_over_n(numbers):
    n = numbers["var_bias_mc"]
    for size in (2, 5, 10):
        assert close(n[f"mean_by_n_{size}"], (size - 1) / size * 4, 0.05)
        assert close(n[f"mean_by_n_minus_1_{size}"], 4, 0.05)
    assert float(n["identity_gap"]) < 1e-10 and n["rank"] == 4
    assert float(n["smallest_singular"]) < 1e-9 < float(n["second_smallest_singular"])
    assert float(n["below_by_n_minus_1_5"]) > 0.5


def test_s_is_biased_low_and_c4_matches(numbers):
    n = numbers["var_sd_bias"]
    for size in (2, 5, 10):
        assert float(n[f"e_s_{size}"]) < 2.0
        assert close(n[f"e_s_{size}"], float(n[f"c4_sigma_{size}"]), 0.01)
        assert close(n[f"e_s_over_c4_{size}"], 2.0, 0.01)
    assert n["c4_2"] == "0.7979" and n["c4_5"] == "0.9400"


def test_mse_ranking(numbers):
    n = numbers["var_mse"]
    assert n["theory_nm1"] == "8.000" and n["theory_n"] == "5.760" and n["theory_np1"] == "5.333"
    five = [float(n[f"mse_{label}"]) for label in ("nm1", "n", "np1")]  # n = 5, σ² = 4: the page's one n = 5 table
    assert five[0] > five[1] > five[2] and close(n["mse_nm1"], 8, 0.2) and close(n["mse_np1"], 5.333, 0.15)
    assert not any(key.startswith(("mse_5_", "normal_")) for key in n), "n = 5, normal data: simulated once"
    for size in (2, 10):
        d = [float(n[f"mse_{size}_d{k}"]) for k in (size - 1, size, size + 1)]
        assert d[0] > d[1] > d[2], size
    assert float(n["coin_mse_nm1"]) < float(n["coin_mse_n"])  # light tails: n − 1 wins
    assert n["best_d_normal"] == "6.0" and n["best_d_coin"] == "4.4" and n["best_d_exp"] == "10.8"


def test_library_defaults(numbers):
    n = numbers["var_library_defaults"]
    biased = ["np_var_x", "torch_var_t_correction_0", "t_var_unbiased_False", "statistics_pvariance_x"]
    unbiased = ["np_var_x_ddof_1", "np_var_x_correction_1", "np_cov_x", "statistics_variance_x",
                "torch_var_t", "torch_cov_t"]
    assert all(n[k] == "5.25" for k in biased) and all(n[k] == "7" for k in unbiased)
    assert "correction=1" in n["torch_var_signature"] and "correction=1" in n["torch_std_signature"]
    assert n["bn_running_var"] == "7.0000"  # momentum=None, one batch: the unbiased variance of x
    assert n["eval_over_train"] == n["sqrt_3_4"] == "0.8660" and float(n["layer_norm_diff"]) < 1e-5


def test_exercise_answers(numbers):
    n = numbers["var_exercises"]
    assert n["ex1_theory"] == "40" and close(n["ex1_mc"], 40, 1.0)
    assert n["ex2_numpy"] == "2.0000" and n["ex2_ratio"] == n["ex2_sqrt"]
    assert close(n["ex3_mc"], float(n["ex3_theory"]), 0.005)
    assert close(n["ex4_known"], 4, 0.05)
    assert n["ex5_ratio"] == n["ex5_theory"]
