"""Lesson `dropout-width`: does dropout help more in larger networks?"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from reglab.lessons.common import EPOCHS, FEW_EXAMPLES, cell, floats
from reglab.lessons.lesson import Lesson, LessonFigure, Outcome
from reglab.lessons.plots import line_panels
from reglab.lessons.verdict import AGREE, Finding, Verdict, over_conditions, share_positive

if TYPE_CHECKING:  # the Lab lives with the lessons kind (reglab.experiments), which imports this package
    from reglab.experiments.lesson_lab import Lab

WIDTHS = (8, 32, 128)
RATE = 0.3


def judge(numbers: dict[str, Any]) -> Verdict:
    """Per data set, with gain = validation loss without dropout − with dropout
    (same seed, same width), the claim shows when both hold:

    1. at the largest width dropout helps: the gain is positive in at least
       80% of the seeds;
    2. the gain at the largest width exceeds the gain at the smallest width in
       at least 80% of the seeds.

    ``numbers[data]["gain"][width]`` is the gain per seed (width as text).
    """
    findings = []
    for data, m in numbers.items():
        gains = [np.asarray(m["gain"][str(w)], dtype=float) for w in WIDTHS]
        helps = share_positive(gains[-1])
        grows = share_positive(gains[-1] - gains[0])
        evidence = (f"gain {' → '.join(cell(g) for g in gains)} from width {WIDTHS[0]} to {WIDTHS[-1]}; positive at "
                    f"width {WIDTHS[-1]} in {helps:.0%} of the seeds, larger than at width {WIDTHS[0]} in {grows:.0%}")
        findings.append(Finding((("data set", data),), helps >= AGREE and grows >= AGREE, evidence))
    return over_conditions(findings)


def run(lab: Lab) -> Outcome:
    numbers: dict[str, Any] = {}
    table = [["data set", "width", "val loss, no dropout", f"val loss, dropout {RATE:g}", "gain", "train loss, dropout"]]
    for data, options in FEW_EXAMPLES:
        ds = lab.data(data, **options)
        gain, plain, dropped = {}, {}, {}
        for width in WIDTHS:
            hidden = f"hidden={width}x{width}"
            runs = lab.train(ds, [f"{width}:{hidden}", f"{width} dropout:{hidden},dropout={RATE:g}"], epochs=lab.epochs(EPOCHS))
            plain[str(width)] = floats(runs.metric(f"{width}", "val_loss"))
            dropped[str(width)] = floats(runs.metric(f"{width} dropout", "val_loss"))
            gain[str(width)] = [a - b for a, b in zip(plain[str(width)], dropped[str(width)])]
            table.append([data, f"{width}x{width}", cell(plain[str(width)]), cell(dropped[str(width)]), cell(gain[str(width)]),
                          cell(runs.metric(f"{width} dropout", "train_loss"))])
        numbers[data] = {"gain": gain, "val_loss": plain, "val_loss_dropout": dropped}
    panels = {data: {f"gain of dropout {RATE:g}": [m["gain"][str(w)] for w in WIDTHS]} for data, m in numbers.items()}
    figures = [LessonFigure.draw(
        "gain", "What dropout gains, by width", f"Validation loss without dropout minus with dropout {RATE:g}, same "
        "seed, for two hidden layers of each width (line: mean; dots: seeds). Above zero dropout helps.",
        line_panels(WIDTHS, panels, "units per hidden layer", "validation loss gained", xticks=[f"{w}x{w}" for w in WIDTHS]))]
    return Outcome(numbers, table, figures)


LESSON = Lesson(
    name="dropout-width",
    title="Dropout helps most in large networks",
    claim="Due to these reasons, dropout is usually preferred when we have a large neural network structure in order "
          "to introduce more randomness.",
    sources=("002",),
    experiment=f"On moons and circles (40 training rows), 100 epochs: two hidden layers of {', '.join(map(str, WIDTHS))} "
               f"units, each without and with dropout {RATE:g}, same seeds.",
    look="Follow the line from the narrow network to the wide one. A narrow network has little capacity to spare: "
         "dropping 30% of its few units makes it underfit, and the gain is small or negative. A wide network "
         "overfits 40 points easily, and dropout's noise holds it back: the gain grows with width.",
    run=run,
    judge=judge,
)
