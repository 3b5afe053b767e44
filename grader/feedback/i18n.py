"""What checks tell students, in Korean or English: `say(lang, template, **values)`.

Templates are the English text as `str.format` patterns; `KO` maps each to its Korean form
(gettext style, so a check reads naturally in English and `tests/test_i18n.py` proves every
template said anywhere in the package has a Korean form with the same placeholders).
"""

from __future__ import annotations

LANGS = ("en", "ko")  # the report languages: English templates, Korean catalogue

KO: dict[str, str] = {
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
    " (your choice)": " (자유 선택)",
    # score.py
    "the check itself failed: {error}": "채점 항목 자체에 오류가 났습니다: {error}",
}


def say(lang: str, template: str, **values: object) -> str:
    """`template` (English, a str.format pattern) in `lang`, filled with `values`; untranslated stays English."""
    text = KO.get(template, template) if lang == "ko" else template
    return text.format(**values)
