"""lessons/*.py -> notebooks/ (student) and instructor/: tools/build_lessons.py and what it
promises about the two committed editions (docs/GRADED_CELLS.md, section 6)."""

import importlib.util
import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

from course_lib import grading

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "build_lessons.py"
_spec = importlib.util.spec_from_file_location("build_lessons", TOOL)
build_lessons = sys.modules["build_lessons"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_lessons)

STEMS = [p.stem for p in sorted((ROOT / "lessons").glob("[0-9][0-9]_*.py"))]


def _pair(stem: str):
    return (nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4),
            nbformat.read(ROOT / "instructor" / f"{stem}.ipynb", as_version=4))


def _output_text(cell) -> str:
    return json.dumps(cell.get("outputs", []), ensure_ascii=False)


def test_every_notebook_has_a_lesson():
    for folder in ("instructor", "notebooks", "instructor/ko", "notebooks/ko"):
        assert STEMS and STEMS == [p.stem for p in sorted((ROOT / folder).glob("*.ipynb"))]


@pytest.mark.slow  # builds/executes for seconds
def test_committed_notebooks_match_their_lessons():
    run = subprocess.run([sys.executable, str(TOOL), "--check"], capture_output=True,
                         text=True, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.slow  # builds/executes for seconds
def test_check_names_the_notebook_and_cell_edited_by_hand(tmp_path):
    """In a copy of the checkout, a notebook edited by hand makes --check fail."""
    (tmp_path / "tools").mkdir()
    shutil.copy(TOOL, tmp_path / "tools")
    for name in ("lessons", "course_lib"):
        (tmp_path / name).symlink_to(ROOT / name)
    stem = STEMS[0]
    for folder in ("notebooks", "instructor", "notebooks/ko", "instructor/ko"):
        (tmp_path / folder).mkdir()
        shutil.copy(ROOT / folder / f"{stem}.ipynb", tmp_path / folder)
    cmd = [sys.executable, str(tmp_path / "tools" / "build_lessons.py"), "--check", stem[:2]]
    assert subprocess.run(cmd, capture_output=True, text=True).returncode == 0
    path = tmp_path / "notebooks" / f"{stem}.ipynb"
    nb = nbformat.read(path, as_version=4)
    index, cell = next((i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code")
    cell.source += "\nprint('edited by hand')"
    nbformat.write(nb, path)
    run = subprocess.run(cmd, capture_output=True, text=True)
    assert run.returncode == 1
    assert f"notebooks/{stem}.ipynb: cell {index + 1} (id {cell.id}): source differs" \
        in run.stdout
    assert "instructor/" not in run.stdout  # notebooks/ko borrows its outputs: named too


@pytest.mark.parametrize("stem", STEMS)
def test_student_edition_holds_no_solution(stem):
    student, instructor = _pair(stem)
    text = nbformat.writes(student)
    assert grading.BEGIN not in text and grading.END not in text
    assert "quiz.sealed(" not in text
    tokens = set(re.findall(r"[0-9a-f]{64}", nbformat.writes(instructor)))
    assert not tokens & set(re.findall(r"[0-9a-f]{64}", text)), "a sealed token leaked"
    solution_lines = set()
    for g in grading.graded_cells(instructor):
        for region in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", g.source, re.S):
            solution_lines |= {ln.strip() for ln in region.splitlines() if len(ln.strip()) > 20}
    for cell in student.cells:
        role = grading.cell_role(cell)
        if role in ("answer", "check"):
            assert not cell.get("outputs"), f"{cell.id}: {role} cell with stored output"
        out = _output_text(cell)
        assert grading.GRADE_MIME not in out, cell.id
        assert not re.search(r"✓ \d\d-\w+", out), f"{cell.id}: a passed check in the output"
        leaked = [ln for ln in solution_lines if json.dumps(ln, ensure_ascii=False)[1:-1] in out]
        assert not leaked, f"{cell.id}: its output shows solution lines {leaked}"
    answers = [c for c in student.cells if grading.cell_role(c) == "answer" and
               c.cell_type == "code"]
    assert answers and all(grading.CODE_PLACEHOLDER in c.source or
                           grading.ANSWER_PLACEHOLDER in c.source for c in answers)


@pytest.mark.parametrize("stem", STEMS)
def test_editions_have_the_same_cells_apart_from_answers(stem):
    student, instructor = _pair(stem)
    assert [c.id for c in student.cells] == [c.id for c in instructor.cells]
    for s, i in zip(student.cells, instructor.cells):
        assert s.cell_type == i.cell_type, s.id
        if grading.cell_role(i) in ("answer", "manual"):
            assert s.source == grading.blank_solutions(i.source, i.cell_type)[0], s.id
        elif s.id.endswith("-00"):  # the Colab badge opens the edition itself
            assert s.source == i.source.replace("/instructor/", "/notebooks/"), s.id
        else:
            assert s.source == i.source, s.id
        assert s.metadata.get("nbgrader") == i.metadata.get("nbgrader"), s.id


@pytest.mark.parametrize("stem", STEMS)
def test_student_edition_keeps_the_figures(stem):
    student, _ = _pair(stem)
    figures = [o for c in student.cells for o in c.get("outputs", [])
               if {"image/png", "image/jpeg"} & set(o.get("data", {}))]
    assert len(figures) >= 3


def _cells(*specs):
    cells = []
    for cell_id, lang in specs:
        cell = nbformat.v4.new_markdown_cell(f"text {cell_id}")
        cell.id = cell_id
        if lang:
            cell.metadata["lang"] = lang
        cells.append(cell)
    return cells


def test_a_cell_marked_with_a_language_is_only_in_its_editions():
    cells = _cells(("a", None), ("b", "en"), ("b-ko", "ko"), ("c", None))
    assert [c.id for c in build_lessons.select_language(cells, "en")] == ["a", "b", "c"]
    ko = build_lessons.select_language(cells, "ko")
    assert [c.id for c in ko] == ["a", "b-ko", "c"] and "lang" not in ko[1].metadata
    assert cells[2].metadata["lang"] == "ko"  # the lesson's cells are left as they are


def test_lesson_cells_need_unique_ids(tmp_path):
    lesson = tmp_path / "09_x.py"
    lesson.write_text('# %% id="c1"\nx = 1\n\n# %% id="c1"\ny = 2\n')
    with pytest.raises(build_lessons.LessonError, match="duplicate cell id c1"):
        build_lessons.read_lesson(lesson)
    lesson.write_text('# %% id="c1"\nx = 1\n\n# %%\ny = 2\n')
    with pytest.raises(build_lessons.LessonError, match="cell 2 has no id"):
        build_lessons.read_lesson(lesson)


def test_grade_ids_become_nbgrader_metadata(tmp_path):
    lesson = tmp_path / "09_x.py"
    lesson.write_text(f'# %% id="s"\n{build_lessons.SETUP_MARKER}\n\n'
                      '# %% id="a" tags=["answer"] grade_id="01-ex1-answer"\nx = 1\n\n'
                      '# %% id="c" tags=["check"] grade_id="01-ex1"\nquiz.check("01-ex1", x)\n')
    setup, answer, check = build_lessons.read_lesson(lesson)
    assert setup.source == build_lessons.SETUP_CELL.read_text(encoding="utf-8").strip()
    assert grading.cell_role(answer) == "answer"
    assert grading.cell_role(check) == "check"
    assert check.metadata["nbgrader"]["points"] == 2  # from the bank


# --------------------------------------------------------------------------------------------
# Language editions: notebooks/ko and instructor/ko
# --------------------------------------------------------------------------------------------

ROLES = {"notebooks": "notebooks/ko", "instructor": "instructor/ko"}
HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")


def _read(folder: str, stem: str):
    return nbformat.read(ROOT / folder / f"{stem}.ipynb", as_version=4)


def _translated(stem: str) -> bool:
    return 'lang="ko"' in (ROOT / "lessons" / f"{stem}.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("folder", sorted(ROLES))
@pytest.mark.parametrize("stem", STEMS)
def test_language_editions_have_the_same_code_cells(stem, folder):
    """Same code cells (ids, sources, nbgrader metadata) in the same order; the Korean setup
    cell only adds its COURSE_LANG line; a Korean markdown cell is `<english id>-ko`."""
    en, ko = _read(folder, stem), _read(ROLES[folder], stem)
    code_en = [c for c in en.cells if c.cell_type == "code"]
    code_ko = [c for c in ko.cells if c.cell_type == "code"]
    assert [c.id for c in code_en] == [c.id for c in code_ko]
    for e, k in zip(code_en, code_ko):
        assert build_lessons.without_language(k.source) == e.source, k.id
        assert k.metadata.get("nbgrader") == e.metadata.get("nbgrader"), k.id
    assert code_ko[0].source != code_en[0].source  # the setup cell sets the language
    assert build_lessons.LANG_LINE["ko"] in code_ko[0].source.splitlines()
    en_ids = {c.id for c in en.cells}
    for cell in ko.cells:
        if cell.cell_type == "markdown":
            assert cell.id in en_ids or cell.id.endswith("-ko"), cell.id
    # graded cells: the same grade ids, roles and points in the same order (a translated
    # markdown answer is the `-ko` twin of the English one, with the same nbgrader metadata)
    assert [c.metadata["nbgrader"] for c in ko.cells if "nbgrader" in c.metadata] == \
        [c.metadata["nbgrader"] for c in en.cells if "nbgrader" in c.metadata]


@pytest.mark.parametrize("folder", sorted(ROLES.values()))
@pytest.mark.parametrize("stem", STEMS)
def test_korean_markdown_is_korean(stem, folder):
    if not _translated(stem):
        pytest.skip(f"lessons/{stem}.py has no lang=\"ko\" cells yet")
    text = "".join(c.source for c in _read(folder, stem).cells if c.cell_type == "markdown")
    text = re.sub(r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`|\(https?://[^)]*\)", "", text, flags=re.S)
    letters = [ch for ch in text if ch.isalpha()]
    share = len(HANGUL.findall("".join(letters))) / len(letters)
    assert share >= 0.40, f"{folder}/{stem}: only {share:.0%} of the letters are Hangul"


@pytest.mark.parametrize("stem", STEMS)
def test_korean_editions_open_themselves_in_colab(stem):
    for folder in ROLES.values():
        first = _read(folder, stem).cells[0].source
        assert f"/blob/main/{folder}/{stem}.ipynb)" in first


@pytest.mark.parametrize("stem", STEMS)
def test_grader_scores_a_korean_submission_like_an_english_one(stem):
    """The grader's references are the English instructor notebooks; a Korean submission
    (student or instructor edition) is matched to the same one and has the same graded
    cells, points, order and skip-graded cells."""
    refs = grading.course_references()
    assert all("/ko/" not in str(r.path) for r in refs)
    en = grading.Reference.from_notebook(_read("instructor", stem))
    ko = grading.Reference.from_notebook(_read("instructor/ko", stem))
    assert (ko.order, ko.skipped, ko.max_score) == (en.order, en.skipped, en.max_score)
    assert {k: (g.points, g.role) for k, g in ko.checks.items()} == \
        {k: (g.points, g.role) for k, g in en.checks.items()}
    assert {k: (g.points, g.cell_type) for k, g in ko.manual.items()} == \
        {k: (g.points, g.cell_type) for k, g in en.manual.items()}
    for folder in ROLES.values():
        nb = _read(folder, stem)
        ref = grading._choose_reference(nb, refs)
        assert ref is not None and ref.path.name == f"{stem}.ipynb"
        assert ref.path.parent.name == "instructor"
        assert grading.changed_skipped_cells(nb, ref) == []
        assert [(g.grade_id, g.role, g.points) for g in grading.graded_cells(nb)] == \
            [(g.grade_id, g.role, g.points) for g in grading.graded_cells(
                _read(folder.removesuffix("/ko"), stem))]


def _code(cell_id, source, outputs=()):
    cell = nbformat.v4.new_code_cell(source)
    cell.id = cell_id
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in outputs]
    return cell


def test_a_language_edition_borrows_english_outputs_until_it_runs():
    line = build_lessons.LANG_LINE["ko"]
    english = nbformat.v4.new_notebook(cells=[
        _code("s", "import os\nos.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')", ["v1"]),
        _code("a", "print(1)", ["1\n"]), _code("b", "x = 2"), _code("c", "print(3)", ["3\n"])])
    korean = nbformat.v4.new_notebook(cells=[
        _code("s", f"import os\nos.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')\n{line}"),
        _code("a", "print(1)"), _code("b", "x = 2"), _code("c", "print('changed')")])
    missing = build_lessons.borrow_outputs(korean, english, ["s", "a", "b", "c"], "en")
    assert missing == ["c"]  # its source differs from the English one: needs --execute
    s, a, b, c = korean.cells
    assert s.outputs == english.cells[0].outputs and a.outputs == english.cells[1].outputs
    for cell in (s, a):
        assert cell.metadata[build_lessons.BORROWED] == "en"
        assert build_lessons.NBVAL_IGNORE in cell.metadata["tags"]
    assert b.metadata == {} and not b.outputs  # nothing printed: nothing to mark
    a.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]  # as if it ran
    build_lessons.unborrow(korean, nbformat.v4.new_notebook(cells=[_code(i, "") for i in "sabc"]))
    assert all(build_lessons.BORROWED not in c.metadata and "tags" not in c.metadata
               for c in korean.cells)


def test_setup_cell_finds_the_checkout_from_a_language_folder(tmp_path):
    """The first code cell of every lesson is the same, and its repository guess (used when
    course_lib is not installed) works from notebooks/, instructor/ and notebooks/ko/."""
    setups = {next(c.source for c in build_lessons.read_lesson(p) if c.cell_type == "code")
              for p in build_lessons.lessons()}
    assert len(setups) == 1
    guess = re.search(r"(        here = Path\.cwd\(\)\n.*?here\.parent\)\n)", setups.pop(), re.S)
    assert guess
    code = "from pathlib import Path\n" + textwrap.dedent(guess.group(1)) + "print(repo)"
    (tmp_path / "course_lib").mkdir()
    for sub in ("notebooks", "instructor", "notebooks/ko", "instructor/ko"):
        (tmp_path / sub).mkdir(parents=True, exist_ok=True)
        run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path / sub,
                             capture_output=True, text=True)
        assert run.stdout.strip() == str(tmp_path), run.stderr


# --------------------------------------------------------------------------------------------
# The setup cell: kept once (lessons/setup_cell.py), with the course's address
# --------------------------------------------------------------------------------------------


def test_the_course_address_lives_in_the_setup_cell_only():
    repo = build_lessons.course_repo()
    assert repo.startswith("https://github.com/")
    assert all(repo not in p.read_text(encoding="utf-8")
               for p in (ROOT / "lessons").glob("[0-9][0-9]_*.py"))
    setup = build_lessons.SETUP_CELL.read_text(encoding="utf-8").strip()
    for folder in ("notebooks", "instructor"):
        for stem in STEMS:
            nb = nbformat.read(ROOT / folder / f"{stem}.ipynb", as_version=4)
            assert next(c for c in nb.cells if c.cell_type == "code").source == setup
            assert f"colab.research.google.com/github/{repo[len('https://github.com/'):]}/" \
                   f"blob/main/{folder}/{stem}.ipynb" in nb.cells[0].source
    for readme in ("README.md", "README.ko.md"):  # Markdown cannot import: checked copies
        text = (ROOT / readme).read_text(encoding="utf-8")
        named = re.findall(r"(?:github\.com|colab\.research\.google\.com/github)/"
                           r"([\w-]+/[\w.-]+?)(?:/|\.git|\s|\)|$)", text)
        assert named and set(named) == {repo.removeprefix("https://github.com/")}, readme


def test_a_lesson_without_the_setup_marker_is_refused(tmp_path):
    lesson = tmp_path / "09_x.py"
    lesson.write_text('# %% id="nb09-01"\nprint("my own setup")\n')
    with pytest.raises(build_lessons.LessonError, match="first code cell"):
        build_lessons.read_lesson(lesson)


def _run_setup_on_fake_colab(monkeypatch, returncode: int, lang: str = "en") -> list:
    """Execute lessons/setup_cell.py as on a Colab runtime without course_lib, where every
    subprocess (git clone, pip install) exits with `returncode`; return the commands run."""
    widgets, commands = [], []
    colab = type(sys)("google.colab")
    colab.output = type(sys)("google.colab.output")
    colab.output.enable_custom_widget_manager = lambda: widgets.append(True)
    monkeypatch.setitem(sys.modules, "google", type(sys)("google"))
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    monkeypatch.setenv("COURSE_LANG", lang)
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "course_lib" else real_find_spec(name, *a))

    def fake_run(command, **kwargs):
        commands.append(command)
        return subprocess.CompletedProcess(command, returncode, "",
                                           "fatal: unable to access: Could not resolve host")

    monkeypatch.setattr(subprocess, "run", fake_run)
    source = build_lessons.SETUP_CELL.read_text(encoding="utf-8")
    try:
        exec(compile(source, "setup_cell", "exec"), {"__name__": "setup_cell"})
    finally:
        assert widgets == [True]  # the custom widget manager is switched on first
    return commands


def test_setup_cell_explains_a_failed_clone(monkeypatch):
    with pytest.raises(RuntimeError) as failure:
        _run_setup_on_fake_colab(monkeypatch, returncode=128)
    message = str(failure.value)
    repo = build_lessons.course_repo()
    assert f"`git clone {repo}` exited with code 128" in message
    assert "Could not resolve host" in message  # what git said
    assert "internet" in message and f"pip install git+{repo}" in message
    assert "zip" in message
    assert failure.value.__cause__ is None and failure.value.__suppress_context__


def test_setup_cell_explains_in_korean_on_the_korean_edition(monkeypatch):
    with pytest.raises(RuntimeError, match="설정 실패") as failure:
        _run_setup_on_fake_colab(monkeypatch, returncode=1, lang="ko")
    assert "인터넷" in str(failure.value)
