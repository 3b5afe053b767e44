"""The one translation catalogue: every sentence a reader sees, in Korean beside its English.

- `MESSAGES` and `HINTS`: Korean for the message ids (English `str.format` patterns) that checks,
  hints and the grader's notes say through `grader.message.msg`; `feedback.i18n.render` looks here.
  `tests/test_i18n.py` proves every id said in the package is here with the same placeholders.
- `REPORT` and `PAGE`: the labels of the terminal / Markdown report and of the HTML page, by language.
"""

from __future__ import annotations

from grader.grading.compare import BLOCK_FIELDS

MESSAGES: dict[str, str] = {
    # rules.py: architecture
    "the model has no Dense layers": "모델에 Dense 층이 없습니다",
    "{got} hidden layers, expected {want}": "은닉층 {got}개, 요구: {want}개",
    "hidden layer {i}: {got} units, expected {want}": "{i}번째 은닉층: 유닛 {got}개, 요구: {want}개",
    "hidden layers {widths}": "은닉층 {widths}",
    "{got} hidden layers, expected at least {low}": "은닉층 {got}개, 요구: {low}개 이상",
    "{got} hidden layers, expected {low} to {high}": "은닉층 {got}개, 요구: {low}~{high}개",
    "hidden layer {i}: {got} units, expected at least {low}": "{i}번째 은닉층: 유닛 {got}개, 요구: {low}개 이상",
    "hidden layers wide enough": "은닉층 유닛 수 충분",
    "hidden layer {i}: activation {got}, expected {want}": "{i}번째 은닉층: 활성화 함수 {got}, 요구: {want}",
    "no hidden layers": "은닉층이 없습니다",
    "activations right": "활성화 함수 맞음",
    "output layer: {got} units, expected {want}": "출력층: 유닛 {got}개, 요구: {want}개",
    "output layer: activation {got}, expected {want}": "출력층: 활성화 함수 {got}, 요구: {want}",
    "hidden layer {i}: kernel_initializer {got}": "{i}번째 은닉층: kernel_initializer {got}",
    ", the part asks for {want}": ", 이 항목은 {want} 초기화를 요구합니다",
    "{want} initialisation": "{want} 초기화",
    "not attempted yet: no trained model is of this part's kind ({traits})":
        "아직 시도하지 않음: 이 항목에 해당하는 종류({traits})의 학습된 모델이 없습니다",
    "{n} hidden layers": "은닉층 {n}개",
    "at least {n} hidden layers": "은닉층 {n}개 이상",
    "Dropout after the hidden layers": "은닉층 뒤의 Dropout",
    "BatchNormalization": "BatchNormalization",
    "hidden layer {i}: dropout rate {got:g}, expected {low:g}": "{i}번째 은닉층: 드롭아웃 비율 {got:g}, 요구: {low:g}",
    "hidden layer {i}: dropout rate {got:g}, expected {low:g} to {high:g}":
        "{i}번째 은닉층: 드롭아웃 비율 {got:g}, 요구: {low:g}~{high:g}",
    "no Dropout after hidden layer {layers}": "{layers}번째 은닉층 뒤에 Dropout이 없습니다",
    "Dropout after every hidden layer": "모든 은닉층 뒤에 Dropout",
    "Dropout after hidden layer {layers}; this part has none":
        "{layers}번째 은닉층 뒤에 Dropout이 있습니다. 이 항목에는 Dropout이 없어야 합니다",
    "no Dropout": "Dropout 없음",
    "hidden layer {i}: no BatchNormalization": "{i}번째 은닉층: BatchNormalization이 없습니다",
    "hidden layer {i}: BatchNormalization after {act}; the lab puts it between Dense and ReLU":
        "{i}번째 은닉층: BatchNormalization이 {act} 뒤에 있습니다. 실습에서는 Dense와 ReLU 사이에 둡니다",
    "the activation": "활성화 함수",
    "Dense > BatchNorm > ReLU": "Dense > BatchNorm > ReLU",
    "optimizer {got}, expected {want}": "옵티마이저 {got}, 요구: {want}",
    "{got} epochs, expected at least {want}": "{got} 에폭, 요구: {want} 에폭 이상",
    # rules.py: accuracy
    "trained on the test set: no accuracy credit": "테스트 데이터로 학습했습니다: 정확도 점수 없음",
    "accuracy could not be measured": "정확도를 측정할 수 없었습니다",
    "measured test accuracy {acc:.4f} >= {threshold:.4f}": "측정한 테스트 정확도 {acc:.4f} >= {threshold:.4f}",
    "measured test accuracy {acc:.4f} < {threshold:.4f}": "측정한 테스트 정확도 {acc:.4f} < {threshold:.4f}",
    # checks.py
    "no trained model was found: the grader only counts models that model.fit (or a training loop with "
    "a Keras optimizer) actually trained":
        "학습된 모델이 없습니다: 채점기는 model.fit (또는 Keras 옵티마이저를 쓰는 학습 루프)으로 실제로 학습한 모델만 셉니다",
    "model #{n} `{name}`": "모델 #{n} `{name}`",
    "model #{n} `{name}` (cell {cell})": "모델 #{n} `{name}` ({cell}번 셀)",
    "{where}: architecture matches; accuracy not judged in --quick mode (training was capped): run the full check":
        "{where}: 구조는 맞습니다. --quick 모드에서는 학습을 줄였기 때문에 정확도는 판정하지 않았습니다: 전체 검사를 실행하세요",
    "{where}: {details}": "{where}: {details}",
    "matches": "요구 사항을 모두 만족합니다",
    "closest is {where}: {failed}": "가장 가까운 모델은 {where}: {failed}",
    "nothing to compare: no run found for {missing}": "비교할 수 없습니다: {missing} 실행을 찾지 못했습니다",
    "the {a} and {b} runs differ in shape; the notes compare nets of the same shape":
        "{a}와 {b} 실행의 신경망 구조가 다릅니다. 강의 노트는 같은 구조의 신경망을 비교합니다",
    "{a} and {b} runs found; their comparison is not judged in --quick mode":
        "{a}와 {b} 실행을 찾았습니다. --quick 모드에서는 비교를 판정하지 않습니다",
    "{a} #{i} vs {b} #{j}: {detail}": "{a} #{i} 대 {b} #{j}: {detail}",
    "no training loss recorded to compare": "비교할 학습 손실이 기록되지 않았습니다",
    "last training loss {a:.4f} vs {b:.4f}": "마지막 학습 손실 {a:.4f} 대 {b:.4f}",
    "accuracy could not be measured for both": "두 모델의 정확도를 모두 측정할 수는 없었습니다",
    "measured test accuracy {a:.4f} vs {b:.4f}": "측정한 테스트 정확도 {a:.4f} 대 {b:.4f}",
    "saved and loaded back: {files}": "저장한 뒤 다시 불러왔습니다: {files}",
    "saved {files} but never loaded it back with load_model": "{files}을(를) 저장했지만 load_model로 다시 불러오지 않았습니다",
    "no model.save(...) call ran": "model.save(...) 호출이 실행되지 않았습니다",
    "no function named {names} was found after the run": "실행 후 {names} 함수를 찾지 못했습니다",
    "{fn}() could not be called": "{fn}()을(를) 호출할 수 없었습니다",
    "{fn}() on the XOR truth table: accuracy {acc:.2f}": "XOR 진리표에 대한 {fn}(): 정확도 {acc:.2f}",
    ", but no optimizer step updated its variables": ", 하지만 옵티마이저가 변수를 한 번도 갱신하지 않았습니다",
    " < {threshold:.2f}": " < {threshold:.2f}",
    "no answer found for question {q} (write it under a '# Quiz' heading)":
        "{q}번 문제의 답을 찾지 못했습니다 ('# Quiz' 제목 아래에 쓰세요)",
    "'{answer}' is correct": "'{answer}': 정답입니다",
    "'{answer}' is not correct": "'{answer}': 정답이 아닙니다",
    "every cell ran without an error": "모든 셀이 오류 없이 실행되었습니다",
    "{n} cell(s) failed: {cells}": "셀 {n}개에서 오류가 났습니다: {cells}",
    # compare.py
    "same layers as the reference of '{part}'": "'{part}' 기준 모델과 층 구성이 같습니다",
    "vs the reference of '{part}': {notes}": "'{part}' 기준 모델과 비교: {notes}",
    "hidden layer {n}": "{n}번째 은닉층",
    "output layer": "출력층",
    "hidden layer {n} is not in the reference": "{n}번째 은닉층은 기준 모델에 없습니다",
    "reference hidden layer {n} is missing": "기준 모델의 {n}번째 은닉층이 없습니다",
    "none": "없음",
    "{field} {yours} ≠ {reference}": "{field} {yours} ≠ {reference}",
    "{where}: {fields}": "{where}: {fields}",
    " (your choice)": " (자유 선택)",
    # score.py
    "the check itself failed: {error}": "채점 항목 자체에 오류가 났습니다: {error}",
    # intake: unpacking and picking the file to run
    "{name} is not a readable zip archive (not a zip, or truncated)":
        "{name}은(는) 읽을 수 있는 zip 파일이 아닙니다 (zip이 아니거나 잘렸습니다)",
    "{name} is not a .zip archive, a folder, a .ipynb or a .py file":
        "{name}은(는) .zip 파일, 폴더, .ipynb, .py 파일 중 어느 것도 아닙니다",
    "no notebook (.ipynb) or Python module (.py) in the submission; found: {files}":
        "제출물에 노트북(.ipynb)이나 파이썬 모듈(.py)이 없습니다. 들어 있는 파일: {files}",
    "Ignored {pattern} ({why}).": "{pattern}은(는) 무시했습니다 ({why}).",
    "Did not open nested archive {name}: archives are opened only {n} level(s) deep.":
        "안쪽 압축 파일 {name}은(는) 열지 않았습니다: 압축 파일은 {n}단계까지만 엽니다.",
    "Unpacked nested archive {name} into {folder}/.": "안쪽 압축 파일 {name}을(를) {folder}/에 풀었습니다.",
    "Skipped symbolic link {name} (links are not copied).": "심볼릭 링크 {name}은(는) 건너뛰었습니다 (링크는 복사하지 않습니다).",
    "Skipped {name}: not a regular file.": "{name}은(는) 일반 파일이 아니어서 건너뛰었습니다.",
    "{name} is not a Jupyter notebook but a web page saved under a notebook's name; in Colab use File > Download > "
    "Download .ipynb, or in Jupyter File > Download, and hand in that file":
        "{name}은(는) 주피터 노트북이 아니라 노트북 이름으로 저장한 웹 페이지입니다. Colab에서는 파일 > 다운로드 > "
        ".ipynb 다운로드, Jupyter에서는 File > Download로 받은 파일을 제출하세요",
    "{name} is not a Jupyter notebook (nbformat cannot read it); download the notebook again from Colab or Jupyter "
    "and hand in that file":
        "{name}은(는) 주피터 노트북이 아닙니다 (nbformat이 읽지 못합니다). Colab이나 Jupyter에서 노트북을 다시 받아 제출하세요",
    "no file matching {patterns} in the submission": "제출물에 {patterns}에 맞는 파일이 없습니다",
    "several candidate files ({files}); graded {chosen}": "후보 파일이 여러 개입니다 ({files}). {chosen}을(를) 채점했습니다",
    "assignment {id} picked: {why}": "과제 {id}을(를) 골랐습니다: {why}",
    "assignment {id} picked: {why} (a close second: {other})": "과제 {id}을(를) 골랐습니다: {why} (비슷한 후보: {other})",
    "the closest match": "가장 가까운 과제",
    "MNIST": "MNIST",
    "the XOR truth table": "XOR 진리표",
    "file name `{name}`": "파일 이름 `{name}`",
    "code with {words}": "코드에 {words}",
    "no assignment matches this submission; choose one with -a NAME (candidates: {names})":
        "이 제출물에 맞는 과제가 없습니다. -a NAME으로 고르세요 (후보: {names})",
    "no assignment matches this submission: it loads neither MNIST nor the XOR truth table, and its file names "
    "name no lab of this course; if it is one, choose it with -a NAME (candidates: {names})":
        "이 제출물에 맞는 과제가 없습니다: MNIST도 XOR 진리표도 읽지 않고, 파일 이름에도 이 강의의 실습 번호가 없습니다. "
        "강의 실습이라면 -a NAME으로 고르세요 (후보: {names})",
    "the submission contains saved weights ({files}); only models trained during the run are graded":
        "제출물에 저장된 가중치가 있습니다 ({files}). 실행 중에 학습한 모델만 채점합니다",
    # execution: the sandbox, limits, the kernel
    "sandbox: turned off (--sandbox off); the student's code was not isolated":
        "샌드박스: 꺼져 있습니다 (--sandbox off). 학생 코드를 격리하지 않았습니다",
    "sandbox: bubblewrap is not available here, so the student's code ran with resource limits only and could "
    "read and write what the user running the grader can":
        "샌드박스: 이 컴퓨터에는 bubblewrap이 없어서 학생 코드를 자원 제한만 걸고 실행했습니다. 코드는 채점기를 "
        "실행한 사용자가 읽고 쓸 수 있는 것을 모두 읽고 쓸 수 있었습니다",
    "limits: {item}": "제한: {item}",
    "cell {index}: package installs (!pip ...) are not run; the grader provides TensorFlow":
        "{index}번 셀: 패키지 설치(!pip ...)는 실행하지 않습니다. TensorFlow는 채점기가 제공합니다",
    "the run's time limit was reached": "실행 시간 제한에 걸렸습니다",
    "the run wrote more than its disk limit ({mb} MB)": "실행이 디스크 제한({mb} MB)보다 많이 썼습니다",
    "the kernel stopped responding ({why}; {process})": "커널이 응답하지 않습니다 ({why}; {process})",
    "no heartbeat for {s:.0f} s": "{s:.0f}초 동안 하트비트가 없었습니다",
    "it finished the cell, but its reply never reached the grader": "셀은 끝났지만 그 응답이 채점기에 오지 않았습니다",
    "its shell took no request for {s:.0f} s": "커널의 셸이 {s:.0f}초 동안 요청을 받지 않았습니다",
    "its process had exited": "프로세스는 이미 끝났습니다",
    "its process is alive": "프로세스는 살아 있습니다",
    "its process is stopped by a signal": "프로세스가 시그널로 멈춰 있습니다",
    "the kernel died": "커널이 죽었습니다",
    " (exit code {code})": " (종료 코드 {code})",
    "the kernel died{status}: out of memory, the CPU time limit, or code that closed or broke the kernel's own "
    "connections":
        "커널이 죽었습니다{status}: 메모리 부족, CPU 시간 제한, 또는 커널 자신의 연결을 닫거나 망가뜨린 코드 때문입니다",
    "{why} before the run finished": "실행이 끝나기 전에: {why}",
    "{why}; later cells were skipped, models trained before still count":
        "{why}. 뒤의 셀은 건너뛰었고, 그 전에 학습한 모델은 그대로 채점합니다",
    "{why}; models trained before that still count": "{why}. 그 전에 학습한 모델은 그대로 채점합니다",
    "{why} ({s:g} s)": "{why} ({s:g}초)",
    "the module's process ended abnormally (exit code {code})": "모듈 프로세스가 비정상적으로 끝났습니다 (종료 코드 {code})",
    "the grader could not finish tracing: {error}": "채점기가 추적을 마치지 못했습니다: {error}",
    "execution stopped early: {error}": "실행이 일찍 멈췄습니다: {error}",
    "output was truncated after {kb} KB ({dropped:,} more bytes dropped)":
        "출력이 {kb} KB에서 잘렸습니다 ({dropped:,}바이트를 버렸습니다)",
    "the kernel process wrote more than {kb} KB outside the notebook's cells, straight to its file descriptors "
    "({dropped:,} bytes dropped)":
        "커널 프로세스가 노트북 셀 밖에서 파일 디스크립터에 직접 {kb} KB 넘게 썼습니다 ({dropped:,}바이트를 버렸습니다)",
    # execution: reading the trace, measuring
    "no training was traced (the grader's runtime left no facts)": "학습이 추적되지 않았습니다 (채점기 런타임이 기록을 남기지 않았습니다)",
    "the trace file was too large and was ignored": "추적 파일이 너무 커서 무시했습니다",
    "the trace file was unreadable and was ignored": "추적 파일을 읽을 수 없어서 무시했습니다",
    "the trace file was malformed and was ignored": "추적 파일의 형식이 잘못되어 무시했습니다",
    "the trace file has version {got}, not {want}, and was ignored": "추적 파일의 버전이 {want}이(가) 아니라 {got}이어서 무시했습니다",
    "a traced model record was malformed and ignored ({error})": "추적한 모델 기록 하나의 형식이 잘못되어 무시했습니다 ({error})",
    # the command line
    "the command line was not understood (see the message on stderr)": "명령줄을 이해하지 못했습니다 (stderr의 메시지를 보세요)",
    "the grader failed on its own (a bug in the grader, not in the submission)":
        "채점기 자체가 실패했습니다 (제출물이 아니라 채점기의 버그입니다)",
    # --replay: a run recorded by --keep
    "{path}: the recording is over {mb} MB": "{path}: 기록 파일이 {mb} MB를 넘습니다",
    "{path}: the recording cannot be read ({error})": "{path}: 기록 파일을 읽을 수 없습니다 ({error})",
    "{path}: the recording is not JSON": "{path}: 기록 파일이 JSON이 아닙니다",
    "{path}: not a run recorded by `grader check --keep` (recording version {want})":
        "{path}: `grader check --keep`이 기록한 실행이 아닙니다 (기록 버전 {want})",
    "{path}: the recording's {field} is malformed": "{path}: 기록 파일의 {field} 형식이 잘못되었습니다",
    "the recording was made from another submission (sha256 {recorded}...), not this one ({given}...)":
        "이 기록은 다른 제출물(sha256 {recorded}...)에서 만들어졌습니다. 이 제출물({given}...)이 아닙니다",
    "model #{n}: training stopped by the time limit at epoch {epoch:,} of {of}; this model was graded as it was then":
        "모델 #{n}: 시간 제한으로 {of} 에폭 중 {epoch:,} 에폭에서 학습이 멈췄습니다. 그때의 모델로 채점했습니다",
    "cell ran longer than {s:g} s": "셀이 {s:g}초보다 오래 실행되었습니다",
    "could not be measured: {error}": "측정할 수 없었습니다: {error}",
    "the trace disagreed with the saved model; the saved model's layers were graded":
        "추적 결과와 저장된 모델이 달랐습니다. 저장된 모델의 층으로 채점했습니다",
    # execution: how the runtime trained a model (inside/fastfit.py says the reasons)
    "trained by the grader's fast path (the same weights as Keras's own loop)":
        "채점기의 빠른 학습 경로로 학습했습니다 (Keras 자체 루프와 같은 가중치)",
    "trained by Keras's own loop: {why}": "Keras 자체 루프로 학습했습니다: {why}",
    "acceleration is turned off (--faithful)": "가속이 꺼져 있습니다 (--faithful)",
    "the student's own session trains with Keras's own loop": "학생 본인의 세션에서는 Keras 자체 루프로 학습합니다",
    "the model is not compiled": "모델이 compile되지 않았습니다",
    "{name} is set": "{name}이(가) 지정되어 있습니다",
    "validation_freq is not 1": "validation_freq가 1이 아닙니다",
    "run_eagerly is on": "run_eagerly가 켜져 있습니다",
    "jit_compile is on": "jit_compile이 켜져 있습니다",
    "a distribution strategy is set": "분산 전략이 지정되어 있습니다",
    "the optimizer {name} is not a Keras optimizer": "옵티마이저 {name}은(는) Keras 옵티마이저가 아닙니다",
    "the model defines its own {method}": "모델이 자체 {method}를 정의합니다",
    "a callback is given ({name})": "콜백이 주어졌습니다 ({name})",
    "epochs is not a whole number": "epochs가 정수가 아닙니다",
    "the input is a {kind}, not arrays": "입력이 배열이 아니라 {kind}입니다",
    "validation_data is not an (x, y) pair": "validation_data가 (x, y) 쌍이 아닙니다",
    "validation_data is not arrays": "validation_data가 배열이 아닙니다",
    "Keras refused the input ({error})": "Keras가 입력을 거부했습니다 ({error})",
    "the model could not be built ({error})": "모델을 빌드할 수 없었습니다 ({error})",
    "a batch holds something other than tensors": "배치에 텐서가 아닌 값이 있습니다",
    "the training data is too large to hold one epoch in memory": "학습 데이터가 너무 커서 한 에폭을 메모리에 둘 수 없습니다",
    "the input has no batches": "입력에 배치가 없습니다",
    "the batches change shape too often": "배치의 모양이 너무 자주 바뀝니다",
    "the shuffle differs between epochs (no random seed is set)": "에폭마다 셔플이 달라집니다 (랜덤 시드가 없습니다)",
    "the metric {name} is not a single number": "지표 {name}이(가) 숫자 하나가 아닙니다",
    "the fast path failed ({error})": "빠른 학습 경로가 실패했습니다 ({error})",
    "the grader's fit hook failed": "채점기의 fit 훅이 실패했습니다",
    "TensorFlow {tensorflow} and Keras {keras} ran this code (Colab runs TensorFlow {colab_tf} and Keras {colab_keras})":
        "이 코드는 TensorFlow {tensorflow}, Keras {keras}에서 실행되었습니다 (Colab은 TensorFlow {colab_tf}, Keras {colab_keras})",
    "the training step could not be compiled ({error})": "학습 단계를 컴파일할 수 없었습니다 ({error})",
}

