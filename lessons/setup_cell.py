# NBVAL_IGNORE_OUTPUT
# Make `course_lib` importable. On Colab: clone the course and install it. Locally it is
# normally installed already (`pip install -e .`); if not, use the checkout around us.
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

COURSE_REPO = "https://github.com/gan-course/gan-to-pix2pix"  # the course's one home

# Hide TensorFlow's C++ info/warning chatter (errors still show). Must precede its import.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

if "google.colab" in sys.modules:
    from google.colab import output

    output.enable_custom_widget_manager()  # the course's interactive widgets need it

if importlib.util.find_spec("course_lib") is None:
    if "google.colab" in sys.modules:
        repo = Path("/content/gan-to-pix2pix")
        steps = [] if repo.exists() else [
            ("git clone " + COURSE_REPO, ["git", "clone", "-q", COURSE_REPO, str(repo)])]
        steps.append(("pip install -e " + str(repo),
                      [sys.executable, "-m", "pip", "install", "-q", "-e", str(repo)]))
        for what, command in steps:
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode != 0:
                detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
                ko = os.environ.get("COURSE_LANG") == "ko"
                raise RuntimeError("\n".join([
                    (f"설정 실패: `{what}` 명령이 코드 {done.returncode}(으)로 끝났습니다." if ko
                     else f"Setup failed: `{what}` exited with code {done.returncode}."),
                    *detail, "",
                    ("해결 방법: (1) 런타임이 인터넷에 연결되어 있는지 확인하세요. "
                     "(2) 주소가 맞는지 확인하세요: " if ko else
                     "What to do: (1) check that the runtime has internet access; "
                     "(2) check the address: ") + COURSE_REPO,
                    ("(3) 또는 저장소 zip 파일을 업로드해 /content/gan-to-pix2pix 에 풀거나, "
                     f"`!pip install git+{COURSE_REPO}` 를 실행한 뒤 이 셀을 다시 실행하세요."
                     if ko else
                     "(3) or upload a zip of the repository and unzip it to "
                     f"/content/gan-to-pix2pix, or run `!pip install git+{COURSE_REPO}`, "
                     "then run this cell again.")])) from None
    else:
        # Running inside a checkout (from notebooks/, instructor/ or a language folder
        # such as notebooks/ko/): the nearest folder above that holds course_lib/.
        here = Path.cwd()
        repo = next((p for p in [here, *here.parents] if (p / "course_lib").is_dir()),
                    here.parent)
    # An editable install is only seen by new processes: make it visible to this kernel.
    sys.path.insert(0, str(repo))
    importlib.invalidate_caches()
import course_lib
from course_lib import config

config.import_tensorflow_quietly()  # keeps TensorFlow's C++ start-up lines out of the notebook
print("course_lib", course_lib.__version__)
