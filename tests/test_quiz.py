import json
from pathlib import Path

import pytest

from grader.errors import AssignmentError
from grader.grading.quiz import QuestionResult, candidates, extract_answers, grade, hash_answer, make_key, normalize

COURSE_CELL = """# Quiz

1. dropout 설명에서 나온 축구선수가 아닌 것은?
 * 박지성(O), 손흥민(O), 안정환
2. SGD에서 S는 무엇의 약자인가?
 * Stochastic

3. 미니배치에서 6만개의 mnist 이미지를 배치크기 50개로 하면 미지수 갱신 회수는 몇회인가?
 * 60000 / 50 = 1,200

4. mnist 데이터에서 이미지 크기는?
 * 28 * 28
"""

ACCEPTED = {
    "1": (1, ["안정환", "Ahn Jung-hwan"]),
    "2": (1, ["Stochastic", "확률적"]),
    "3": (1, ["1200"]),
    "4": (1, ["784", "28x28"]),
}


@pytest.fixture(scope="module")
def key():
    return make_key(ACCEPTED, salt="test-salt")


def scores(results):
    return {r.qid: r.points for r in results}


# ---------------------------------------------------------------- extraction


def test_course_notebook_quiz_is_extracted():
    assert extract_answers(["# 1. 소개\n본문", COURSE_CELL]) == {
        "1": "박지성(O), 손흥민(O), 안정환",
        "2": "Stochastic",
        "3": "60000 / 50 = 1,200",
        "4": "28 * 28",
    }


def test_course_notebook_quiz_scores_full_marks(key):
    results = grade(extract_answers([COURSE_CELL]), key)
    assert [r.qid for r in results] == ["1", "2", "3", "4"]
    assert all(r.answered and r.correct for r in results)
    assert sum(r.points for r in results) == 4 == sum(r.max_points for r in results)


def test_korean_heading_any_level_and_section_over_several_cells():
    cells = ["## 퀴즈", "1. 첫 질문?\n * 안정환", "설명 셀", "2. 둘째 질문?", "Stochastic", "3. 셋째?"]
    assert extract_answers(cells) == {"1": "안정환", "2": "Stochastic"}
    assert extract_answers(["### QUIZ\n1. q?\n - 784"]) == {"1": "784"}


def test_section_stops_at_next_heading_of_same_or_higher_level():
    cells = [
        "## Quiz\n1. 질문?\n * 안정환\n### 세부\n2. 질문?\n * Stochastic",
        "## 다음 장\n3. 이건 퀴즈가 아님\n * 999",
        "# 결론\n4. 역시 아님\n * 1",
    ]
    assert extract_answers(cells) == {"1": "안정환", "2": "Stochastic"}


def test_plain_lines_and_inline_answers():
    cell = (
        "# Quiz\n"
        "1. 축구선수가 아닌 것은?\n안정환\n"
        "2. SGD에서 S는? 답: Stochastic\n"
        "3. 갱신 횟수는? -> 1200\n"
        "4. 이미지 크기는? Answer: 28x28\n"
    )
    assert extract_answers([cell]) == {"1": "안정환", "2": "Stochastic", "3": "1200", "4": "28x28"}


def test_numbered_paren_style_and_multi_line_question():
    cell = "# Quiz\n1) 축구선수가\n아닌 것은?\n- 안정환\n2) S는?\n- 확률적\n(3) 횟수?\n* 1200회"
    assert extract_answers([cell]) == {"1": "안정환", "2": "확률적", "3": "1200회"}


def test_bullets_are_joined_with_newlines():
    assert extract_answers(["# Quiz\n1. q?\n * 60000 / 50\n * = 1,200"]) == {"1": "60000 / 50\n= 1,200"}


def test_empty_answers():
    assert extract_answers([]) == {}
    assert extract_answers(["# Quiz\n1. 질문?\n2. 질문?\n * \n"]) == {}
    assert extract_answers(["# 다른 제목\n1. 질문?\n * 안정환"]) == {}
    assert candidates("") == ()
    assert candidates("  \n ") == ()