HINTS: dict[str, str] = {
    # hints.py: the rules, then the TF1 fixes they quote
    "`tensorflow.examples.tutorials.mnist` (`input_data.read_data_sets`) was removed with TensorFlow 1: load MNIST "
    "with `(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()`, then "
    "`x_train = x_train.reshape(-1, 784) / 255.0` (and the same for `x_test`); the labels are digits, so use "
    "`sparse_categorical_crossentropy` or `tf.keras.utils.to_categorical(y, 10)`.":
        "`tensorflow.examples.tutorials.mnist`(`input_data.read_data_sets`)는 TensorFlow 1과 함께 없어졌습니다: "
        "`(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()`로 MNIST를 읽고 "
        "`x_train = x_train.reshape(-1, 784) / 255.0`(x_test도 똑같이)으로 바꾸세요. 레이블은 숫자이므로 "
        "`sparse_categorical_crossentropy`를 쓰거나 `tf.keras.utils.to_categorical(y, 10)`으로 바꾸세요.",
    "`predict_classes` was removed from Keras: use `np.argmax(model.predict(x), axis=1)` (for one sigmoid output, "
    "`(model.predict(x) > 0.5).astype(int)`).":
        "Keras에서 `predict_classes`는 없어졌습니다: `np.argmax(model.predict(x), axis=1)`을 쓰세요 "
        "(시그모이드 출력 하나라면 `(model.predict(x) > 0.5).astype(int)`).",
    "feed data directly—build a Keras model (`tf.keras.Input(shape=(784,))`) and call `model.fit(x, y)`":
        "placeholder 없이 데이터를 바로 넣습니다 — Keras 모델(`tf.keras.Input(shape=(784,))`)을 만들고 `model.fit(x, y)`를 호출하세요",
    "there is no Session; TF 2 runs eagerly, so call the model or function directly (`model(x)`, `loss.numpy()`)":
        "Session이 없습니다. TF 2는 즉시 실행(eager)이므로 모델이나 함수를 바로 호출하세요 (`model(x)`, `loss.numpy()`)",
    "use `tf.keras.layers` / `tf.keras.initializers` (e.g. `tf.keras.initializers.GlorotUniform()` for xavier)":
        "`tf.keras.layers` / `tf.keras.initializers`를 쓰세요 (xavier는 `tf.keras.initializers.GlorotUniform()`)",
    "use `tf.keras.optimizers.Adam(learning_rate=0.001)`":
        "`tf.keras.optimizers.Adam(learning_rate=0.001)`를 쓰세요",
    "use `tf.keras.optimizers.SGD(learning_rate=0.01)`":
        "`tf.keras.optimizers.SGD(learning_rate=0.01)`를 쓰세요",
    "use the optimizers in `tf.keras.optimizers` (`SGD(momentum=0.9)`, `RMSprop`, `Adagrad`)":
        "`tf.keras.optimizers`의 옵티마이저(`SGD(momentum=0.9)`, `RMSprop`, `Adagrad`)를 쓰세요",
    "delete it; TF 2 variables are initialized when they are created":
        "그 줄을 지우세요. TF 2의 변수는 만들 때 초기화됩니다",
    "use `tf.random.normal(...)`":
        "`tf.random.normal(...)`을 쓰세요",
    "use `tf.random.uniform(...)`":
        "`tf.random.uniform(...)`을 쓰세요",
    "use `tf.random.truncated_normal(...)`":
        "`tf.random.truncated_normal(...)`을 쓰세요",
    "use `tf.random.set_seed(...)`":
        "`tf.random.set_seed(...)`를 쓰세요",
    "use `tf.Variable(initial_value)` or a Keras layer such as `tf.keras.layers.Dense`":
        "`tf.Variable(초기값)`이나 `tf.keras.layers.Dense` 같은 Keras 층을 쓰세요",
    "use `tf.nn.softmax_cross_entropy_with_logits(labels=..., logits=...)` or `tf.keras.losses.CategoricalCrossentropy(from_logits=True)`":
        "`tf.nn.softmax_cross_entropy_with_logits(labels=..., logits=...)`나 `tf.keras.losses.CategoricalCrossentropy(from_logits=True)`를 쓰세요",
    "iterate the dataset directly: `for x, y in dataset:` (or `iter(dataset)`)":
        "데이터셋을 바로 반복하세요: `for x, y in dataset:` (또는 `iter(dataset)`)",
    "drop the global step; `optimizer.iterations` counts the steps":
        "global step은 지우세요. 단계 수는 `optimizer.iterations`가 셉니다",
    "drop `global_step=`: `optimizer.apply_gradients(zip(grads, model.trainable_variables))`; `optimizer.iterations` counts the steps":
        "`global_step=`을 지우세요: `optimizer.apply_gradients(zip(grads, model.trainable_variables))`. 단계 수는 `optimizer.iterations`가 셉니다",
    "use `tf.keras.layers` (e.g. `tf.keras.layers.Dense(256, activation='relu')`)":
        "`tf.keras.layers`를 쓰세요 (예: `tf.keras.layers.Dense(256, activation='relu')`)",
    "use `tf.keras.backend.clear_session()`":
        "`tf.keras.backend.clear_session()`을 쓰세요",
    "use `tf.math.log(...)`":
        "`tf.math.log(...)`를 쓰세요",
    "Keras 3 renamed `lr` to `learning_rate`: write `{optimizer}(learning_rate={value})`.":
        "Keras 3에서는 `lr` 대신 `learning_rate`를 씁니다: `{optimizer}(learning_rate={value})`",
    "TensorFlow 2 runs eagerly by default; delete the `tf.enable_eager_execution()` line.":
        "TF 2는 처음부터 즉시 실행(eager) 모드입니다. `tf.enable_eager_execution()` 줄을 지우세요.",
    "This is TensorFlow 1 API (`{api}`), gone in TF 2: {fix}.":
        "TensorFlow 1 API(`{api}`)는 TF 2에 없습니다: {fix}.",
    "Colab has `{module}` preinstalled, but the grading environment does not, so this import fails only when graded: remove it if the lab does not need it (grading has TensorFlow, Keras, NumPy, matplotlib, pandas, scikit-learn, Pillow and TensorBoard).":
        "`{module}`은(는) Colab에는 미리 설치되어 있지만 채점 환경에는 없어서, 채점할 때만 이 import가 실패합니다. 실습에 필요 없다면 지우세요 (채점 환경에는 TensorFlow, Keras, NumPy, matplotlib, pandas, scikit-learn, Pillow, TensorBoard가 있습니다).",
    "`google.colab` exists only inside Colab. Remove `drive.mount(...)`/`files.upload()` and read files by relative path from your submission folder (put them in the zip).":
        "`google.colab`은 Colab 안에서만 있습니다. `drive.mount(...)`/`files.upload()`를 지우고, 필요한 파일은 제출 zip에 넣어 상대 경로로 읽으세요.",
    "The grader runs without internet. It provides MNIST through `tf.keras.datasets.mnist.load_data()`; use that instead of downloading.":
        "채점기는 인터넷 없이 실행됩니다. MNIST는 채점기가 제공하니 `tf.keras.datasets.mnist.load_data()`로 읽으세요.",
    "Out of memory: use a smaller `batch_size` (e.g. 100) or a smaller model, and don't keep extra copies of the data.":
        "메모리가 부족합니다. `batch_size`를 줄이거나(예: 100) 모델을 작게 만들고, 데이터 복사본을 여러 개 두지 마세요.",
    "Labels and outputs don't match: with integer labels (0-9) use `sparse_categorical_crossentropy`; for `categorical_crossentropy` one-hot encode them with `tf.keras.utils.to_categorical(y, 10)`.":
        "레이블과 출력의 모양이 맞지 않습니다. 정수 레이블(0~9)이면 `sparse_categorical_crossentropy`를, `categorical_crossentropy`를 쓰려면 `tf.keras.utils.to_categorical(y, 10)`로 원-핫 인코딩하세요.",
    "The input shape doesn't match the model: MNIST images are 28x28, so flatten them with `x.reshape(-1, 784)` (or a `Flatten` layer) and give the model the input shape (784,).":
        "입력 모양이 모델과 맞지 않습니다. MNIST 이미지는 28×28이니 `x.reshape(-1, 784)`로 펴거나 `Flatten` 층을 쓰고, 모델의 입력 모양 (784,)과 맞추세요.",
    "`{name}` is not imported: add `{statement}` to the first cell.":
        "`{name}`를 import하지 않았습니다. 맨 위 셀에 `{statement}`를 넣으세요.",
    "`{name}` is not defined: run the cells in order from the top; `{name}` is defined in a later, removed or earlier failing cell.":
        "`{name}`이(가) 정의되지 않았습니다. 셀을 위에서부터 순서대로 실행하세요. `{name}`은(는) 뒤쪽 셀이나 지운 셀, 또는 앞에서 실패한 셀에서 정의됩니다.",
}


