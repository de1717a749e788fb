"""What the course says to a learner, in English and Korean.

    from course_lib import messages
    messages.text("quiz.correct", item="01-ex1", pts="2/2 points")   # the library: by key

    from course_lib.messages import tr
    print(tr("Generator output shape:", "생성자 출력 모양:"), shape)  # a lesson: both inline

The library's sentences live in one catalogue below (EN / KO, by key). A lesson's own printed
lines and figure titles stay in the lesson's code, English first and Korean second, through
`tr`: a learner reading the cell sees both and never has to open the library.

The language comes from `COURSE_LANG` ("ko" or "en", read at every call; anything that does
not start with "ko" means English). The Korean notebooks (`notebooks/ko/`, `instructor/ko/`)
set `COURSE_LANG=ko` in their setup cell, so a Korean edition speaks Korean while the same
code cells in an English edition speak English. A key missing in Korean falls back to English.

Quiz questions, options and hints live next to the bank: `course_lib/quizzes/NN.ko.json`
(see `course_lib.quiz.localized`). Only what a learner reads changes with the language;
grade records, scores and answer digests never do.
"""

from __future__ import annotations

import os

LANGS = ("en", "ko")

EN: dict[str, str] = {
    # course_lib.data: a dataset that is not on this machine
    "data.missing": (
        "{name}: dataset not found. Looked in: {searched}.\n"
        "How to get it: {how_to_get}\n"
        "Offline: download the archive on a machine with internet, then run\n"
        "    python -m course_lib data import {name} ARCHIVE [--data-dir DIR]\n"
        "or set COURSE_DATA_DIR to a folder that holds {layout}."),
    "data.mnist_sample": (
        "using the EMBEDDED MNIST SAMPLE (40 digits, 4 per class) {why}. It is only enough to "
        "check that code runs, not to train a useful GAN. For the real data: go online, or set "
        "COURSE_DATA_DIR to a folder with mnist/*.gz, or run "
        "`python -m course_lib data import mnist ARCHIVE`."),
    "data.pairs_sample": ("using the EMBEDDED {name} SAMPLE ({split}): a handful of pairs, "
                          "enough to run the code, not to train."),
    "data.sample_asked": "because sample=True was asked",
    "data.sample_offline": "because no local MNIST and no network were found",
    # course_lib.weights: pretrained weights that are missing or unusable
    "weights.env_points": " (COURSE_WEIGHTS_DIR={env} points there)",
    "weights.state_absent": "does not exist",
    "weights.state_no_manifest": "has no {manifest}",
    "weights.no_folder": (
        "no pretrained weights: the weights folder {folder}{why} {state}. The course ships "
        "them in the weights/ folder of its checkout, found from the current folder upwards: run "
        "from inside the checkout with COURSE_WEIGHTS_DIR unset, or copy manifest.json and the "
        ".weights.h5 files from there into {folder}."),
    "weights.or_train": "{name}: {missing} Or train them yourself with {how}.",
    "weights.not_shipped": (
        "pretrained weights for {name!r} are not shipped yet (no entry in {manifest}). "
        "Train them yourself with {how}."),
    "weights.no_entry": (
        "{manifest} has no entry for {name!r} (not shipped yet); train the weights yourself "
        "with {how}"),
    "weights.bad_size": (
        "{path}: missing or not {size:,} bytes as the manifest says; restore it "
        "(git checkout weights/) or retrain with {how}"),
    "weights.unusable": (
        "pretrained weights for {name!r} are unusable: {detail}. Restore the file "
        "(git checkout / download again) or retrain with {how}."),
    "weights.not_available": "[course_lib.weights] pretrained {name!r} not available: {reason}",
    # course_lib.quiz: checks, feedback and questions
    "quiz.points": "{score}/{max} point{s}",
    "quiz.correct": "✓ {item}: correct ({pts})",
    "quiz.partly": "◐ {item}: partly right ({pts})",
    "quiz.not_yet": "✗ {item}: not yet ({pts})",
    "quiz.no_answer": "No answer yet: replace `None` in the answer cell above.",
    "quiz.sealed_wrong": "This sealed token does not belong to this question.",
    "quiz.keyless": ("Answer recorded: this edition has no answer key, your instructor's "
                     "grader checks it."),
    "quiz.cannot_read": "Cannot read the answer: {error}.",
    "quiz.hint": "Hint: {hint}",
    "quiz.could_not_check": "Could not check this answer ({error}).",
    "quiz.define_first": "Define the function first ({signature}).",
    "quiz.see_above": "see the cell above",
    "quiz.test_not_implemented": ("✗ {name}: not implemented yet "
                                  "(replace `raise NotImplementedError()`)"),
    "quiz.test_raised": "✗ {name}: your function raised {error}",
    "quiz.could_not_run": "Could not run the checks ({error}).",
    "quiz.summary_none": "No quiz item checked yet.",
    "quiz.summary_total": "Total: {got}/{total}",
    "quiz.header": "[{item}] ({points} point{s}) {question}",
    "quiz.how.multiple-choice": "Answer with the letter of one option, e.g. 'a'.",
    "quiz.how.short-answer": "Answer with a short text.",
    "quiz.how.number": "Answer with a number.",
    "quiz.how.shape": "Answer with a tuple of whole numbers, e.g. (28, 28, 1).",
    "quiz.how.ordering": "Answer with the letters in order, e.g. 'c, a, b'.",
    "quiz.how.write": "Write {signature}.",
    "quiz.how.write_function": "Write the function.",
    "quiz.fmt.letter": "answer with the letter of one option, e.g. {example}",
    "quiz.fmt.not_an_option": "{answer} is not one of the options {options}",
    "quiz.fmt.numbers": "write the numbers, e.g. (28, 28, 1)",
    "quiz.fmt.not_whole": "{value} is not a whole number",
    "quiz.fmt.tuple": "give a tuple of whole numbers, e.g. (28, 28, 1)",
    "quiz.fmt.order": "give the option letters in order, e.g. 'c, a, b'",
    "quiz.fmt.unknown_steps": "unknown step(s) {steps}; use the option letters",
    "quiz.fmt.number": "give a number",
    "quiz.fmt.finite": "give a finite number of reasonable size",
    "quiz.fmt.text": "write your answer as text",
    "quiz.button": "Check",
    "quiz.mark_correct": "✓ correct",
    "quiz.mark_not_yet": "✗ not yet",
    "quiz.write_it_down": ("Now write this answer in the answer cell below: that is what gets "
                           "graded."),
    # course_lib.playground / playground_widgets: lesson 03's facade editor, 04's sketch pad
    "playground.label_map": "label map (input)",
    "playground.photo": "generated photo",
    "playground.sketch": "sketch (input)",
    "playground.colouring": "colouring",
    "playground.not_an_image": "not an image that can be read (PNG, JPEG, GIF or BMP): {error}",
    "playground.class": "class",
    "playground.add": "Add",
    "playground.undo": "Undo",
    "playground.clear": "Clear",
    "playground.example": "Example",
    "playground.working": "working…",
    "playground.count": "{count} rectangle(s) on the facade",
    "playground.line_width": "line width",
    "playground.upload": "Upload an image",
    "playground.test_sketch": "test sketch",
    "playground.blank": "(blank page)",
    "playground.no_canvas": ("Drawing with the mouse needs ipycanvas (pip install ipycanvas); "
                             "upload an image or pick a test sketch instead."),
    "playground.static": "Static example (interactive widgets cannot be shown here).",
    # course_lib.config: the setup cell's report (describe, mode_name)
    "config.mode_fast": "FAST (COURSE_FAST=1: tiny runs for CPU/CI)",
    "config.mode_full": "FULL (lesson settings)",
    "config.describe": "Mode:   {mode}\nDevice: {device}\nData:   {data}{missing}",
    "config.data_missing": "  (not there yet: datasets download on first use)",
    # course_lib.training.fit: where a run starts and ends
    "training.resuming": "Resuming from step {step} ({path})",
    "training.starting": "Starting a new run; checkpoints go to {path}",
    "training.nothing_to_do": "Already at step {start} of {total}: nothing to train.",
    "training.finished": "Finished at step {step}; latest checkpoint: {path}",
    # course_lib.checkpoints.restore_newest_intact: a damaged checkpoint was skipped
    "checkpoints.using_newest": "Using the newest intact checkpoint {prefix} instead of {skipped}",
    "checkpoints.rewrote_state": ("Rewrote the damaged or stale checkpoint state file of "
                                  "{folder} to name {name}"),
    # course_lib.quiz: a learner's exercise answer used later in the lesson, or not
    "quiz.using_yours": "Using your {name} ({item}) from here on.",
    "quiz.using_reference": ("Your {name} ({item}) is missing or failed its check — the lesson "
                             "continues with course_lib's reference."),
    # course_lib.viz: figure titles and labels
    "viz.input": "Input",
    "viz.target": "Ground Truth",
    "viz.predicted": "Predicted",
    "viz.patch_logits": "PatchGAN logits (30x30)",
    "viz.losses": "Losses",
    "viz.step": "step",
    "viz.no_history": "{name}: no training history ships with these weights.",
    "viz.progress_frames": "progress frames: the same inputs, left to right through training",
    "viz.training_run": ("{name}: the real training run ({steps:,} steps, {epochs:g} epochs, "
                         "batch {batch})"),
    "viz.no_korean_font": ("no Korean font: Hangul in figures shows as boxes. "
                           "Install it with `pip install {package}`."),
}

