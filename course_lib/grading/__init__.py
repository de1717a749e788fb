"""Student versions of the notebooks, and bulk grading of returned copies.

    python -m course_lib student NOTEBOOK_OR_DIR... --out DIR [--check] [--bank-out DIR]
    python -m course_lib grade SUBMISSION_OR_DIR... --out grades.csv [--timeout S]
                               [--total-timeout S] [--reference NB_OR_DIR]... [--jobs N]
                               [--run-all] [--key FILE] [--memory-limit GIB]

Conventions (cell tags, nbgrader metadata, solution markers): docs/GRADED_CELLS.md; threat
model and operation: docs/GRADING.md. One concern per module:

- `cells`: graded cells, tags, roles, points; `editions`: student editions and the keyless
  bank; `notebooks`: reading and finding notebook files;
- `references`: the handed-out notebooks a submission is compared with, and where they come
  from (`--reference`, COURSE_REFERENCE_DIR, the nearest instructor/ folder);
- `submission`: executing and grading one submission; `scoring`: items and problems of an
  executed notebook; `trust`: the grader's own re-judging and tampering checks;
- `runner`, `sandbox`, `boot`, `worker`: running student code isolated (never in this
  process); `gradebook`: grading a class; `reports`: the CSV and feedback files;
- `cli`: the `student` and `grade` commands.

This module only re-exports the names lessons, tools and tests use. Code inside course_lib
imports from the submodules instead.
"""

from course_lib.grading.cells import (
    GRADE_MIME,
    REVEALS_ANSWER,
    SKIP_TAGS,
    GradedCell,
    cell_role,
    check_cells,
    graded_cells,
    normalise_source,
)
from course_lib.grading.cli import add_arguments, run
from course_lib.grading.editions import (
    ANSWER_PLACEHOLDER,
    BEGIN,
    CODE_PLACEHOLDER,
    END,
    MARKDOWN_PLACEHOLDER,
    SolutionMarkerError,
    blank_solutions,
    make_student,
    student_command,
    write_keyless_bank,
)
from course_lib.grading.gradebook import MAX_DEFAULT_JOBS, default_jobs, grade_command
from course_lib.grading.references import (
    Reference,
    ReferenceNotFound,
    changed_skipped_cells,
    choose_reference,
    course_references,
    reference_dir,
)
from course_lib.grading.reports import feedback_markdown, write_reports
from course_lib.grading.runner import Execution
from course_lib.grading.scoring import Grade, ItemResult, score_executed
from course_lib.grading.submission import (
    DEFAULT_TIMEOUT,
    DEFAULT_TOTAL,
    execute_submission,
    grade_submission,
)

_choose_reference = choose_reference  # its name before the split (tests/test_build_lessons.py)

__all__ = [
    "ANSWER_PLACEHOLDER", "BEGIN", "CODE_PLACEHOLDER", "DEFAULT_TIMEOUT", "DEFAULT_TOTAL", "END",
    "GRADE_MIME", "MARKDOWN_PLACEHOLDER", "MAX_DEFAULT_JOBS", "REVEALS_ANSWER", "SKIP_TAGS",
    "Execution", "Grade", "GradedCell", "ItemResult", "Reference", "ReferenceNotFound",
    "SolutionMarkerError", "add_arguments", "blank_solutions", "cell_role", "changed_skipped_cells",
    "check_cells", "choose_reference", "course_references", "default_jobs", "execute_submission",
    "feedback_markdown", "grade_command", "grade_submission", "graded_cells", "make_student",
    "normalise_source", "reference_dir", "run", "score_executed", "student_command",
    "write_keyless_bank", "write_reports",
]
