"""The grader's own verified copy of MNIST: where it lives, how it is checked and installed.

Search order: an explicit `--data-dir`, then `$GRADER_DATA_DIR`, then the user data dir.
A copy counts only if its arrays hash to MNIST_DIGEST (shapes, dtypes and every byte).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import numpy as np

from grader.errors import DatasetError

MNIST_FILE = "mnist.npz"
MNIST_SHAPES = {
    "x_train": ((60000, 28, 28), "uint8"),
    "y_train": ((60000,), "uint8"),
    "x_test": ((10000, 28, 28), "uint8"),
    "y_test": ((10000,), "uint8"),
}
# sha256 over name, shape, dtype and bytes of the four arrays of Keras's MNIST.
MNIST_DIGEST = "a7b5dc350b1a31dfdb92ba7790f216f3c438ccaa55f52c10d01fc40bb3f12464"
_IMPORT_HINT = "install it with: grader data fetch (or, offline: grader data import PATH/TO/mnist.npz)"
KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"  # keras.datasets.mnist
MAX_DOWNLOAD_BYTES = 64 * 2**20  # the real file is 11.5 MB


def user_data_dir() -> Path:
    """Where `grader data import` keeps the verified copy ($XDG_DATA_HOME/grader on Linux)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("grader", appauthor=False))


def find_mnist(data_dir: Path | None = None) -> Path:
    """The verified mnist.npz to serve, or DatasetError naming `grader data import`."""
    places = []
    if data_dir is not None:
        places.append(Path(data_dir))
    if os.environ.get("GRADER_DATA_DIR"):
        places.append(Path(os.environ["GRADER_DATA_DIR"]))
    places.append(user_data_dir())
    for place in places:
        candidate = place / MNIST_FILE if place.is_dir() or not place.suffix else place
        if candidate.is_file():
            if not _verified_before(candidate):
                verify_mnist(candidate)
                remember_verified(candidate)
            return candidate.resolve()
    searched = ", ".join(str(p) for p in places)
    raise DatasetError(f"MNIST is not installed for the grader (looked in {searched}); {_IMPORT_HINT}")


def verify_mnist(path: Path) -> str:
    """Check shapes, dtypes and content digest; return the digest or raise DatasetError."""
    try:
        with np.load(path, allow_pickle=False) as f:
            digest = hashlib.sha256()
            for name, (shape, dtype) in MNIST_SHAPES.items():
                if name not in f.files:
                    raise DatasetError(f"{path}: not MNIST (no array {name!r}); {_IMPORT_HINT}")
                array = f[name]
                if array.shape != shape or str(array.dtype) != dtype:
                    raise DatasetError(f"{path}: {name} is {array.dtype}{array.shape}, expected {dtype}{shape}")
                digest.update(name.encode())
                digest.update(str(array.shape).encode())
                digest.update(str(array.dtype).encode())
                digest.update(np.ascontiguousarray(array).tobytes())
    except DatasetError:
        raise
    except Exception as exc:  # not an npz, truncated, pickled objects...
        raise DatasetError(f"{path}: cannot be read as MNIST ({type(exc).__name__}: {exc})") from None
    if digest.hexdigest() != MNIST_DIGEST:
        raise DatasetError(f"{path}: arrays differ from Keras's MNIST (checksum mismatch)")
    return digest.hexdigest()


def rows_index_path(path: Path) -> Path:
    """In the grader's cache, for this copy: every image row's digest and split
    (`inside.testsets.rows_index`), so that a run tells what a model was trained on without
    decompressing the whole file."""
    return _cache_for(path).with_suffix(".rows.npz")


def _stamp_path(path: Path) -> Path:
    return _cache_for(path).with_suffix(".json")


def _cache_for(path: Path) -> Path:
    """One name per copy (by its resolved path), in the user cache dir: never beside the copy,
    which may be a shared, read-only folder."""
    import platformdirs

    key = hashlib.sha256(str(Path(path).resolve()).encode()).hexdigest()[:20]
    return Path(platformdirs.user_cache_dir("grader", appauthor=False)) / "verified" / f"mnist-{key}"