def test_fenced_code_is_not_a_heading():
    cell = "# Quiz\n1. q?\n```\n# 60000 / 50 = 1200\n```\n2. q?\n * 784"
    assert extract_answers([cell]) == {"1": "# 60000 / 50 = 1200", "2": "784"}


def test_answers_file_overrides_notebook_per_question():
    files = {"answers.txt": "1. 안정환\n2. 확률적\n"}
    notebook = ["# Quiz\n1. q?\n * 박지성\n2. q?\n * Stochastic\n3. q?\n * 1200"]
    assert extract_answers(notebook, files) == {"1": "안정환", "2": "확률적", "3": "1200"}


def test_answers_markdown_file_in_the_course_format():
    files = {"sub/quiz.md": COURSE_CELL, "notes.md": "1. ignored"}
    assert extract_answers([], files)["3"] == "60000 / 50 = 1,200"
    assert "1" in extract_answers([], {"answers.md": "1. 축구선수가 아닌 것은?\n * 안정환"})


def test_answers_json_file():
    files = {"answers.json": json.dumps({"1": "안정환", "q2": "Stochastic", "3": 1200, "4": ["28", "*", "28"]})}
    assert extract_answers([], files) == {"1": "안정환", "2": "Stochastic", "3": "1200", "4": "28\n*\n28"}
    assert extract_answers([], {"answers.json": "{not json"}) == {}


# ---------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("  **Stochastic**  ", "stochastic"),
        ("`확률적`.", "확률적"),
        ("\u201c안 정 환\u201d", "안정환"),
        ("ＳＴＯＣＨＡＳＴＩＣ", "stochastic"),
        ("1,200", "1200"),
        ("1,200회", "1200"),
        ("1200 번", "1200"),
        ("1200개", "1200"),
        ("3번째", "3"),
        ("1200회이다.", "1200"),
        ("1200 times", "1200"),
        ("784px", "784"),
        ("784 픽셀", "784"),
        ("784입니다", "784"),
        ("확률적이다", "확률적"),
        ("1,20", "1,20"),
        ("1,2000", "1,2000"),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("raw", ["60000 / 50 = 1,200", "60000/50", "1,200", "1200회", "= 1200.0"])
def test_arithmetic_candidates_1200(raw):
    assert "1200" in candidates(raw)


def test_equation_gives_right_side_and_evaluated_left_side():
    assert {"1200"} <= set(candidates("60000 / 50 = 1,200"))
    assert {"784"} <= set(candidates("28 x 28 = 784"))


def test_a_false_equation_counts_as_neither_side():
    assert candidates("60000 / 50 = 1,300") == ("60000/50=1300",)
    assert "784" not in candidates("28 x 28 = 1024")


@pytest.mark.parametrize("raw, right", [
    ("784 (28x28)", "784"), ("784(28*28)", "784"), ("(28x28) 784", None), ("1200 (60000/50)", "1200"),
    ("1,200 (60000 / 50)", "1200"), ("Stochastic (확률적)", "stochastic"), ("확률적 (Stochastic)", "stochastic"),
    ("1200 (업데이트 횟수)", "1200"), ("784 (픽셀)", "784"), ("28 x 28 = 784", "784"),
])
def test_an_answer_restated_in_parentheses_counts(raw, right):
    if right is not None:
        assert right in candidates(raw), candidates(raw)


@pytest.mark.parametrize("raw, wrong", [
    ("784 or 1024", "784"), ("784 (1024)", "784"), ("1024 (784)", "784"), ("784 / 1024", "784"),
    ("손흥민(안정환)", "안정환"), ("784, 1024", "784"),
])
def test_a_right_and_a_wrong_value_side_by_side_count_as_neither(raw, wrong):
    assert wrong not in candidates(raw), candidates(raw)


@pytest.mark.parametrize("raw", ["28 * 28", "28x28", "28×28", "28 X 28", "(28*28)", "28 x 28 픽셀", "784.0"])
def test_arithmetic_candidates_784(raw):
    assert "784" in candidates(raw)


