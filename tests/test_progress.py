from grader.execution.progress import Progress


def test_progress_line_follows_cells_and_keras_epochs():
    lines = []
    progress = Progress(lines.append)
    progress.cell(11, 30)
    assert lines[-1].startswith("cell 12/30  00:0")
    progress.text("Epoch 3/10\n")
    progress.text("600/600 - 3s - 5ms/step - accuracy: 0.9712 - loss: 0.0934\n")
    assert lines[-1].endswith("epoch 3/10  loss 0.0934")
    before = len(lines)
    progress.text("just a print\n")
    assert len(lines) == before  # nothing new to say
    progress.cell(12, 30)
    assert "epoch" not in lines[-1]


def test_progress_is_silent_without_a_listener():
    progress = Progress(None)
    progress.text("Epoch 1/1 loss: 0.5")
    assert (progress.epoch, progress.loss) == ("", "")  # nothing parsed when nobody listens
