"""The manifest: what it records, how it is merged, and every malformed entry named."""

import json
import re
import shutil

import pytest
from weights_fixtures import gan_generator, shipped

from course_lib import cli
from course_lib import weights as W

__all__ = ["gan_generator", "shipped"]  # fixtures used by name


def test_update_manifest_metrics_merges(shipped):
    W.update_manifest_metrics("gan", {"confidence": 0.9}, shipped)
    W.update_manifest_metrics("gan", {"fid": 3.0}, shipped)
    assert W.read_manifest(shipped)["gan"]["metrics"] == {"confidence": 0.9, "fid": 3.0}


def test_shipped_pins_match_the_repository_manifest():
    """Re-exporting a shipped file must update SHIPPED_SHA256 too (what a manifest edit
    cannot change)."""
    entries = W.read_manifest()
    if not entries:
        pytest.skip("no weights shipped in this checkout")
    assert {n: e["sha256"] for n, e in entries.items()} == W.SHIPPED_SHA256


@pytest.mark.parametrize("edit, message", [
    (lambda e: e.pop("size"),
     "manifest entry 'gan': no 'size' field (expected an integer (bytes))"),
    (lambda e: e.update(file="/etc/hostname"),
     "manifest entry 'gan': 'file' must name a file inside the weights folder"),
    (lambda e: e.update(file="../gan_generator.weights.h5"), "must name a file inside"),
    (lambda e: e.update(sha256="abc"), "'sha256' expected 64 lowercase hex digits"),
    (lambda e: e.update(size="big"), "'size' expected an integer (bytes), found 'big'"),
])
def test_malformed_manifest_entries_are_named(shipped, edit, message, capsys):
    entries = W.read_manifest(shipped)
    edit(entries["gan"])
    text = json.dumps({"format": W.MANIFEST_FORMAT, "models": entries})
    (shipped / W.MANIFEST_NAME).write_text(text)
    with pytest.raises(W.WeightsError, match=re.escape(message)):
        W.load_pretrained("gan", shipped)
    assert cli.main(["weights", "verify", "--weights-dir", str(shipped)]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert "cgan" not in err  # the healthy entry is not blamed


def test_outside_file_is_never_verified(tmp_path, shipped):
    outside = tmp_path / "outside.h5"
    shutil.copy(shipped / "gan_generator.weights.h5", outside)
    entries = W.read_manifest(shipped)
    entries["gan"]["file"] = str(outside)  # size and sha256 still right for that file
    (shipped / W.MANIFEST_NAME).write_text(
        json.dumps({"format": W.MANIFEST_FORMAT, "models": entries}))
    assert any("must name a file inside" in p for p in W.verify_all(shipped))