REPORT: dict[str, dict] = {
    "en": {"bonus": "bonus", "checks": "Checks", "models": "Trained models (measured by the grader)", "cells": "Failing cells",
           "total": "Total", "status": "status", "points": "points", "message": "message", "check": "check",
           "model": "model", "arch": "architecture", "params": "params", "opt": "optimizer", "epochs": "epochs",
           "acc": "test acc.", "you": "yours", "hint": "hint", "rejected": "Submission rejected",
           "none": "No model was trained.", "notes": "Notes", "cell": "cell", "of": "of",
           "statuses": {"passed": "done", "failed": "rewrite", "error": "error", "skipped": "not judged", "not_attempted": "not attempted"},
           "graded": "Submission `{name}`, graded by grader {version} in {secs:.0f} s.",
           "quick": "Quick check: training was capped (1 epoch, 6,000 images); {n} accuracy check(s) not judged. "
                    "Run without --quick for the grade."},
    "ko": {"bonus": "보너스", "checks": "채점 항목", "models": "학습된 모델 (채점기가 직접 측정)", "cells": "오류가 난 셀",
           "total": "총점", "status": "결과", "points": "점수", "message": "설명", "check": "항목",
           "model": "모델", "arch": "구조", "params": "파라미터", "opt": "옵티마이저", "epochs": "에폭",
           "acc": "테스트 정확도", "you": "직접 측정", "hint": "힌트", "rejected": "제출물을 채점할 수 없습니다",
           "none": "학습된 모델이 없습니다.", "notes": "참고", "cell": "셀", "of": "요청",
           "statuses": {"passed": "통과", "failed": "다시 작성", "error": "오류", "skipped": "판정 안 함", "not_attempted": "시도 안 함"},
           "graded": "제출물 `{name}`: grader {version}으로 채점 ({secs:.0f}초).",
           "quick": "빠른 검사: 학습을 줄여서 실행했습니다 (1 에폭, 이미지 6,000장). 정확도 항목 {n}개는 판정하지 않았습니다. "
                    "점수는 --quick 없이 실행해야 나옵니다."},
}


