"""`python -m grader.inside.measure_worker MANIFEST OUT`: load saved models safely and measure them.

Runs in a fresh interpreter with none of the student's code; `safe_mode=True` refuses
models that would execute arbitrary code (Lambda layers with bytecode, custom objects).

`python -m grader.inside.measure_worker --wait`: started while the student's code still runs,
it imports Keras first (the few seconds TensorFlow's import takes are then spent in parallel),
then reads one line `MANIFEST OUT` from stdin and measures; an empty line or EOF ends it.
"""

from __future__ import annotations

import json
import os
import sys


def main(manifest_path: str, out_path: str) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    from .describe import describe_layer, flat_layers  # pure description helpers, nothing installed
    from .testsets import accuracy, load_testset, predicted_labels

    manifest = json.loads(open(manifest_path, encoding="utf-8").read())
    results = []
    cache: dict = {}
    for entry in manifest["models"]:
        try:
            model = keras.models.load_model(entry["file"], safe_mode=True, compile=False)
            key = (entry["dataset"], json.dumps(entry["transform"], sort_keys=True))
            if key not in cache:
                cache[key] = load_testset(entry["dataset"], manifest["data_path"], entry["transform"])
            x, y = cache[key]
            outputs = model.predict(x, batch_size=1000, verbose=0)
            # what the saved file really holds, not what the student process claimed
            layers = [describe_layer(layer) for layer in flat_layers(model)]
            results.append({"accuracy": accuracy(outputs, y), "layers": layers, "params": int(model.count_params()),
                            "predictions": predicted_labels(outputs).tolist()})
        except Exception as exc:  # one bad model must not hide the others' results
            results.append({"accuracy": None, "error": f"{type(exc).__name__}: {str(exc)[:300]}"})
    tmp = out_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(results, f)
    os.replace(tmp, out_path)
    return 0


def wait() -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras  # noqa: F401  (the point of waiting: imported before the work arrives)

    line = sys.stdin.readline().strip()
    if not line:
        return 0
    manifest_path, out_path = line.split("\t")
    return main(manifest_path, out_path)


if __name__ == "__main__":
    sys.exit(wait() if sys.argv[1:] == ["--wait"] else main(sys.argv[1], sys.argv[2]))
