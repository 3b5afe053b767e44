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
_IMPORT_HINT = "install it with: grader data import PATH/TO/mnist.npz"


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
    target_dir = Path(data_dir) if data_dir else Path(os.environ.get("GRADER_DATA_DIR") or user_data_dir())
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / MNIST_FILE
    tmp = target.with_suffix(".tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)
    return target