PAGE: dict[str, dict] = {
    "en": {"title": "Grading report", "score": "Score", "checks": "Checks", "check": "check", "status": "status",
           "points": "points", "message": "message", "models": "Trained models, measured by the grader",
           "arch": "architecture", "params": "parameters", "optimizer": "optimizer", "epochs": "epochs",
           "acc": "test accuracy", "curves": "Training curves", "confusion": "Confusion matrix (rows: true digit)",
           "wrong": "Misclassified test digits (true → predicted)", "cells": "Failing cells", "hint": "Hint",
           "notes": "Notes", "quiz": "Quiz", "none": "No model was trained.", "reference": "reference",
           "measured_by": "measured", "rejected": "The submission could not be graded",
           "vs_reference": "Compared with the reference model of", "yours": "yours", "layer": "layer", "cell": "cell",
           "output": "output", "fields": {f: f for f in BLOCK_FIELDS},
           "curves_ref": "Training curves (solid: yours, dashed: reference)",
           "legend_rule": "differs where this part has a rule",
           "legend_free": "differs in a choice the part leaves to you",
           "statuses": {"passed": "done", "failed": "rewrite", "error": "error", "skipped": "not judged", "not_attempted": "not attempted"}},
    "ko": {"title": "채점 결과", "score": "점수", "checks": "채점 항목", "check": "항목", "status": "결과",
           "points": "점수", "message": "설명", "models": "학습된 모델 (채점기가 직접 측정)", "arch": "구조",
           "params": "파라미터", "optimizer": "옵티마이저", "epochs": "에폭", "acc": "테스트 정확도",
           "curves": "학습 곡선", "confusion": "혼동 행렬 (행: 실제 숫자)", "wrong": "틀린 테스트 이미지 (실제 → 예측)",
           "cells": "오류가 난 셀", "hint": "힌트", "notes": "참고", "quiz": "퀴즈", "none": "학습된 모델이 없습니다.",
           "reference": "기준", "measured_by": "측정", "rejected": "제출물을 채점할 수 없습니다",
           "vs_reference": "비교한 기준 모델:", "yours": "제출", "layer": "층", "cell": "셀", "output": "출력",
           "fields": {"units": "유닛", "activation": "활성화", "initializer": "초기화", "dropout": "드롭아웃",
                      "batchnorm": "배치정규화"},
           "curves_ref": "학습 곡선 (실선: 제출, 점선: 기준)",
           "legend_rule": "이 항목의 요구 사항과 다른 부분", "legend_free": "자유롭게 정할 수 있는 부분에서 다른 점",
           "statuses": {"passed": "통과", "failed": "다시 작성", "error": "오류", "skipped": "판정 안 함", "not_attempted": "시도 안 함"}},
}


