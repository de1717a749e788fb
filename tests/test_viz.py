"""course_lib.viz: figures in the learner's language, and Hangul that renders (not boxes)."""

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import viz  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
HANGUL_TITLE = "생성자와 판별자 손실 (에포크 −1)"


def _missing_glyph_warnings(fig) -> list[str]:
    """Draw `fig` and return matplotlib's "Glyph ... missing from font(s)" warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def _titled_figure(title: str):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([-1, 0, 1], [1, -2, 3])  # negative tick labels: the minus sign must render too
    ax.set_title(title)
    ax.set_xlabel("스텝")
    return fig


def test_korean_font_ships_with_the_pip_package():
    path = viz.korean_font_file()
    assert path is not None, f"pip install {viz.KOREAN_FONT_PACKAGE}"
    assert path.name == "NanumGothic.ttf" and path.stat().st_size > 1_000_000


def test_hangul_renders_with_the_korean_font():
    with matplotlib.rc_context():
        assert viz.use_korean_font()
        assert plt.rcParams["font.family"] == [viz.KOREAN_FONT, viz.SYMBOL_FONT]
        assert plt.rcParams["axes.unicode_minus"] is False
        fig = _titled_figure(HANGUL_TITLE)
        try:
            assert _missing_glyph_warnings(fig) == []
        finally:
            plt.close(fig)


def test_hangul_without_the_korean_font_is_what_the_setup_prevents():
    """The control: matplotlib's default font draws Hangul as boxes and says so."""
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        fig = _titled_figure(HANGUL_TITLE)
        try:
            assert _missing_glyph_warnings(fig)
        finally:
            plt.close(fig)


def test_use_korean_font_is_idempotent():
    with matplotlib.rc_context():
        viz.use_korean_font()
        viz.use_korean_font()
        from matplotlib import font_manager

        names = [f.name for f in font_manager.fontManager.ttflist if f.name == viz.KOREAN_FONT]
        assert len(names) == 1


def test_missing_font_warns_with_the_package_to_install(monkeypatch):
    monkeypatch.setattr(viz, "korean_font_file", lambda: None)
    with matplotlib.rc_context():
        before = list(plt.rcParams["font.family"])
        with pytest.warns(UserWarning, match=viz.KOREAN_FONT_PACKAGE):
            assert viz.use_korean_font() is False
        assert plt.rcParams["font.family"] == before


_IMPORT_PROBE = (
    "import json, matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt; "
    "before = [list(plt.rcParams['font.family']), plt.rcParams['axes.unicode_minus']]; "
    "import course_lib.viz; "
    "print(json.dumps([before, [list(plt.rcParams['font.family']), "
    "plt.rcParams['axes.unicode_minus']]]))"
)


def _rc_around_import(lang: str):
    env = {**os.environ, "COURSE_LANG": lang, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", _IMPORT_PROBE], env=env, capture_output=True,
                         text=True, check=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_viz_in_the_korean_edition_sets_the_font():
    before, after = _rc_around_import("ko")
    assert after == [[viz.KOREAN_FONT, viz.SYMBOL_FONT], False]
    assert before != after


def test_importing_viz_in_the_english_edition_changes_nothing():
    before, after = _rc_around_import("en")
    assert before == after


def test_titles_follow_the_language(monkeypatch):
    image = np.zeros((8, 8, 3), np.float32)
    for lang, words in (("en", ["Input", "Ground Truth", "Predicted"]),
                        ("ko", ["입력", "정답", "예측"])):
        monkeypatch.setenv("COURSE_LANG", lang)
        with matplotlib.rc_context():
            viz.use_korean_font()
            fig = viz.compare_row(image, image, image)
            assert [ax.get_title() for ax in fig.axes] == words
            plt.close(fig)
            fig = viz.loss_curves({"gen": [1.0, 0.5]})
            assert fig.axes[0].get_xlabel() == ("step" if lang == "en" else "스텝")
            plt.close(fig)


def test_explicit_titles_win(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "ko")
    image = np.zeros((8, 8, 3), np.float32)
    fig = viz.compare_row(image, image, image, titles=("a", "b", "c"))
    assert [ax.get_title() for ax in fig.axes] == ["a", "b", "c"]
    plt.close(fig)
    fig = viz.patch_heatmap(np.zeros((30, 30)), title="t")
    assert fig.axes[0].get_title() == "t"
    plt.close(fig)


def test_images_are_shown_in_unit_range():
    fig = viz.sample_grid(np.array([[[[-1.0]], [[1.0]]]]).reshape(1, 2, 1, 1))
    shown = fig.axes[0].images[0].get_array()
    assert float(np.min(shown)) == 0.0 and float(np.max(shown)) == 1.0
    plt.close(fig)
