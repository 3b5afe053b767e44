"""The grader's own verified copy of MNIST: where it lives, how it is checked and installed.

Search order: an explicit `--data-dir`, then `$GRADER_DATA_DIR`, then the user data dir.
A copy counts only if its arrays hash to MNIST_DIGEST (shapes, dtypes and every byte).
"""

from __future__ import annotations

import hashlib
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
            verify_mnist(candidate)
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


def import_mnist(source: Path, data_dir: Path | None = None) -> Path:
    """Verify `source` and copy it into the grader's data dir; return the installed path."""
    if not Path(source).is_file():
        raise DatasetError(f"{source}: no such file")
    verify_mnist(Path(source))
    target = _target_dir(data_dir) / MNIST_FILE
    tmp = target.with_suffix(".tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)
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
    finally:
        partial.unlink(missing_ok=True)
    return target, url