def test_non_integral_results_and_refused_expressions():
    assert "0.5" in candidates("1/2")
    assert candidates("2^10") == ("2^10",)  # only + - * / are evaluated
    assert candidates("1/0") == ("1/0",)
    assert candidates("__import__('os').getcwd()") == ("import__('os').getcwd()",)  # text, never run


def test_marked_list_yields_the_unmarked_item():
    assert "안정환" in candidates("박지성(O), 손흥민(O), 안정환")
    assert "안정환" in candidates("박지성(o), 손흥민 (○), 안정환")
    assert "안정환" in candidates("박지성 ✓\n손흥민 ✓\n안정환")
    assert "안정환" in candidates("박지성(O), 손흥민(O), 안정환(X)")


def test_plain_list_is_not_a_shotgun():
    assert candidates("박지성, 손흥민, 안정환") == ("박지성,손흥민,안정환",)
    assert "안정환" not in candidates("박지성(O), 손흥민, 안정환")
    assert "안정환" not in candidates("박지성\n안정환")


def test_hangul_english_gloss():
    assert {"stochastic", "확률적"} <= set(candidates("확률적(Stochastic)"))
    assert "안정환" not in candidates("손흥민(안정환)")


# ---------------------------------------------------------------- keys and grading


def test_hash_answer_contract():
    import hashlib

    assert hash_answer("s", "1", "784") == hashlib.pbkdf2_hmac("sha256", b"1:784", b"s", 20_000).hex()
    assert hash_answer("s", "1", "784") != hash_answer("s", "2", "784")


def test_key_contains_no_plain_text(key):
    text = json.dumps(key, ensure_ascii=False)
    for _, accepted in ACCEPTED.values():
        for answer in accepted:
            assert (f'"{answer}"' if answer.isdigit() else answer) not in text  # hex hashes may hold digits
            for form in candidates(answer):
                assert f'"{form}"' not in text
    assert key["salt"] == "test-salt"
    assert key["questions"]["4"]["points"] == 1
    assert all(len(h) == 64 for q in key["questions"].values() for h in q["accept"])


def test_random_salt():
    a, b = make_key({"1": (1, ["x"])}), make_key({"1": (1, ["x"])})
    assert a["salt"] != b["salt"] and len(a["salt"]) >= 16


def test_make_key_refuses_empty_accepts():
    with pytest.raises(ValueError):
        make_key({"1": (1, ["  "])})


def test_synonyms_via_several_accepted_answers(key):
    for answer in ["Stochastic", "stochastic", "확률적", "확률 적", "Stochastic (확률적)"]:
        assert scores(grade({"2": answer}, key))["2"] == 1, answer


def test_wrong_and_missing_answers(key):
    results = grade({"1": "박지성", "2": "Standard", "3": "60000 / 50 = 1,300"}, key)
    by_id = {r.qid: r for r in results}
    assert by_id["1"] == QuestionResult("1", True, False, 0.0, 1.0)
    assert not by_id["2"].correct
    assert not by_id["3"].correct  # a false equation: the answer it states is 1,300, whatever the left side is
    assert by_id["4"] == QuestionResult("4", False, False, 0.0, 1.0)
    assert grade({}, key) == tuple(QuestionResult(q, False, False, 0.0, 1.0) for q in "1234")


def test_shotgun_answer_gets_no_credit(key):
    assert scores(grade({"1": "박지성, 손흥민, 안정환"}, key))["1"] == 0


def test_malformed_key():
    with pytest.raises(AssignmentError):
        grade({}, {"questions": {}})
    with pytest.raises(AssignmentError):
        grade({}, {"salt": "s", "questions": {"1": {"points": 1, "accept": "abc"}}})


def test_shipped_lab10_key_grades_the_course_answers():
    path = Path(__file__).resolve().parents[1] / "assignments" / "lab10-mnist" / "quiz.json"
    shipped = json.loads(path.read_text(encoding="utf-8"))
    results = grade(extract_answers([COURSE_CELL]), shipped)
    assert [r.correct for r in results] == [True, True, True, True]
    text = path.read_text(encoding="utf-8")
    for answer in ["안정환", "Stochastic", "stochastic", "확률적", '"1200"', '"784"']:
        assert answer not in text
