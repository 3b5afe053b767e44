"""Unpack a submission into the grader's private scratch folder.

    unpack(source, scratch, limits=UnpackLimits()) -> Submission

* `source` is a zip (detected by content, whatever its suffix), a folder, a single
  `.ipynb` or a single `.py`. Everything ends up as regular files under `scratch`
  (created if missing); nothing is ever written outside it.
* A zip is checked entry by entry from its central directory before anything is
  extracted: absolute paths, `..`, links and other special files, encryption, the
  entry count, per-entry and total sizes, the compression ratio. Sizes are enforced
  again while streaming, because declared sizes can lie.
* Clutter (`__MACOSX/`, `.ipynb_checkpoints/`, `__pycache__/`, `.DS_Store`,
  `Thumbs.db`) is skipped and reported in `Submission.messages`.
* If no `.ipynb`/`.py` turned up but `.zip` files did (students double-zip), each is
  opened into a folder named after it, up to `limits.max_nesting` levels deep, with the
  same checks and the same budget.

Raises UnreadableArchive (not a zip, truncated, corrupt), UnsafeArchive (traversal,
absolute paths, links, special files, encryption, bombs, too many entries),
NoEntryPoint (nothing to run) and UsageError (the source does not exist).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from grader.errors import NoEntryPoint, UnreadableArchive, UnsafeArchive, UsageError
from grader.models import Submission
from grader.message import Phrase, msg

try:
    from lzma import LZMAError
except ImportError:  # Python built without lzma: zipfile cannot open such entries anyway
    LZMAError = zipfile.BadZipFile  # type: ignore[misc,assignment]

CHUNK = 1 << 16
RATIO_FLOOR = 1 << 20  # small files (notebooks, text) may compress as well as they like
UTF8_FLAG = 0x800
ENCRYPTED_FLAG = 0x1
ENTRY_SUFFIXES = (".ipynb", ".py")
IGNORED_DIRS = {
    "__MACOSX": "macOS metadata",
    ".ipynb_checkpoints": "Jupyter autosaves",
    "__pycache__": "compiled Python cache",
}
IGNORED_FILES = {".DS_Store": "macOS folder settings", "Thumbs.db": "Windows thumbnail cache"}
DRIVE = re.compile(r"^[A-Za-z]:")  # C:\x, C:/x and drive-relative C:x
# Everything zipfile and the decompressors raise on a truncated or corrupt archive.
READ_ERRORS = (
    zipfile.BadZipFile, zlib.error, LZMAError, EOFError, OSError, ValueError, NotImplementedError, RuntimeError
)


@dataclass(frozen=True)
class UnpackLimits:
    max_entries: int = 2000
    max_total_bytes: int = 500 * 2**20  # uncompressed, whole submission (nested zips included)
    max_entry_bytes: int = 200 * 2**20
    max_ratio: float = 200.0  # compression ratio, checked for entries > 1 MiB
    max_nesting: int = 1  # a zip inside the zip is opened one level deep


@dataclass
class _Output:
    """The scratch folder being filled, and the budget shared by every archive written into it."""

    root: Path  # resolved scratch folder
    limits: UnpackLimits
    files: list[str] = field(default_factory=list)
    notes: list[Phrase] = field(default_factory=list)
    ignored: dict[str, str] = field(default_factory=dict)  # pattern -> why, in order seen
    entries: int = 0
    total_bytes: int = 0

    def count_entries(self, n: int, where: str) -> None:
        self.entries += n
        if self.entries > self.limits.max_entries:
            raise UnsafeArchive(f"{where} has too many entries ({self.entries}, limit {self.limits.max_entries})")

    def ensure_room(self, n: int, where: str) -> None:
        if self.total_bytes + n > self.limits.max_total_bytes:
            raise UnsafeArchive(
                f"{where} would unpack to more than {format_size(self.limits.max_total_bytes)} in total"
            )

    def target(self, rel: str) -> Path:
        # Defence in depth: names were checked already, but resolving also catches links planted in scratch.
        path = self.root.joinpath(*rel.split("/")).resolve()
        if path == self.root or not path.is_relative_to(self.root):
            raise UnsafeArchive(f"{rel!r} would be written outside the scratch folder")
        return path

    def make_dir(self, rel: str) -> None:
        self.target(rel).mkdir(parents=True, exist_ok=True)

    def write(self, rel: str, src: BinaryIO, cap: int, where: str, digest=None) -> None:
        """Stream src into scratch/rel, counting real bytes against cap and the total budget."""
        target = self.target(rel)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            dst = open(target, "xb")  # "x": never overwrite a file or follow a planted link
        except OSError as e:
            raise UnreadableArchive(f"{where} cannot be written to the scratch folder ({e.strerror or e})") from e
        with dst:
            try:
                written = 0
                while chunk := src.read(CHUNK):
                    written += len(chunk)
                    if written > cap:
                        raise UnsafeArchive(f"{where} grew past {format_size(cap)} while unpacking; refused")
                    self.ensure_room(len(chunk), where)
                    self.total_bytes += len(chunk)
                    if digest is not None:
                        digest.update(chunk)
                    dst.write(chunk)
            except BaseException:
                dst.close()
                target.unlink(missing_ok=True)
                raise
        self.files.append(rel)

    def messages(self) -> tuple[Phrase, ...]:
        skipped = [msg("Ignored {pattern} ({why}).", pattern=pattern, why=why) for pattern, why in self.ignored.items()]
        return tuple(self.notes + skipped)


def unpack(source: Path, scratch: Path, limits: UnpackLimits = UnpackLimits()) -> Submission:
    """Unpack `source` into `scratch` and describe what is there (see the module docstring)."""
    source, scratch = Path(source), Path(scratch)
    if not source.exists():
        raise UsageError(f"submission not found: {source}")
    scratch.mkdir(parents=True, exist_ok=True)
    out = _Output(scratch.resolve(), limits)
    try:
        if source.is_dir():
            digest = copy_folder(source, out)
        else:
            digest = hash_file(source)
            if zipfile.is_zipfile(source):
                extract_zip(source, "", source.name, out)
            elif source.suffix.lower() in ENTRY_SUFFIXES:
                copy_single_file(source, out)
            elif source.suffix.lower() == ".zip":
                raise UnreadableArchive(msg("{name} is not a readable zip archive (not a zip, or truncated)",
                                            name=source.name))
            else:
                raise UnreadableArchive(msg("{name} is not a .zip archive, a folder, a .ipynb or a .py file",
                                            name=source.name))
    except OSError as e:  # reading the source itself failed (permissions, vanished files)
        raise UnreadableArchive(f"cannot read {source.name} ({e.strerror or e})") from e
    open_nested_zips(out)
    files = tuple(sorted(out.files))
    if not has_entry_point(files):
        raise NoEntryPoint(msg("no notebook (.ipynb) or Python module (.py) in the submission; found: {files}",
                               files=list_names(files)))
    return Submission(source=source, root=scratch, files=files, sha256=digest, messages=out.messages())


# --- zip archives -----------------------------------------------------------------


def extract_zip(archive: Path, dest: str, label: str, out: _Output) -> None:
    """Check every entry of `archive` from its central directory, then extract into scratch/dest."""
    try:
        with zipfile.ZipFile(archive) as zf:
            for info, rel, is_dir in plan_entries(zf.infolist(), label, out):
                path = f"{dest}/{rel}" if dest else rel
                if is_dir:
                    out.make_dir(path)
                    continue
                with zf.open(info) as src:
                    out.write(path, src, entry_cap(info, out.limits), f"entry {rel!r} in {label}")
    except READ_ERRORS as e:
        raise UnreadableArchive(f"{label} is not a readable zip archive ({type(e).__name__}: {e})") from e


def plan_entries(infos: list[zipfile.ZipInfo], label: str, out: _Output) -> list[tuple[zipfile.ZipInfo, str, bool]]:
    """Refuse the archive if any entry is unsafe; return (info, relpath, is_dir) for what to extract."""
    out.count_entries(len(infos), label)
    plan, seen, declared = [], set(), 0
    for info in infos:
        name = decode_name(info)
        where = f"entry {name!r} in {label}"
        rel = check_entry(info, name, where)
        is_dir = name.endswith(("/", "\\")) or stat.S_ISDIR(info.external_attr >> 16)
        if not rel or note_ignored(rel, out):
            continue
        if not is_dir:
            if rel in seen:
                raise UnsafeArchive(f"{where} appears twice in the archive")
            seen.add(rel)
            check_entry_size(info, where, out.limits)
            declared += info.file_size
        plan.append((info, rel, is_dir))
    out.ensure_room(declared, label)
    return plan


def decode_name(info: zipfile.ZipInfo) -> str:
    """Recover names that Windows wrote in the local code page (Korean: CP949) without the UTF-8 flag."""
    if info.flag_bits & UTF8_FLAG:
        return info.filename
    try:
        raw = info.filename.encode("cp437")  # zipfile decoded the raw bytes as cp437; undo that
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "cp949"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return info.filename


def check_entry(info: zipfile.ZipInfo, name: str, where: str) -> str:
    """Raise UnsafeArchive for a dangerous entry; return its normalised POSIX relpath ('' for '.')."""
    path = name.replace("\\", "/")
    if path.startswith("/") or DRIVE.match(path):
        raise UnsafeArchive(f"{where} has an absolute path")
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise UnsafeArchive(f"{where} points outside the archive folder ('..')")
    mode = info.external_attr >> 16  # Unix mode; 0 for archives made on Windows
    if stat.S_ISLNK(mode):
        raise UnsafeArchive(f"{where} is a symbolic link")
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise UnsafeArchive(f"{where} is not a regular file (device, fifo or socket)")
    if info.flag_bits & ENCRYPTED_FLAG:
        raise UnsafeArchive(f"{where} is encrypted")
    return "/".join(parts)


def check_entry_size(info: zipfile.ZipInfo, where: str, limits: UnpackLimits) -> None:
    if info.file_size > limits.max_entry_bytes:
        raise UnsafeArchive(
            f"{where} unpacks to {format_size(info.file_size)} (limit {format_size(limits.max_entry_bytes)} per file)"
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_FLOOR and ratio > limits.max_ratio:
        raise UnsafeArchive(
            f"{where} is compressed {ratio:.0f}:1 (limit {limits.max_ratio:g}:1); refused as a possible zip bomb"
        )


def entry_cap(info: zipfile.ZipInfo, limits: UnpackLimits) -> int:
    """The most bytes an entry may really produce: the same rules as check_entry_size, on real bytes."""
    return min(limits.max_entry_bytes, max(RATIO_FLOOR, int(limits.max_ratio * info.compress_size)))


def open_nested_zips(out: _Output) -> None:
    """Students double-zip: with no notebook or module in sight, open the .zip files found, level by level."""
    opened: set[str] = set()
    level = 0
    while not has_entry_point(out.files):
        inner = sorted(f for f in out.files if f.lower().endswith(".zip") and f not in opened)
        if not inner:
            return
        level += 1
        if level > out.limits.max_nesting:
            out.notes += [msg("Did not open nested archive {name}: archives are opened only {n} level(s) deep.",
                              name=z, n=out.limits.max_nesting) for z in inner]
            return
        for rel in inner:
            opened.add(rel)
            dest = pick_free_folder(out, rel[: -len(".zip")])
            extract_zip(out.root / rel, dest, rel, out)
            out.notes.append(msg("Unpacked nested archive {name} into {folder}/.", name=rel, folder=dest))


def pick_free_folder(out: _Output, rel: str) -> str:
    candidate, n = rel, 1
    while (out.root / candidate).exists():
        candidate, n = f"{rel}_{n}", n + 1
    return candidate


# --- folders and single files -------------------------------------------------------


def copy_folder(folder: Path, out: _Output) -> str:
    """Copy the folder's regular files; return a sha256 over (relpath, content) in sorted order."""
    found = sorted(list_folder(folder, "", out))
    out.ensure_room(sum(size for _, _, size in found), "the submission folder")
    digest = hashlib.sha256()
    for rel, path, _ in found:
        where = f"file {rel!r}"
        file_digest = hashlib.sha256()
        # O_NOFOLLOW: the file was checked not to be a link; make sure it was not swapped for one since.
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)), "rb") as src:
            out.write(rel, src, out.limits.max_entry_bytes, where, file_digest)
        digest.update(f"{rel}\0{file_digest.hexdigest()}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def list_folder(directory: Path, prefix: str, out: _Output) -> list[tuple[str, Path, int]]:
    """(relpath, path, size) of the regular files to copy; links and clutter are noted and skipped."""
    found: list[tuple[str, Path, int]] = []
    with os.scandir(directory) as it:
        entries = sorted(it, key=lambda e: e.name)
    for entry in entries:
        rel = prefix + entry.name
        if note_ignored(rel, out):
            continue
        if entry.is_symlink():
            out.notes.append(msg("Skipped symbolic link {name} (links are not copied).", name=rel))
        elif entry.is_dir(follow_symlinks=False):
            if Path(entry.path).resolve() != out.root:  # never copy the scratch folder into itself
                found += list_folder(Path(entry.path), rel + "/", out)
        elif entry.is_file(follow_symlinks=False):
            out.count_entries(1, "the submission folder")
            size = entry.stat(follow_symlinks=False).st_size
            if size > out.limits.max_entry_bytes:
                raise UnsafeArchive(
                    f"file {rel!r} is {format_size(size)} (limit {format_size(out.limits.max_entry_bytes)} per file)"
                )
            found.append((rel, Path(entry.path), size))
        else:
            out.notes.append(msg("Skipped {name}: not a regular file.", name=rel))
    return found


def copy_single_file(source: Path, out: _Output) -> None:
    where = f"file {source.name!r}"
    out.count_entries(1, where)
    size = source.stat().st_size
    if size > out.limits.max_entry_bytes:
        raise UnsafeArchive(f"{where} is {format_size(size)} (limit {format_size(out.limits.max_entry_bytes)})")
    with source.open("rb") as src:
        out.write(source.name, src, out.limits.max_entry_bytes, where)


# --- small helpers ---------------------------------------------------------------


def note_ignored(rel: str, out: _Output) -> bool:
    """True if rel is editor/OS clutter; remember why, for the report."""
    parts = rel.split("/")
    for part in parts:
        if part in IGNORED_DIRS:
            out.ignored.setdefault(f"{part}/", IGNORED_DIRS[part])
            return True
    if parts[-1] in IGNORED_FILES:
        out.ignored.setdefault(parts[-1], IGNORED_FILES[parts[-1]])
        return True
    return False


def has_entry_point(files) -> bool:
    return any(f.lower().endswith(ENTRY_SUFFIXES) for f in files)


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def list_names(files: tuple[str, ...], most: int = 10) -> str:
    if not files:
        return "nothing"
    shown = ", ".join(files[:most])
    return shown if len(files) <= most else f"{shown} and {len(files) - most} more"


def format_size(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB"):
        if n < 1024:
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"
