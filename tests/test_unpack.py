"""Tests for grader.unpack: every zip is built here, in tmp_path, with the zipfile module."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import struct
import time
import uuid
import zipfile
from pathlib import Path

import pytest

from grader.intake import unpack as unpack_module
from grader.errors import NoEntryPoint, UnreadableArchive, UnsafeArchive, UsageError
from grader.intake.unpack import UnpackLimits, unpack

NOTEBOOK = json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


# --- helpers -------------------------------------------------------------------------


def build_zip(path: Path, entries, compression=zipfile.ZIP_DEFLATED) -> Path:
    """entries: {name or ZipInfo: bytes}."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def zip_bytes(entries, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def patch_entry(data: bytes, fmt: str, central_at: int, local_at: int, value: int) -> bytes:
    """Overwrite one field of a single-entry zip, in both its central and its local header."""
    out = bytearray(data)
    struct.pack_into(fmt, out, out.rfind(b"PK\x01\x02") + central_at, value)
    struct.pack_into(fmt, out, out.index(b"PK\x03\x04") + local_at, value)
    return bytes(out)


def special_entry(name: str, file_type: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # Unix, so the mode in external_attr is meaningful
    info.external_attr = (file_type | 0o777) << 16
    return info


def snapshot(tmp_path: Path) -> set[str]:
    """Every path under tmp_path except the scratch folder."""
    return {
        p.relative_to(tmp_path).as_posix()
        for p in tmp_path.rglob("*")
        if not p.relative_to(tmp_path).as_posix().startswith("scratch")
    }


def run(tmp_path: Path, source: Path, **limits):
    """unpack() into tmp_path/scratch, asserting nothing appeared outside it, whatever happens."""
    before = snapshot(tmp_path)
    try:
        return unpack(source, tmp_path / "scratch", UnpackLimits(**limits))
    finally:
        assert snapshot(tmp_path) == before


def scratch_files(tmp_path: Path) -> list[str]:
    scratch = tmp_path / "scratch"
    return sorted(p.relative_to(scratch).as_posix() for p in scratch.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def zeros_zip(tmp_path_factory) -> bytes:
    """A real zip holding 50 MiB of zeros (about 50 KB compressed, ratio ~1000:1)."""
    return zip_bytes({"weights.bin": bytes(50 * 2**20)})


# --- good submissions ---------------------------------------------------------------


def test_zip_with_notebook(tmp_path):
    entries = {"hw1/submit.ipynb": NOTEBOOK, "hw1/data/": b"", "hw1/a.txt": b"hi"}
    src = build_zip(tmp_path / "in" / "submit.zip", entries)
    sub = run(tmp_path, src)
    assert sub.files == ("hw1/a.txt", "hw1/submit.ipynb")
    assert sub.root == tmp_path / "scratch"
    assert sub.source == src
    assert sub.sha256 == hashlib.sha256(src.read_bytes()).hexdigest()
    assert sub.messages == ()
    assert (tmp_path / "scratch" / "hw1" / "submit.ipynb").read_bytes() == NOTEBOOK
    assert (tmp_path / "scratch" / "hw1" / "data").is_dir()


def test_zip_detected_by_content_not_suffix(tmp_path):
    src = tmp_path / "in" / "submission"
    src.parent.mkdir()
    src.write_bytes(zip_bytes({"main.py": b"print(1)\n"}))
    assert run(tmp_path, src).files == ("main.py",)


def test_folder(tmp_path):
    folder = tmp_path / "in" / "hw"
    (folder / "lib" / "__pycache__").mkdir(parents=True)
    (folder / "main.py").write_text("import lib\n")
    (folder / "lib" / "util.py").write_text("X = 1\n")
    (folder / "lib" / "__pycache__" / "util.cpython-311.pyc").write_bytes(b"\0")
    (folder / ".DS_Store").write_bytes(b"\0")
    (folder / "link.py").symlink_to(tmp_path / "in" / "secret.txt")
    (tmp_path / "in" / "secret.txt").write_text("secret")

    sub = run(tmp_path, folder)
    assert sub.files == ("lib/util.py", "main.py")
    assert scratch_files(tmp_path) == ["lib/util.py", "main.py"]
    assert any("symbolic link link.py" in str(m) for m in sub.messages)
    assert any("__pycache__/" in str(m) for m in sub.messages)
    assert any(".DS_Store" in str(m) for m in sub.messages)

    # The folder hash depends on (relpath, content) only, not on where the folder lives.
    twin = tmp_path / "in" / "twin"
    (twin / "lib").mkdir(parents=True)
    (twin / "main.py").write_text("import lib\n")
    (twin / "lib" / "util.py").write_text("X = 1\n")
    assert unpack(twin, tmp_path / "scratch2").sha256 == sub.sha256
    (twin / "main.py").write_text("import lib  # changed\n")
    assert unpack(twin, tmp_path / "scratch3").sha256 != sub.sha256


def test_folder_limits(tmp_path):
    folder = tmp_path / "in" / "hw"
    folder.mkdir(parents=True)
    for i in range(4):
        (folder / f"m{i}.py").write_bytes(b"x" * 100)
    with pytest.raises(UnsafeArchive, match="too many entries"):
        run(tmp_path, folder, max_entries=3)
    with pytest.raises(UnsafeArchive, match="in total"):
        run(tmp_path, folder, max_total_bytes=350)


@pytest.mark.parametrize("name, data", [("submit.ipynb", NOTEBOOK), ("main.py", b"print('hi')\n")])
def test_single_file(tmp_path, name, data):
    src = tmp_path / "in" / name
    src.parent.mkdir()
    src.write_bytes(data)
    sub = run(tmp_path, src)
    assert sub.files == (name,)
    assert sub.sha256 == hashlib.sha256(data).hexdigest()
    assert (tmp_path / "scratch" / name).read_bytes() == data


def test_clutter_is_ignored_with_messages(tmp_path):
    src = build_zip(
        tmp_path / "in" / "submit.zip",
        {
            "__MACOSX/": b"",
            "__MACOSX/hw/._submit.ipynb": b"\0\5\26\7",
            "hw/submit.ipynb": NOTEBOOK,
            "hw/.ipynb_checkpoints/submit-checkpoint.ipynb": NOTEBOOK,
            "hw/.DS_Store": b"\0",
            "hw/Thumbs.db": b"\0",
            "hw/__pycache__/x.cpython-311.pyc": b"\0",
        },
    )
    sub = run(tmp_path, src)
    assert sub.files == ("hw/submit.ipynb",)
    assert scratch_files(tmp_path) == ["hw/submit.ipynb"]
    text = " ".join(map(str, sub.messages))
    for pattern in ("__MACOSX/", ".ipynb_checkpoints/", ".DS_Store", "Thumbs.db", "__pycache__/"):
        assert pattern in text
    assert not (tmp_path / "scratch" / "__MACOSX").exists()


# --- unsafe archives -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["../evil.py", "hw/../../evil.py", "..\\evil.py", "hw\\..\\..\\evil.py"])
def test_zip_slip(tmp_path, name):
    src = build_zip(tmp_path / "in" / "submit.zip", {"submit.ipynb": NOTEBOOK, name: b"import os\n"})
    with pytest.raises(UnsafeArchive, match=r"evil\.py.*outside"):
        run(tmp_path, src)
    assert scratch_files(tmp_path) == []  # refused before anything was extracted


@pytest.mark.parametrize("template", ["/tmp/{}.py", "\\{}.py", "C:\\{}.py", "c:/{}.py"])
def test_absolute_path(tmp_path, template):
    name = template.format(f"evil_{uuid.uuid4().hex}")
    src = build_zip(tmp_path / "in" / "submit.zip", {"submit.ipynb": NOTEBOOK, name: b"import os\n"})
    with pytest.raises(UnsafeArchive, match="absolute path"):
        run(tmp_path, src)
    assert not Path(name.replace("\\", "/")).exists()
    assert scratch_files(tmp_path) == []


@pytest.mark.parametrize(
    "file_type, match",
    [(stat.S_IFLNK, "symbolic link"), (stat.S_IFIFO, "not a regular file"), (stat.S_IFCHR, "not a regular file")],
)
def test_links_and_special_files(tmp_path, file_type, match):
    entries = {"submit.ipynb": NOTEBOOK, special_entry("data.py", file_type): b"/etc/passwd"}
    src = build_zip(tmp_path / "in" / "submit.zip", entries)
    with pytest.raises(UnsafeArchive, match=f"'data.py'.*{match}"):
        run(tmp_path, src)
    assert scratch_files(tmp_path) == []


def test_encrypted_entry(tmp_path):
    data = patch_entry(zip_bytes({"submit.ipynb": NOTEBOOK}), "<H", 8, 6, 0x1)
    src = tmp_path / "in" / "submit.zip"
    src.parent.mkdir()
    src.write_bytes(data)
    with pytest.raises(UnsafeArchive, match="encrypted"):
        run(tmp_path, src)


@pytest.mark.parametrize(
    "limits, match",
    [({}, r"3\.0 GiB.*per file"), ({"max_entry_bytes": 4 * 2**30, "max_total_bytes": 4 * 2**30}, "zip bomb")],
)
def test_declared_3gib_entry_refused_before_extraction(tmp_path, limits, match):
    # A real 1 MiB deflate stream whose headers claim 3 GiB: refused from the central directory alone.
    data = zip_bytes({"submit.ipynb": b"x", "bomb.bin": bytes(2**20)})
    out = bytearray(data)
    struct.pack_into("<I", out, out.rfind(b"PK\x01\x02") + 24, 3 * 2**30)
    struct.pack_into("<I", out, out.rfind(b"PK\x03\x04") + 22, 3 * 2**30)
    src = tmp_path / "in" / "submit.zip"
    src.parent.mkdir()
    src.write_bytes(bytes(out))
    assert zipfile.ZipFile(src).getinfo("bomb.bin").file_size == 3 * 2**30

    start = time.monotonic()
    with pytest.raises(UnsafeArchive, match=f"'bomb.bin'.*{match}"):
        run(tmp_path, src, **limits)
    assert time.monotonic() - start < 1.0
    assert scratch_files(tmp_path) == []


def test_real_zeros_refused_by_ratio(tmp_path, zeros_zip):
    src = tmp_path / "in" / "submit.zip"
    src.parent.mkdir()
    src.write_bytes(zeros_zip)
    with pytest.raises(UnsafeArchive, match="'weights.bin'.*zip bomb"):
        run(tmp_path, src)
    assert scratch_files(tmp_path) == []


def test_streaming_guard_stops_at_the_limit(tmp_path, zeros_zip, monkeypatch):
    # Pretend the central-directory check was fooled: the copy loop must still stop at the cap.
    monkeypatch.setattr(unpack_module, "check_entry_size", lambda *args: None)
    src = tmp_path / "in" / "submit.zip"
    src.parent.mkdir()
    src.write_bytes(zeros_zip)
    with pytest.raises(UnsafeArchive, match="'weights.bin'.*grew past 1.0 MiB"):
        run(tmp_path, src, max_entry_bytes=2**20)
    assert scratch_files(tmp_path) == []  # the partial file was removed


def test_too_many_entries(tmp_path):
    src = build_zip(tmp_path / "in" / "submit.zip", {f"f{i}.py": b"" for i in range(6)})
    with pytest.raises(UnsafeArchive, match=r"too many entries \(6, limit 5\)"):
        run(tmp_path, src, max_entries=5)
    assert scratch_files(tmp_path) == []


def test_total_size(tmp_path):
    src = build_zip(tmp_path / "in" / "submit.zip", {"a.py": b"a" * 600, "b.py": b"b" * 600}, zipfile.ZIP_STORED)
    with pytest.raises(UnsafeArchive, match="in total"):
        run(tmp_path, src, max_total_bytes=1000)
    assert scratch_files(tmp_path) == []


def test_duplicate_entries(tmp_path):
    src = tmp_path / "in" / "submit.zip"
    src.parent.mkdir()
    with zipfile.ZipFile(src, "w") as zf, pytest.warns(UserWarning):
        zf.writestr("main.py", b"good")
        zf.writestr("main.py", b"evil")
    with pytest.raises(UnsafeArchive, match="twice"):
        run(tmp_path, src)


def test_link_planted_in_scratch_is_not_followed(tmp_path):
    # Defence in depth: even with clean names, a link already in scratch must not lead outside it.
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "scratch").mkdir()
    (tmp_path / "scratch" / "hw").symlink_to(tmp_path / "elsewhere")
    src = build_zip(tmp_path / "in" / "submit.zip", {"hw/main.py": b"print(1)\n"})
    with pytest.raises(UnsafeArchive, match="outside the scratch folder"):
        run(tmp_path, src)
    assert list((tmp_path / "elsewhere").iterdir()) == []


# --- unreadable archives ---------------------------------------------------------------


def test_truncated_zip(tmp_path):
    data = zip_bytes({"submit.ipynb": NOTEBOOK, "data.bin": os.urandom(4096)})
    src = tmp_path / "in" / "submit.zip"
    src.parent.mkdir()
    src.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableArchive, match="submit.zip"):
        run(tmp_path, src)


