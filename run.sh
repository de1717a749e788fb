#!/usr/bin/env bash
# The course's main job: install what it needs, verify the data, execute every notebook.
#   bash run.sh                 # full lesson settings (use a GPU: this is hours on a CPU)
#   COURSE_FAST=1 bash run.sh   # CPU fast mode: minutes
# Executed notebooks (with their figures) are written to outputs/.
set -euo pipefail
cd "$(dirname "$0")"
python3 -m pip install -q -r requirements.txt
python3 -m course_lib data check || echo "(some datasets are missing: they are downloaded on first use)"
python3 -m course_lib weights verify
python3 tools/run_notebooks.py --out outputs
