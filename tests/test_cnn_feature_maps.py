"""Chapter 2 (CNNs and feature maps): the snippets computed what the pages say.

The tests read what the build's run of each snippet wrote (numbers.json and
the Markdown tables it generates), and check the pages' generated-table includes.
"""

import json
import re

import pytest

from scripts import runner
from tests import markdown_facts as md




@pytest.fixture(scope="module")
def run(kernel_run):
    """run(name, lang) -> the folder a run of snippet NAME wrote into: in English on both kernel
    sets (conftest.py), in Chinese the build's."""
    return lambda name, lang="en": kernel_run(name) if lang == "en" else runner.BUILD / name / lang


def numbers(folder):
    return json.loads((folder / "numbers.json").read_text(encoding="utf-8"))


def table_rows(path):
    """The body rows of a Markdown table, as lists of stripped cells."""
    lines = path.read_text(encoding="utf-8").strip().splitlines()[2:]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]


def test_hand_convolution_equals_conv2d(run):
    result = numbers(run("cnn_worked_example"))
    assert result["max_diff_s1"] == result["max_diff_s2"] == "0"
    assert float(result["max_diff_float"]) < 1e-5
    assert result["out_s1_hwc"] == "5×5×2" and result["out_s2_hwc"] == "4×4×2"
    assert float(result["flipped_diff"]) < 1e-5 < float(result["unflipped_diff"])


def test_output_size_formula_matches_pytorch(run):
    rows = table_rows(run("cnn_worked_example") / "output_sizes.md")
    assert len(rows) == numbers(run("cnn_worked_example"))["formula_cases"]
    for width, kernel, stride, padding, _, by_formula, by_torch in rows:
        assert by_formula == by_torch == str((int(width) + 2 * int(padding) - int(kernel)) // int(stride) + 1)


def test_dilation_and_d2l_forms_match_conv2d(run):
    result = numbers(run("cnn_worked_example"))
    assert result["grid_agree"] == result["grid_cases"] > 500
    assert (result["dilated_7"], result["dilated_224"], result["odd_padding_8"]) == (3, 224, 4)


def test_pooling_is_per_channel_and_has_no_parameters(run):
    result = numbers(run("cnn_pooling"))
    assert result["per_channel"] is True and result["n_params"] == 0
    assert (result["in_shape"], result["out_shape"]) == ("(1, 2, 4, 4)", "(1, 2, 2, 2)")
    assert (result["size_224"], result["size_7"], result["size_7_ceil"], result["size_112"]) == (112, 3, 4, 56)


def test_one_by_one_convolution_is_a_linear_layer_per_pixel(run):
    result = numbers(run("cnn_param_count"))
    assert float(result["one_by_one_diff"]) < 1e-5
    assert (result["one_by_one_params"], result["three_by_three_params"]) == ("16,448", "147,520")
    assert result["one_by_one_out"] == "(1, 64, 14, 14)"


def test_figure_draws_the_worked_example(run):
    figure = run("cnn_demo_figure")
    assert numbers(figure)["output_values"] == numbers(run("cnn_worked_example"))["out_s1_values"]
    for step in (1, 2, 3):
        assert (figure / f"step{step}.svg").stat().st_size < 150_000


def test_filter_depth_error_is_quoted_verbatim(run):
    message = numbers(run("cnn_filter_depth"))["depth_error"]
    assert "weight of size [2, 3, 3, 3], expected input[1, 4, 7, 7] to have 3 channels, but got 4" in message


def test_parameter_formula_equals_numel(run):
    rows = table_rows(run("cnn_param_count") / "param_table.md")
    assert len(rows) >= 5
    for _, formula, by_formula, by_numel in rows:
        in_maps, n, _, bias, filters = re.fullmatch(r"\((\d+)·(\d+)·(\d+)( \+ 1)?\)·(\d+)", formula).groups()
        expected = (int(in_maps) * int(n) ** 2 + (1 if bias else 0)) * int(filters)
        assert by_formula == by_numel == f"{expected:,}"


def test_vgg16_counts(run):
    folder = run("cnn_vgg16")
    result = numbers(folder)
    assert result["total"] == "138,357,544"  # VGG-16, configuration D
    assert (result["conv_total"], result["fc_total"]) == ("14,714,688", "123,642,856")
    assert (result["n_weight_layers"], result["n_conv"], result["n_fc"], result["n_pool"]) == (16, 13, 3, 5)
    assert (result["n_bn"], result["bn_params"], result["n_with_params_bn"]) == (13, "8,448", 29)  # vgg16_bn
    assert (result["total_gmacs"], result["total_gflops"]) == ("15.47", "30.9")  # weights × output positions
    assert float(result["bias_adds_share"].rstrip("%")) < 1
    rows = table_rows(folder / "vgg16_table.md")
    numbered = [row for row in rows if row[0]]
    assert [int(row[0]) for row in numbered] == list(range(1, 17))
    layer_sum = sum(int(row[-1].replace(",", "")) for row in rows if row[0] or row[1] == "maxpool")
    assert f"{layer_sum:,}" == result["total"]
    assert rows[1][1:3] == ["conv3-64", "64\u00a0×\u00a03×3×3"] and rows[1][3:5] == ["224×224×64", "64@224×224"]


def test_vgg16_table_speaks_the_page_language(site):
    built = runner.BUILD / "cnn_vgg16"
    header = (built / "zh" / "vgg16_table.md").read_text(encoding="utf-8").splitlines()[0]
    assert "参数量" in header
    assert numbers(built / "zh") == numbers(built / "en")


def test_exercise_answers(run):
    result = numbers(run("cnn_exercises"))
    assert result["ex1_params"] == f"{(128 * 5 * 5 + 1) * 256:,}"
    assert (result["ex2_size"], result["ex2_at"]) == (16, "10@16×16")
    assert result["ex3_field"] == "7×7"
    assert (result["ex4_layers"], result["ex4_params"]) == (19, "143,667,240")  # VGG-19
    assert result["ex5_fc6"] == f"{(512 * 14 * 14 + 1) * 4096:,}"
    assert result["ex5_error"].startswith("mat1 and mat2 shapes cannot be multiplied")
    assert result["ex5_adaptive_shape"] == "(1, 512, 7, 7)" and result["ex5_adaptive_inputs"] == result["ex5_fc6_inputs"]


def test_photo_feature_maps(run):
    folder = run("cnn_feature_maps_photo")
    result = numbers(folder)
    assert result["input_at"] == "3@300×256" and result["maps1_at"] == "8@300×256"
    assert result["maps2_at"] == "4@150×128"
    assert (folder / "feature_maps.png").stat().st_size < 400_000


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_placeholder_and_table_of_the_page_exists(run, lang):
    page = md.chapter_source(lang, "cnn-feature-maps")
    for name, key in re.findall(r"\{\{\s*(\w+)\.(\w+)\s*\}\}", page):
        assert key in numbers(run(name, lang)), f"{name}.{key}"
    included = re.findall(r'--8<-- "build/snippets/(\w+)/(\w+)/([\w.]+)"', page)
    assert included, "the page includes generated tables"
    for name, table_lang, file in included:
        assert table_lang == lang
        assert (run(name, lang) / file).exists()