KO: dict[str, str] = {
    "data.mnist_sample": (
        "내장된 MNIST 샘플(숫자 40개, 클래스마다 4개)을 사용합니다: {why}. 코드가 돌아가는지 "
        "확인하는 데만 충분하고, 쓸 만한 GAN을 학습하기에는 부족합니다. 실제 데이터를 쓰려면 "
        "인터넷에 연결하거나, COURSE_DATA_DIR을 mnist/*.gz가 있는 폴더로 지정하거나, "
        "`python -m course_lib data import mnist ARCHIVE`를 실행하세요."),
    "data.pairs_sample": ("내장된 {name} 샘플({split})을 사용합니다: 코드를 실행해 볼 만큼의 "
                          "이미지 쌍 몇 개뿐이라 학습용으로는 부족합니다."),
    "data.sample_asked": "sample=True로 요청했기 때문",
    "data.sample_offline": "로컬 MNIST도 네트워크도 찾지 못했기 때문",
    "data.missing": (
        "{name}: 데이터셋을 찾을 수 없습니다. 찾아본 위치: {searched}.\n"
        "받는 방법(영문 안내): {how_to_get}\n"
        "오프라인이라면 인터넷이 되는 컴퓨터에서 압축 파일을 받은 뒤 다음을 실행하세요.\n"
        "    python -m course_lib data import {name} ARCHIVE [--data-dir DIR]\n"
        "또는 COURSE_DATA_DIR 환경 변수를 {layout} 이(가) 들어 있는 폴더로 지정하세요."),
    "weights.env_points": " (COURSE_WEIGHTS_DIR={env} 이(가) 이 폴더를 가리킵니다)",
    "weights.state_absent": "이(가) 존재하지 않습니다",
    "weights.state_no_manifest": "에 {manifest} 파일이 없습니다",
    "weights.no_folder": (
        "사전 학습된 가중치가 없습니다: 가중치 폴더 {folder}{why} {state}. 강의 저장소(체크아웃)의 "
        "weights/ 폴더에 가중치가 들어 있으며, 현재 폴더에서 위로 올라가며 찾습니다. "
        "COURSE_WEIGHTS_DIR 설정을 지우고 체크아웃 안에서 실행하거나, 그곳의 manifest.json과 "
        ".weights.h5 파일을 {folder} 에 복사하세요."),
    "weights.or_train": "{name}: {missing} 직접 학습하려면: {how}.",
    "weights.not_shipped": (
        "{name!r}의 사전 학습 가중치는 아직 제공되지 않습니다({manifest} 에 항목 없음). "
        "직접 학습하려면: {how}."),
    "weights.no_entry": (
        "{manifest} 에 {name!r} 항목이 없습니다(아직 제공되지 않음). 직접 학습하려면: {how}"),
    "weights.bad_size": (
        "{path}: 파일이 없거나 크기가 매니페스트(manifest)에 적힌 {size:,} 바이트와 다릅니다. "
        "복원하거나(git checkout weights/) 다시 학습하세요: {how}"),
    "weights.unusable": (
        "{name!r}의 사전 학습 가중치를 쓸 수 없습니다: {detail}. 파일을 복원하거나(git checkout "
        "또는 다시 내려받기) 다시 학습하세요: {how}."),
    "weights.not_available": "[course_lib.weights] 사전 학습 모델 {name!r}을(를) 쓸 수 없습니다: "
                             "{reason}",
    "quiz.points": "{score}/{max}점",
    "quiz.correct": "✓ {item}: 정답입니다 ({pts})",
    "quiz.partly": "◐ {item}: 일부만 맞았습니다 ({pts})",
    "quiz.not_yet": "✗ {item}: 아직 아닙니다 ({pts})",
    "quiz.no_answer": "아직 답이 없습니다: 위 답안 셀의 `None`을 여러분의 답으로 바꾸세요.",
    "quiz.sealed_wrong": "이 봉인 토큰(sealed token)은 이 문제의 것이 아닙니다.",
    "quiz.keyless": "답을 기록했습니다: 이 판에는 정답 키가 없으므로 강사의 채점기가 확인합니다.",
    "quiz.cannot_read": "답을 읽을 수 없습니다: {error}.",
    "quiz.hint": "힌트: {hint}",
    "quiz.could_not_check": "이 답을 확인하지 못했습니다 ({error}).",
    "quiz.define_first": "먼저 함수를 정의하세요 ({signature}).",
    "quiz.see_above": "위 셀 참고",
    "quiz.test_not_implemented": "✗ {name}: 아직 구현되지 않았습니다 "
                                 "(`raise NotImplementedError()`를 바꾸세요)",
    "quiz.test_raised": "✗ {name}: 함수에서 예외가 발생했습니다 {error}",
    "quiz.could_not_run": "검사를 실행하지 못했습니다 ({error}).",
    "quiz.summary_none": "아직 확인한 퀴즈 문항이 없습니다.",
    "quiz.summary_total": "합계: {got}/{total}",
    "quiz.header": "[{item}] ({points}점) {question}",
    "quiz.how.multiple-choice": "보기 중 하나의 기호로 답하세요. 예: 'a'",
    "quiz.how.short-answer": "짧은 글로 답하세요.",
    "quiz.how.number": "숫자로 답하세요.",
    "quiz.how.shape": "정수 튜플로 답하세요. 예: (28, 28, 1)",
    "quiz.how.ordering": "기호를 순서대로 나열해 답하세요. 예: 'c, a, b'",
    "quiz.how.write": "다음 함수를 작성하세요: {signature}",
    "quiz.how.write_function": "함수를 작성하세요.",
    "quiz.fmt.letter": "보기 중 하나의 기호로 답하세요. 예: {example}",
    "quiz.fmt.not_an_option": "{answer}은(는) 보기 {options} 중 하나가 아닙니다",
    "quiz.fmt.numbers": "숫자를 적으세요. 예: (28, 28, 1)",
    "quiz.fmt.not_whole": "{value}은(는) 정수가 아닙니다",
    "quiz.fmt.tuple": "정수 튜플로 답하세요. 예: (28, 28, 1)",
    "quiz.fmt.order": "보기 기호를 순서대로 적으세요. 예: 'c, a, b'",
    "quiz.fmt.unknown_steps": "알 수 없는 단계 {steps}: 보기 기호를 쓰세요",
    "quiz.fmt.number": "숫자로 답하세요",
    "quiz.fmt.finite": "적당한 크기의 유한한 숫자로 답하세요",
    "quiz.fmt.text": "답을 글로 적으세요",
    "quiz.button": "확인",
    "quiz.mark_correct": "✓ 정답",
    "quiz.mark_not_yet": "✗ 아직 아닙니다",
    "quiz.write_it_down": "이제 이 답을 아래 답안 셀에 적으세요. 채점되는 것은 그 셀입니다.",
    "playground.label_map": "레이블 맵 (입력)",
    "playground.photo": "생성된 사진",
    "playground.sketch": "스케치 (입력)",
    "playground.colouring": "색칠 결과",
    "playground.not_an_image": "읽을 수 있는 이미지(PNG, JPEG, GIF, BMP)가 아닙니다: {error}",
    "playground.class": "클래스",
    "playground.add": "추가",
    "playground.undo": "되돌리기",
    "playground.clear": "모두 지우기",
    "playground.example": "예시",
    "playground.working": "생성 중…",
    "playground.count": "파사드 위의 사각형 {count}개",
    "playground.line_width": "선 굵기",
    "playground.upload": "이미지 올리기",
    "playground.test_sketch": "테스트 스케치",
    "playground.blank": "(빈 종이)",
    "playground.no_canvas": ("마우스로 그리려면 ipycanvas가 필요합니다(pip install ipycanvas). "
                             "대신 이미지를 올리거나 테스트 스케치를 고르세요."),
    "playground.static": "정적 예시입니다(여기서는 대화형 위젯을 보여 줄 수 없습니다).",
    "config.mode_fast": "빠른 모드 (COURSE_FAST=1: CPU/CI용 아주 짧은 실행)",
    "config.mode_full": "전체 모드 (강의 원래 설정)",
    "config.describe": "모드:   {mode}\n장치:   {device}\n데이터: {data}{missing}",
    "config.data_missing": "  (아직 없음: 처음 쓸 때 데이터셋을 내려받습니다)",
    "training.resuming": "스텝 {step}부터 이어서 학습합니다 ({path})",
    "training.starting": "새로 학습을 시작합니다. 체크포인트는 {path} 에 저장됩니다",
    "training.nothing_to_do": ("이미 {total} 스텝 중 {start} 스텝까지 학습했습니다: "
                               "더 학습할 것이 없습니다."),
    "training.finished": "스텝 {step}에서 끝났습니다. 최신 체크포인트: {path}",
    "checkpoints.using_newest": ("{skipped} 대신 손상되지 않은 가장 최근 체크포인트 "
                                 "{prefix}을(를) 씁니다"),
    "checkpoints.rewrote_state": ("{folder}의 손상되었거나 오래된 체크포인트 상태 파일을 "
                                  "{name}을(를) 가리키도록 다시 썼습니다"),
    "quiz.using_yours": "이제부터 여러분의 {name} ({item})을(를) 씁니다.",
    "quiz.using_reference": ("여러분의 {name} ({item})이(가) 없거나 검사를 통과하지 못해, "
                             "course_lib의 참고 구현으로 강의를 이어 갑니다."),
    "viz.input": "입력",
    "viz.target": "정답",
    "viz.predicted": "예측",
    "viz.patch_logits": "PatchGAN 로짓 (30x30)",
    "viz.losses": "손실",
    "viz.step": "스텝",
    "viz.no_history": "{name}: 이 가중치에는 학습 기록이 함께 제공되지 않습니다.",
    "viz.progress_frames": "진행 프레임: 같은 입력을 학습 순서대로 왼쪽에서 오른쪽으로",
    "viz.training_run": "{name}: 실제 학습 기록 ({steps:,} 스텝, {epochs:g} 에포크, 배치 {batch})",
    "viz.no_korean_font": ("한국어 글꼴이 없어 그림의 한글이 네모로 보입니다. "
                           "`pip install {package}`로 설치하세요."),
}

CATALOGUE = {"en": EN, "ko": KO}


def lang() -> str:
    """The learner's language: "ko" when `COURSE_LANG` starts with "ko", else "en"."""
    return "ko" if os.environ.get("COURSE_LANG", "").strip().lower().startswith("ko") else "en"


def text(key: str, **fmt) -> str:
    """The message `key` in the current language (English when Korean lacks it), formatted."""
    template = CATALOGUE[lang()].get(key)
    if template is None:
        template = EN[key]  # an unknown key is a bug: KeyError
    return template.format(**fmt) if fmt else template


def tr(en: str, ko: str, **fmt) -> str:
    """`ko` when the language is Korean (`lang()`, read at this call), else `en`.

    With keyword arguments the chosen text is a template, formatted like `text`:
    `tr("loss {loss:.3f}", "손실 {loss:.3f}", loss=0.5)`; both languages are meant to carry
    the same fields and format specs, so the numbers read the same in either edition.
    """
    template = ko if lang() == "ko" else en
    return template.format(**fmt) if fmt else template