def test_not_a_zip(tmp_path):
    src = tmp_path / "in" / "submit.zip"
    src.parent.mkdir()
    src.write_text("this is not a zip file\n")
    with pytest.raises(UnreadableArchive, match="submit.zip is not a readable zip"):
        run(tmp_path, src)


def test_bad_crc(tmp_path):
    payload = b"print('hello')\n" * 10
    data = bytearray(zip_bytes({"main.py": payload}, zipfile.ZIP_STORED))
    at = data.index(payload)
    data[at] ^= 0xFF  # stored data no longer matches its CRC
    src = tmp_path / "in" / "submit.zip"
    src.parent.mkdir()
    src.write_bytes(bytes(data))
    with pytest.raises(UnreadableArchive, match="CRC"):
        run(tmp_path, src)


def test_unsupported_file_and_missing_source(tmp_path):
    src = tmp_path / "in" / "submit.rar"
    src.parent.mkdir()
    src.write_bytes(b"Rar!\x1a\x07\x00")
    with pytest.raises(UnreadableArchive, match="submit.rar"):
        run(tmp_path, src)
    with pytest.raises(UsageError, match="not found"):
        run(tmp_path, tmp_path / "in" / "missing.zip")


# --- names, nesting, entry points --------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp949", "utf-8"])
def test_korean_names_without_utf8_flag(tmp_path, encoding):
    # Windows' built-in zip writes names in the local code page and leaves the UTF-8 flag (0x800) unset.
    raw = "홍길동".encode(encoding)
    placeholder = b"X" * len(raw)
    data = zip_bytes({placeholder.decode() + "_submit.ipynb": NOTEBOOK}).replace(placeholder, raw)
    src = tmp_path / "in" / "submit.zip"
    src.parent.mkdir()
    src.write_bytes(data)
    info = zipfile.ZipFile(src).infolist()[0]
    assert not info.flag_bits & 0x800
    assert info.filename == raw.decode("cp437") + "_submit.ipynb"  # what zipfile alone would produce

    sub = run(tmp_path, src)
    assert sub.files == ("홍길동_submit.ipynb",)
    assert (tmp_path / "scratch" / "홍길동_submit.ipynb").read_bytes() == NOTEBOOK


