import numpy as np
import pytest

from grader.data import find_mnist, import_mnist, verify_mnist
from grader.errors import DatasetError

pytestmark = pytest.mark.kernel  # real kernels, TensorFlow or the installed command


def test_course_copy_verifies_and_imports(mnist_dir, tmp_path):
    verify_mnist(mnist_dir / "mnist.npz")
    installed = import_mnist(mnist_dir / "mnist.npz", tmp_path / "store")
    assert installed == tmp_path / "store" / "mnist.npz"
    assert find_mnist(tmp_path / "store") == installed.resolve()


def test_altered_copy_is_refused(mnist_dir, tmp_path):
    with np.load(mnist_dir / "mnist.npz") as f:
        arrays = {k: f[k].copy() for k in f.files}
    arrays["y_test"][0] = (arrays["y_test"][0] + 1) % 10
    np.savez(tmp_path / "mnist.npz", **arrays)
    with pytest.raises(DatasetError, match="checksum"):
        verify_mnist(tmp_path / "mnist.npz")


def test_not_an_npz_is_refused(tmp_path):
    (tmp_path / "mnist.npz").write_bytes(b"hello")
    with pytest.raises(DatasetError, match="cannot be read"):
        verify_mnist(tmp_path / "mnist.npz")


def test_missing_dataset_names_the_import_command(tmp_path, monkeypatch):
    monkeypatch.delenv("GRADER_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "empty"))
    with pytest.raises(DatasetError, match="grader data import"):
        find_mnist(tmp_path / "nothing")