def _file_key(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]


def _verified_before(path: Path) -> bool:
    """This very file (size, modification time, inode) was verified before, and its row index built:
    the check of every byte (0.4 s) is not paid again on each run."""
    try:
        stamp = json.loads(_stamp_path(path).read_text(encoding="utf-8"))
        return (stamp == {"digest": MNIST_DIGEST, "file": _file_key(path)}
                and rows_index_path(path).is_file())
    except (OSError, ValueError):
        return False


def remember_verified(path: Path) -> None:
    """Record that `path` (just verified) holds Keras's MNIST, and build its row index; a data dir
    that cannot be written only means verifying again next time."""
    from grader.inside.testsets import rows_index

    try:
        index = rows_index(path)
        rows_index_path(path).parent.mkdir(parents=True, exist_ok=True)
        partial = rows_index_path(path).with_suffix(".partial.npz")
        np.savez(partial, **index)
        os.replace(partial, rows_index_path(path))
        _stamp_path(path).write_text(json.dumps({"digest": MNIST_DIGEST, "file": _file_key(path)}), encoding="utf-8")
    except OSError:
        pass


def import_mnist(source: Path, data_dir: Path | None = None) -> Path:
    """Verify `source` and copy it into the grader's data dir; return the installed path."""
    if not Path(source).is_file():
        raise DatasetError(f"{source}: no such file")
    verify_mnist(Path(source))
    target = _target_dir(data_dir) / MNIST_FILE
    tmp = target.with_suffix(".tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)
    remember_verified(target)
    return target


def _target_dir(data_dir: Path | None) -> Path:
    target_dir = Path(data_dir) if data_dir else Path(os.environ.get("GRADER_DATA_DIR") or user_data_dir())
    target_dir.mkdir(parents=True, exist_ok=True)
    return target_dir


def keras_cache() -> Path:
    """Where Keras's own `load_data()` keeps its download ($KERAS_HOME, else ~/.keras)."""
    return Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras") / "datasets" / MNIST_FILE


def fetch_mnist(url: str | None = None, data_dir: Path | None = None) -> tuple[Path, str]:
    """Install a verified MNIST: from `url`, else from Keras's cache if it holds a good copy, else
    from Keras's official location. Returns (installed path, where it came from); a download
    whose arrays are not Keras's MNIST is refused and nothing is installed."""
    import tempfile
    import urllib.error
    import urllib.request

    if url is None and keras_cache().is_file():
        try:
            return import_mnist(keras_cache(), data_dir), str(keras_cache())
        except DatasetError:
            pass  # a damaged cache: download instead
    url = url or KERAS_ORIGIN
    target_dir = _target_dir(data_dir)
    with tempfile.NamedTemporaryFile(dir=target_dir, prefix=".download-", suffix=".npz", delete=False) as tmp:
        partial = Path(tmp.name)
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                size = 0
                while chunk := response.read(2**20):
                    size += len(chunk)
                    if size > MAX_DOWNLOAD_BYTES:
                        raise DatasetError(f"{url}: more than {MAX_DOWNLOAD_BYTES // 2**20} MB; not MNIST")
                    tmp.write(chunk)
        except DatasetError:
            partial.unlink(missing_ok=True)
            raise
        except (urllib.error.URLError, OSError, ValueError) as exc:
            partial.unlink(missing_ok=True)
            reason = getattr(exc, "reason", None) or exc
            raise DatasetError(f"could not download MNIST from {url} ({reason}); offline: "
                               "grader data import PATH/TO/mnist.npz") from None
    try:
        verify_mnist(partial)
        target = target_dir / MNIST_FILE
        os.replace(partial, target)
        remember_verified(target)
    finally:
        partial.unlink(missing_ok=True)
    return target, url
