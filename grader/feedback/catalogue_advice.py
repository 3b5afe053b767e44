"""Korean for what tells a student what to do next: the verdict, each part's hint, and the
notes of the self-check in their own notebook (`grader/notebook/`). Read with `catalogue.py`'s
MESSAGES by `i18n.render`; the keys are the English ids (`str.format` patterns)."""

ADVICE: dict[str, str] = {
    # notebook/: the self-check in the student's own session
    "a self-check of this live session: the grade runs the notebook again from the top, in a sandbox":
        "지금 실행 중인 세션의 자가 점검입니다. 실제 채점은 노트북을 처음부터 샌드박스에서 다시 실행합니다",
    "grader was loaded after {n} cell(s) had run: the models still held by variables were found, but earlier, "
    "overwritten ones could not be seen (put `%load_ext grader` in the first cell)":
        "grader를 셀 {n}개가 실행된 뒤에 불러왔습니다. 변수에 남아 있는 모델은 찾았지만, 그 전에 덮어쓴 모델은 볼 수 "
        "없었습니다 (`%load_ext grader`를 첫 번째 셀에 두세요)",
    "{n} model(s) were found alive in the session without being seen training; their history is Keras's own record":
        "학습 과정을 보지 못한 모델 {n}개를 세션에서 찾았습니다. 학습 기록은 Keras가 남긴 것입니다",
    "the quiz answers could not be read: this session's notebook is unknown; say `--notebook PATH` (or `--answers FILE`)":
        "퀴즈 답을 읽지 못했습니다. 이 세션의 노트북을 알 수 없으니 `--notebook 경로`(또는 `--answers 파일`)를 주세요",
    "TensorFlow could not be imported in this session": "이 세션에서 TensorFlow를 import할 수 없습니다",
    "cells ran out of order: cell {later} ran as In [{n}], before cell {earlier} above it (In [{m}])":
        "셀을 순서대로 실행하지 않았습니다: {later}번 셀이 In [{n}]으로, 그 위의 {earlier}번 셀(In [{m}])보다 먼저 "
        "실행되었습니다",
    "cell {cells} changed after it ran: the session holds what the old code did":
        "{cells}번 셀을 실행한 뒤에 고쳤습니다. 세션에는 고치기 전 코드의 결과가 남아 있습니다",
    "{names} is defined by no cell of the notebook (a deleted or rewritten cell left it in the session)":
        "{names}은(는) 노트북의 어느 셀에서도 정의하지 않습니다 (지우거나 고친 셀이 세션에 남긴 것입니다)",
    "the notebook file is older than the session (save it, then check again): its cells could not be compared "
    "with what ran":
        "노트북 파일이 세션보다 오래되었습니다 (저장한 뒤 다시 점검하세요). 실행된 코드와 셀을 비교하지 못했습니다",
    "Runtime → Restart and run all (Jupyter: Kernel → Restart Kernel and Run All Cells), then check again":
        "런타임 → 다시 시작 및 모두 실행 (Jupyter: Kernel → Restart Kernel and Run All Cells)을 한 뒤 다시 점검하세요",
    # grading/part_hints.py: what to change in a part
    "build the model from `layers.Dense(...)` layers, as the notes do": "노트처럼 `layers.Dense(...)` 층으로 모델을 만드세요",
    "give the model the hidden layers the part lists: one `layers.Dense(units, activation=...)` per hidden layer":
        "항목이 말하는 은닉층을 만드세요: 은닉층마다 `layers.Dense(유닛 수, activation=...)` 하나씩",
    "give the model the number of hidden `layers.Dense` layers the part asks for":
        "항목이 요구하는 개수만큼 은닉 `layers.Dense` 층을 두세요",
    "make every hidden `layers.Dense` at least as wide as the part asks":
        "모든 은닉 `layers.Dense` 층의 유닛 수를 항목이 요구하는 만큼 이상으로 하세요",
    "give each hidden `layers.Dense` the activation the part names, e.g. `activation='relu'`":
        "은닉 `layers.Dense` 층마다 항목이 말하는 활성화 함수를 주세요 (예: `activation='relu'`)",
    "end with one output unit per class: `layers.Dense(10, activation='softmax')` for the digits":
        "클래스마다 출력 유닛 하나로 끝내세요: 숫자 분류라면 `layers.Dense(10, activation='softmax')`",
    "give the output layer the activation the part names, e.g. `activation='softmax'`":
        "출력층에 항목이 말하는 활성화 함수를 주세요 (예: `activation='softmax'`)",
    "pass the initialiser to each hidden layer: `kernel_initializer='he_normal'` for He, `'glorot_uniform'` for Xavier":
        "은닉층마다 초기화 방법을 주세요: He는 `kernel_initializer='he_normal'`, Xavier는 `'glorot_uniform'`",
    "put `layers.Dropout(0.3)` right after each hidden `layers.Dense` (and none in a part without dropout)":
        "은닉 `layers.Dense` 층마다 바로 뒤에 `layers.Dropout(0.3)`을 넣으세요 (드롭아웃이 없는 항목에는 넣지 마세요)",
    "put `layers.BatchNormalization()` between each hidden Dense (without an activation) and its `layers.ReLU()`":
        "은닉층마다 (활성화 함수 없는) Dense와 `layers.ReLU()` 사이에 `layers.BatchNormalization()`을 넣으세요",
    "compile with the optimizer the part names, e.g. `model.compile(optimizer='adam', ...)`":
        "항목이 말하는 옵티마이저로 compile하세요 (예: `model.compile(optimizer='adam', ...)`)",
    "train for at least the epochs the part asks: `model.fit(..., epochs=N)`":
        "항목이 요구하는 에폭 이상 학습하세요: `model.fit(..., epochs=N)`",
    "train longer (more `epochs`) and scale the inputs as the notes do (`x / 255`); the grader measures the model on "
    "the test set itself":
        "더 오래 학습하고(`epochs`를 늘리고) 노트처럼 입력을 스케일하세요(`x / 255`). 채점기는 테스트 세트로 직접 측정합니다",
    "train on the training images (`train_x`, `train_y`): the test images are for measuring":
        "학습 이미지(`train_x`, `train_y`)로 학습하세요. 테스트 이미지는 측정에 씁니다",
    "build and train (`model.fit`) a model of this part's kind": "이 항목에 해당하는 종류의 모델을 만들고 학습(`model.fit`)하세요",
    # report.py: the verdict
    "all parts pass: go on and submit `submit.zip`": "모든 항목 통과: 다음 단계로 넘어가 `submit.zip`을 제출하세요",
    "no part needs rewriting; run the full check (without --quick) before you submit":
        "다시 작성할 항목은 없습니다. 제출하기 전에 --quick 없이 전체 검사를 실행하세요",
    "rewrite: {parts}": "다시 작성: {parts}",
    "not attempted yet: {parts}": "아직 시도하지 않음: {parts}",
}
