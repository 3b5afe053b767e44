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


@pytest.fixture
def served(tmp_path):
    """A loopback HTTP server over a folder: files put in `served.root` are at `served.url + name`."""
    import functools
    import http.server
    import threading

    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    class Served:
        pass

    served = Served()
    served.root, served.url = root, f"http://127.0.0.1:{server.server_address[1]}/"
    yield served
    server.shutdown()
    server.server_close()


def fetch(*args, env=None):
    import os
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "grader", "data", "fetch", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_fetch_downloads_verifies_and_installs(mnist_dir, tmp_path, served):
    (served.root / "mnist.npz").write_bytes((mnist_dir / "mnist.npz").read_bytes())
    result = fetch("--url", served.url + "mnist.npz", "--data-dir", str(tmp_path / "store"),
                   env={"KERAS_HOME": str(tmp_path / "no-keras")})
    assert result.returncode == 0, result.stderr
    assert "verified and installed" in result.stdout
    assert find_mnist(tmp_path / "store") == (tmp_path / "store" / "mnist.npz").resolve()


def test_fetch_refuses_a_download_that_is_not_kerass_mnist_and_installs_nothing(mnist_dir, tmp_path, served):
    with np.load(mnist_dir / "mnist.npz") as f:
        arrays = {k: f[k].copy() for k in f.files}
    arrays["x_train"][0, 0, 0] ^= 1
    np.savez(served.root / "mnist.npz", **arrays)
    result = fetch("--url", served.url + "mnist.npz", "--data-dir", str(tmp_path / "store"))
    assert result.returncode == 2 and "checksum" in result.stderr
    assert list((tmp_path / "store").iterdir()) == []  # no half-installed file, no leftover download
    missing = fetch("--url", served.url + "nothing.npz", "--data-dir", str(tmp_path / "store"))
    assert missing.returncode == 2 and "could not download MNIST" in missing.stderr and "import" in missing.stderr


def test_fetch_takes_a_good_copy_from_kerass_cache_without_the_network(mnist_dir, tmp_path):
    cache = tmp_path / "keras" / "datasets"
    cache.mkdir(parents=True)
    (cache / "mnist.npz").write_bytes((mnist_dir / "mnist.npz").read_bytes())
    result = fetch("--data-dir", str(tmp_path / "store"), env={"KERAS_HOME": str(tmp_path / "keras")})
    assert result.returncode == 0, result.stderr
    assert str(cache / "mnist.npz") in result.stdout.replace("\n", "")


def test_the_row_index_tells_train_test_and_other_rows(tmp_path):
    """What a run uses to flag a model trained on the test images, from a small npz shaped like MNIST."""
    import numpy as np

    from grader.inside.testsets import rows_index, split_of_rows

    rng = np.random.default_rng(0)
    x_train = rng.integers(0, 256, (50, 28, 28), dtype="uint8")
    x_test = rng.integers(0, 256, (20, 28, 28), dtype="uint8")
    x_test[0] = x_train[3]  # a row in both splits counts as train, as a first-seen table said
    path = tmp_path / "fake.npz"
    np.savez(path, x_train=x_train, y_train=np.zeros(50, "uint8"), x_test=x_test, y_test=np.zeros(20, "uint8"))
    index = rows_index(path)
    rows = np.stack([x_train[7], x_test[5], x_test[0], rng.integers(0, 256, (28, 28), dtype="uint8")]).reshape(4, -1)
    assert split_of_rows(index, rows) == ["train", "test", "train", "other"]


def test_a_verified_copy_is_not_verified_again_until_it_changes(tmp_path, monkeypatch):
    """The stamp and row index live in the user cache, keyed by the copy; touching the copy voids them."""
    import os

    import grader.data as data

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    copy = tmp_path / "mnist.npz"
    copy.write_bytes(b"not really")
    calls = []
    monkeypatch.setattr(data, "verify_mnist", lambda path: calls.append(path))
    monkeypatch.setattr("grader.inside.testsets.rows_index", lambda path: {"digest": [1], "split": [0]})
    assert data.find_mnist(tmp_path) == copy.resolve() and len(calls) == 1
    assert data.find_mnist(tmp_path) == copy.resolve() and len(calls) == 1  # stamped: not again
    assert data.rows_index_path(copy).is_file() and not (tmp_path / "mnist.npz.rows.npz").exists()
    os.utime(copy, ns=(1, 1))
    data.find_mnist(tmp_path)
    assert len(calls) == 2