def test_utf8_flagged_names_are_kept(tmp_path):
    src = build_zip(tmp_path / "in" / "submit.zip", {"과제/홍길동.ipynb": NOTEBOOK})
    assert run(tmp_path, src).files == ("과제/홍길동.ipynb",)


def test_nested_zip_one_level(tmp_path):
    inner = zip_bytes({"hw/submit.ipynb": NOTEBOOK})
    src = build_zip(tmp_path / "in" / "submit.zip", {"hw1.zip": inner, "readme.txt": b"see zip"})
    sub = run(tmp_path, src)
    assert sub.files == ("hw1.zip", "hw1/hw/submit.ipynb", "readme.txt")
    assert any("hw1.zip" in str(m) for m in sub.messages)


def test_nested_zip_deeper_than_limit(tmp_path):
    deepest = zip_bytes({"submit.ipynb": NOTEBOOK})
    middle = zip_bytes({"deeper.zip": deepest})
    src = build_zip(tmp_path / "in" / "submit.zip", {"hw1.zip": middle})
    with pytest.raises(NoEntryPoint, match="hw1/deeper.zip"):
        run(tmp_path, src)
    sub = unpack(src, tmp_path / "scratch2", UnpackLimits(max_nesting=2))
    assert "hw1/deeper/submit.ipynb" in sub.files


