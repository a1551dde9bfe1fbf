"""The staging area of uploads: tokens, the kept name, stale files, the size limit."""

from __future__ import annotations

import os
import time

from dashboard.ingest import staging


def private(settings, tmp_path, **update):
    return settings.model_copy(update={"state_dir": tmp_path / "state", **update})


def test_a_staged_file_is_found_by_its_token_only(settings, tmp_path):
    here = private(settings, tmp_path)
    token = staging.stage_bytes(here, b"a,b\n1,2\n", "Popullsia 2024.csv")
    path = staging.staged_file(here, token)
    assert path is not None and path.name == "upload" and path.read_bytes() == b"a,b\n1,2\n"
    assert staging.staged_name(path) == "Popullsia 2024.csv"
    for not_ours in (None, 42, "../" + token, token.upper(), "0" * 32):
        assert staging.staged_file(here, not_ours) is None
    staging.discard(here, "../etc")  # a token that is not ours removes nothing
    assert staging.staged_file(here, token) is not None
    staging.discard(here, token)
    assert staging.staged_file(here, token) is None
    assert not (staging.staging_dir(here) / token).exists()


def test_only_files_older_than_a_session_are_discarded(settings, tmp_path):
    here = private(settings, tmp_path)
    old = staging.stage_bytes(here, b"old", "old.csv")
    new = staging.stage_bytes(here, b"new", "new.csv")
    other = staging.staging_dir(here) / "not-a-token"
    other.mkdir()
    long_ago = time.time() - (here.session_hours + 1) * 3600
    for folder in (staging.staging_dir(here) / old, other):
        os.utime(folder, (long_ago, long_ago))
    assert staging.discard_stale(here) == 1
    assert staging.staged_file(here, old) is None
    assert staging.staged_file(here, new) is not None
    assert other.is_dir()  # not ours to remove


def test_the_limit_follows_the_request_limit_up_to_50_mb(settings):
    small = settings.model_copy(update={"max_request_mb": 10})
    large = settings.model_copy(update={"max_request_mb": 200})
    # base64 makes a file 4/3 larger; 64 KiB are left for the rest of the request
    assert staging.upload_limit(small) == 10 * 1024 * 1024 * 3 // 4 - 64 * 1024
    assert staging.upload_limit(large) == staging.MAX_UPLOAD_BYTES


def test_the_staff_choices_are_kept_beside_the_staged_copy(settings, tmp_path):
    here = private(settings, tmp_path)
    token = staging.stage_bytes(here, b"x", "x.csv")
    folder = staging.staged_file(here, token).parent
    assert staging.staged_choices(folder) == {}
    staging.save_staged_choices(folder, {"Lloji": "category"})
    assert staging.staged_choices(folder) == {"Lloji": "category"}
    (folder / staging.CHOICES_FILE).write_text("[1, 2]", encoding="utf-8")
    assert staging.staged_choices(folder) == {}  # not a mapping: no choices
    (folder / staging.CHOICES_FILE).write_text("{broken", encoding="utf-8")
    assert staging.staged_choices(folder) == {}
