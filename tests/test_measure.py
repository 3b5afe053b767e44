"""The clean measuring process measures each saved model early, and never reports a stale result."""

import json

import pytest
from test_cli import grader

pytestmark = pytest.mark.kernel

REFIT = '''
import time
import numpy as np
import tensorflow as tf

x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
y = np.array([[0], [1], [1], [0]], dtype=np.float32)
other = tf.keras.Sequential([tf.keras.layers.Dense(4, input_dim=2, activation='tanh'),
                             tf.keras.layers.Dense(1, activation='sigmoid')])
other.compile(loss='binary_crossentropy', optimizer='adam')
other.fit(x, y, epochs=5, verbose=0)       # saved, measured early, never touched again
model = tf.keras.Sequential([tf.keras.layers.Dense(10, input_dim=2, activation='relu'),
                             tf.keras.layers.Dense(1, activation='sigmoid')])
model.compile(loss='binary_crossentropy', optimizer=tf.keras.optimizers.SGD(learning_rate=0.1), metrics=['accuracy'])
model.fit(x, y, epochs=1, verbose=0)       # saved, and measured early while the next lines run
time.sleep(8)  # time for the measuring process to import Keras and measure `other`, even on a busy machine
model.fit(x, y, epochs=3000, verbose=0)    # the same model trained on: its file is rewritten
print(model.evaluate(x, y, verbose=0))
'''


def test_a_model_trained_again_after_it_was_measured_early_is_measured_again(tmp_path, mnist_dir):
    path = tmp_path / "xor.py"
    path.write_text(REFIT)
    keep = tmp_path / "keep"
    result = grader("check", str(path), "-a", "lab09-xor", "--json", "--keep", str(keep), "--data-dir", str(mnist_dir))
    assert result.returncode in (0, 1), result.stderr[-2000:]
    other, run = json.loads(result.stdout)["models"]
    assert other["test_accuracy"] is not None
    early = [r.get("early", False) for r in json.loads((keep / "measure-results.json").read_text())]
    # the untouched model's early figure was used; the retrained one's early figure, if any, is that of
    # its final file (its first, one-epoch file was measured too, and discarded when it was rewritten)
    assert early[0] is True
    assert run["epochs"] == 3001 and run["measured_by"] == "grader"
    # the clean process's figure is that of the final weights: the student's own evaluate agrees
    assert run["test_accuracy"] == run["reported_accuracy"] == 1.0
    assert not list((keep / "out").glob("*.partial.keras"))  # saves are renamed into place whole
