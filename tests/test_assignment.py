import pytest

from grader.grading.assignment import find, load, load_all
from grader.errors import AssignmentError, AssignmentNotFound


def test_shipped_assignments_load_with_their_keys_and_reference_figures():
    labs = {a.id: a for a in load_all()}
    assert {"lab09-xor", "lab10-mnist", "lab10-softmax", "lab10-relu", "lab10-init", "lab10-deep",
            "lab10-batchnorm"} <= labs.keys()
    lab10 = labs["lab10-mnist"]
    assert {c.kind for c in lab10.checks} == {"run", "quiz", "save_load"}
    assert set(lab10.quiz["questions"]) == {"1", "2", "3", "4"}
    for lab in labs.values():
        for spec in lab.checks:
            if isinstance(spec.params.get("min_accuracy"), str):
                assert spec.params["min_accuracy"] in lab.reference, f"run `grader reference {lab.id}`"


def test_unknown_name_lists_the_available_ones():
    with pytest.raises(AssignmentNotFound) as info:
        find("lab99")
    assert "lab10-mnist" in str(info.value)


@pytest.mark.parametrize("toml, words", [
    ('id = "x"\n[[checks]]\nid = "a"\ntitle = "A"\npoints = 1\nkind = "nope"\n', "unknown kind"),
    ('id = "x"\n[[checks]]\nid = "a"\ntitle = "A"\nkind = "run"\n', "lacks points"),
    ('id = "x"\n[[checks]]\nid = "q"\ntitle = "Q"\npoints = 1\nkind = "quiz"\nquestion = "1"\n', "no key"),
    ('id = = "x"', "assignment.toml"),
    ('id = "x"\n[[checks]]\nid = "a"\ntitle = "A"\ntitle_kr = "가"\npoints = 1\nkind = "run"\n', "title_kr"),
])
def test_authoring_mistakes_are_clear(tmp_path, toml, words):
    (tmp_path / "assignment.toml").write_text(toml)
    with pytest.raises(AssignmentError) as info:
        load(tmp_path)
    assert words in str(info.value)


def test_every_shipped_check_has_a_korean_title_and_reports_use_it():
    from pathlib import Path

    from dataclasses import replace

    from grader.grading.checks import Evidence
    from grader.models import Entry, Run
    from grader.grading.score import score

    for assignment in load_all():
        for spec in assignment.checks:
            assert spec.title_for("ko") != spec.title and "title_ko" not in spec.params, (assignment.id, spec.id)
            assert spec.title_for("en") == spec.title
    lab = find("lab10-mnist")
    nothing = Evidence(Run(entry=Entry(Path("x.ipynb"), "notebook", "x.ipynb"), cells=(), models=()), {})
    titles = {r.id: r.title for r in score(replace(nothing, lang="ko"), lab)}
    assert titles["adam-he"] == "Adam 옵티마이저와 He 초기화"
    assert {r.id: r.title for r in score(nothing, lab)}["adam-he"] == "Adam optimizer with He initialisation"