# the TA's page of the whole class (classroom/overview.py, templates/class.html)
CLASS_PAGE = {
    "en": {"title": "Class overview", "students": "students", "graded": "graded", "rejected": "not graded",
           "median": "median", "mean": "mean", "late": "late", "of": "of", "review": "overrides to review",
           "flagged": "flagged pairs", "distribution": "Score distribution (what students get: overrides applied, "
           "late penalty taken off)", "checks": "Pass rate per check", "check": "check", "passed": "passed",
           "rate": "rate", "attempted": "attempted", "mean_points": "mean points", "bonus": "bonus",
           "mistakes": "What the class got wrong most often", "how_many": "students", "what": "message or hint",
           "none": "nothing", "lateness": "Lateness", "on_time": "on time", "no_time": "no time or no deadline",
           "student": "student", "hours_late": "hours late", "penalty": "penalty",
           "review_title": "Overrides whose automatic result changed since", "overrides": "overrides",
           "similar": "Flagged similar pairs", "similarity": "similarity", "tokens": "tokens in common",
           "no_pairs": "no pair is flagged"},
    "ko": {"title": "반 전체 요약", "students": "학생", "graded": "채점됨", "rejected": "채점 불가",
           "median": "중앙값", "mean": "평균", "late": "지각", "of": "/", "review": "다시 볼 수정 점수",
           "flagged": "표시된 쌍", "distribution": "점수 분포 (학생이 받는 점수: 수정 점수 반영, 지각 감점 후)",
           "checks": "항목별 통과율", "check": "항목", "passed": "통과", "rate": "비율", "attempted": "시도",
           "mean_points": "평균 점수", "bonus": "보너스", "mistakes": "반에서 가장 많이 틀린 것",
           "how_many": "학생 수", "what": "메시지 또는 힌트", "none": "없음", "lateness": "제출 시각",
           "on_time": "기한 내", "no_time": "시각 또는 기한 없음", "student": "학생", "hours_late": "늦은 시간(시간)",
           "penalty": "감점", "review_title": "자동 채점 결과가 바뀐 수정 점수", "overrides": "수정 점수",
           "similar": "유사도가 높아 표시된 쌍", "similarity": "유사도", "tokens": "공통 토큰",
           "no_pairs": "표시된 쌍이 없습니다"},
}
