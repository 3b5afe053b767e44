"""The clean measuring process: load saved models safely and measure them on the grader's test set.

Runs in a fresh interpreter with none of the student's code; `safe_mode=True` refuses
models that would execute arbitrary code (Lambda layers with bytecode, custom objects).

- `python -m grader.inside.measure_worker MANIFEST OUT` measures the manifest's models and exits.
- `python -m grader.inside.measure_worker --wait OUT_DIR DATA_PATH` is started when the student's
  code starts. It imports Keras first (TensorFlow's few seconds of import then overlap the
  student's run) and, while it waits, measures each model the runtime saves in OUT_DIR as soon
  as the facts name it. Then it reads one line `MANIFEST<TAB>OUT` from stdin and answers the
  manifest, reusing an early result only for the same file (inode, size, modification time) and
  the same input transform; anything else is measured then. An empty line or EOF ends it.
"""

from __future__ import annotations

import json
import os
import re
import select
import sys

from .facts import FACTS_FILE, MAX_FACTS_BYTES

_ARTIFACT = re.compile(r"model\d+\.keras")
_POLL_S = 0.25


def main(manifest_path: str, out_path: str, early: dict | None = None, measurer: "Measurer | None" = None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    manifest = json.loads(open(manifest_path, encoding="utf-8").read())
    if measurer is None or measurer.data_path != manifest["data_path"]:
        measurer = Measurer(manifest["data_path"])  # else the waiting one, test sets already loaded
    results = []
    for entry in manifest["models"]:
        key = measurer.key(entry["file"], entry["dataset"], entry["transform"])
        if key is not None and key in (early or {}):
            results.append({**early[key], "early": True})
        else:
            results.append(measurer.measure(entry["file"], entry["dataset"], entry["transform"]))
    tmp = out_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(results, f)
    os.replace(tmp, out_path)
    return 0


class Measurer:
    def __init__(self, data_path: str):
        self.data_path = data_path
        self.testsets: dict = {}

    @staticmethod
    def key(path: str, dataset: str, transform: dict) -> tuple | None:
        """What an early result is valid for: this very file, and the same test-set preparation."""
        try:
            stat = os.lstat(path)
        except OSError:
            return None
        return (path, stat.st_ino, stat.st_size, stat.st_mtime_ns, dataset, json.dumps(transform, sort_keys=True))

    def measure(self, path: str, dataset: str, transform: dict) -> dict:
        import keras

        from .describe import describe_layer, flat_layers  # pure description helpers, nothing installed
        from .testsets import accuracy, load_testset, predicted_labels

        from .portable import keras_twins

        try:
            # still safe mode: TensorFlow's own functions and initializers come back as their Keras twins
            model = keras.models.load_model(path, safe_mode=True, compile=False, custom_objects=keras_twins(keras))
            key = (dataset, json.dumps(transform, sort_keys=True))
            if key not in self.testsets:
                self.testsets[key] = load_testset(dataset, self.data_path, transform)
            x, y = self.testsets[key]
            outputs = model.predict(x, batch_size=1000, verbose=0)
            # what the saved file really holds, not what the student process claimed
            layers = [describe_layer(layer) for layer in flat_layers(model)]
            return {"accuracy": accuracy(outputs, y), "layers": layers, "params": int(model.count_params()),
                    "predictions": predicted_labels(outputs).tolist()}
        except Exception as exc:  # one bad model must not hide the others' results
            return {"accuracy": None, "error": f"{type(exc).__name__}: {str(exc)[:300]}"}


_parsed: dict = {}  # the last facts file saved_models parsed: {"seen": (path, inode, size, mtime), "records"}


def saved_models(out_dir: str) -> list[tuple[str, str, dict]]:
    """(path, dataset, transform) of each model the facts name and whose file is there; read
    defensively (the student's process wrote these files)."""
    path = os.path.join(out_dir, FACTS_FILE)
    try:
        stat = os.stat(path)
        if stat.st_size > MAX_FACTS_BYTES:  # the reader's cap: such a file is ignored there too
            return []
        seen = (path, stat.st_ino, stat.st_size, stat.st_mtime_ns)
        if _parsed.get("seen") == seen:  # polled every 0.25 s: a long history is parsed once per change
            records = _parsed["records"]
        else:
            with open(path, encoding="utf-8") as f:
                facts = json.loads(f.read())
            records = facts.get("models") if isinstance(facts, dict) else None
            _parsed.update(seen=seen, records=records)
    except (OSError, ValueError):
        return []
    found = []
    for record in records if isinstance(records, list) else []:
        if not isinstance(record, dict):
            continue
        name, dataset, transform = record.get("artifact"), record.get("dataset"), record.get("transform")
        if not (isinstance(name, str) and _ARTIFACT.fullmatch(name) and dataset in ("mnist", "xor")
                and isinstance(transform, dict)):
            continue
        transform = {k: transform[k] for k in ("scale", "offset", "input_shape") if k in transform}
        path = os.path.join(out_dir, name)
        if os.path.isfile(path) and not os.path.islink(path):
            found.append((path, dataset, transform))
    return found


def wait(out_dir: str, data_path: str) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras  # noqa: F401  (the point of waiting: imported before the work arrives)

    measurer = Measurer(data_path)
    early: dict = {}
    while True:
        ready, _, _ = select.select([sys.stdin], [], [], _POLL_S)
        if ready:
            break
        for path, dataset, transform in saved_models(out_dir):
            key = measurer.key(path, dataset, transform)
            if key is not None and key not in early:
                result = measurer.measure(path, dataset, transform)
                if measurer.key(path, dataset, transform) == key:  # not rewritten while it was read
                    early[key] = result
    line = sys.stdin.readline().strip()
    if not line:
        return 0
    manifest_path, out_path = line.split("\t")
    return main(manifest_path, out_path, early, measurer)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--wait"]:
        sys.exit(wait(sys.argv[2], sys.argv[3]))
    sys.exit(main(sys.argv[1], sys.argv[2]))