def test_nested_zip_is_checked_too(tmp_path):
    inner = zip_bytes({"submit.ipynb": NOTEBOOK, "../../evil.py": b"x"})
    src = build_zip(tmp_path / "in" / "submit.zip", {"hw1.zip": inner})
    with pytest.raises(UnsafeArchive, match=r"evil\.py.*hw1\.zip"):
        run(tmp_path, src)


def test_nested_zip_shares_the_total_budget(tmp_path):
    inner = zip_bytes({"submit.py": os.urandom(1000)}, zipfile.ZIP_STORED)
    src = build_zip(tmp_path / "in" / "submit.zip", {"hw1.zip": inner}, zipfile.ZIP_STORED)
    with pytest.raises(UnsafeArchive, match="in total"):
        run(tmp_path, src, max_total_bytes=1500)  # the inner zip (~1.1 KB) fits; it plus its content does not


def test_no_entry_point(tmp_path):
    src = build_zip(tmp_path / "in" / "submit.zip", {"a.txt": b"a", "b.png": b"\x89PNG", "__MACOSX/._a.txt": b""})
    expected = r"no notebook \(\.ipynb\) or Python module \(\.py\) in the submission; found: a\.txt, b\.png$"
    with pytest.raises(NoEntryPoint, match=expected):
        run(tmp_path, src)


def test_no_entry_point_lists_at_most_ten_names(tmp_path):
    src = build_zip(tmp_path / "in" / "submit.zip", {f"f{i:02}.txt": b"" for i in range(13)})
    with pytest.raises(NoEntryPoint, match=r"f09\.txt and 3 more$"):
        run(tmp_path, src)
