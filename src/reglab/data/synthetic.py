"""Synthetic data sets: 2-D toy problems and ``classification`` with a known truth.

All take ``n_samples`` (default 1000, at least 10), ``noise`` and ``seed``
(the same seed also drives the split).  Classes are balanced to within one row.

* ``moons``: :func:`sklearn.datasets.make_moons`; ``noise`` (0.25) is the std
  of Gaussian noise added to the points.
* ``circles``: :func:`sklearn.datasets.make_circles` with inner/outer radius
  ratio ``factor`` (0.5); ``noise`` 0.1.
* ``spirals``: two interleaved spirals.  For class k ∈ {0, 1}, with
  u ~ U(0, 1), t = √u (uniform density along the arm), θ = 2π·turns·t and
  r = 2·turns·t (so r = θ/π and the arms are 1 apart)::

      x = r·(cos(θ + kπ), sin(θ + kπ)) + noise·N(0, I)

  ``turns`` 1.5, ``noise`` 0.2.
* ``xor``: x ~ U([-1, 1]²), label 1 where x0·x1 > 0 (1st and 3rd quadrants);
  the points are then jittered by ``noise``·N(0, I) (0.1), which blurs the
  boundary.
* ``blobs``: :func:`sklearn.datasets.make_blobs` in 2-D with ``centers`` (3)
  clusters; ``noise`` is ``cluster_std`` (1.0).  3+ centers → multiclass.
* ``classification``: :func:`sklearn.datasets.make_classification` with
  ``n_features=20, n_informative=4, n_redundant=4, n_classes=2`` and
  ``noise`` as ``flip_y`` (0.01, the fraction of labels assigned at random).
  It is generated unshuffled and its columns are then permuted with the seed;
  ``informative_features`` lists the informative columns and
  ``redundant_features`` the redundant ones (random linear combinations of the
  informative ones); the rest is pure noise.  Names are the neutral
  ``x0 .. x19``, so the answer is not in the names.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn import datasets as skd

from reglab.data._options import Option
from reglab.rules import Interval
from reglab.data._source import RawData, Source
from reglab.errors import ReglabError


def _n_samples() -> Option:
    return Option("n_samples", 1000, (Interval(int, 10, None),), "number of rows generated")


def _noise(default: float, doc: str) -> Option:
    return Option("noise", default, (Interval(float, 0, None),), doc)


def _balanced(n: int) -> tuple[int, int]:
    return n // 2, n - n // 2


def moons(o: dict[str, Any]) -> RawData:
    X, y = skd.make_moons(n_samples=o["n_samples"], noise=o["noise"], random_state=o["seed"])
    return RawData(X, y)


def circles(o: dict[str, Any]) -> RawData:
    X, y = skd.make_circles(n_samples=o["n_samples"], noise=o["noise"], factor=o["factor"], random_state=o["seed"])
    return RawData(X, y, class_names=("outer", "inner"))


def spirals(o: dict[str, Any]) -> RawData:
    rng = np.random.default_rng(o["seed"])
    counts = _balanced(o["n_samples"])
    X_parts, y_parts = [], []
    for k, n in enumerate(counts):
        t = np.sqrt(rng.random(n))
        theta = 2 * np.pi * o["turns"] * t
        r = 2 * o["turns"] * t
        X_parts.append(np.column_stack([r * np.cos(theta + k * np.pi), r * np.sin(theta + k * np.pi)]))
        y_parts.append(np.full(n, k))
    X = np.concatenate(X_parts) + o["noise"] * rng.standard_normal((o["n_samples"], 2))
    return RawData(X, np.concatenate(y_parts))


def xor(o: dict[str, Any]) -> RawData:
    rng = np.random.default_rng(o["seed"])
    X = rng.uniform(-1, 1, size=(o["n_samples"], 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    return RawData(X + o["noise"] * rng.standard_normal(X.shape), y)


def blobs(o: dict[str, Any]) -> RawData:
    X, y = skd.make_blobs(
        n_samples=o["n_samples"], centers=o["centers"], n_features=2, cluster_std=o["noise"], random_state=o["seed"]
    )
    return RawData(X, y)


def classification(o: dict[str, Any]) -> RawData:
    n_inf, n_red, n_feat, n_cls = o["n_informative"], o["n_redundant"], o["n_features"], o["n_classes"]
    if n_inf + n_red > n_feat:
        raise ReglabError(
            "The 'n_informative' and 'n_redundant' options of classification must sum to at most "
            f"n_features={n_feat}. Got {n_inf} + {n_red} = {n_inf + n_red} instead."
        )
    if n_cls * 2 > 2**n_inf:
        raise ReglabError(
            f"The 'n_classes' option of classification must be at most {2**n_inf // 2} (2**n_informative / 2: "
            f"two clusters per class on the hypercube corners). Got {n_cls} instead; raise n_informative."
        )
    X, y = skd.make_classification(
        n_samples=o["n_samples"], n_features=n_feat, n_informative=n_inf, n_redundant=n_red, n_repeated=0,
        n_classes=n_cls, flip_y=o["noise"], shuffle=False, random_state=o["seed"],
    )
    order = np.random.default_rng([o["seed"], 2]).permutation(n_feat)  # new column j = old column order[j]
    position = np.argsort(order)  # old column i sits at new column position[i]
    return RawData(
        X[:, order], y,
        informative_features=tuple(sorted(int(position[i]) for i in range(n_inf))),
        redundant_features=tuple(sorted(int(position[i]) for i in range(n_inf, n_inf + n_red))),
    )


SOURCES: tuple[Source, ...] = (
    Source("moons", "two interleaving half circles (2-D)", "binary",
           (_n_samples(), _noise(0.25, "std of Gaussian noise on the points")), moons),
    Source("circles", "a small circle inside a large one (2-D)", "binary",
           (_n_samples(), _noise(0.1, "std of Gaussian noise on the points"),
            Option("factor", 0.5, (Interval(float, 0, 1, "neither"),), "inner radius / outer radius")), circles),
    Source("spirals", "two interleaved spirals (2-D)", "binary",
           (_n_samples(), _noise(0.2, "std of Gaussian noise on the points"),
            Option("turns", 1.5, (Interval(float, 0, None, "neither"),), "turns of each spiral arm")), spirals),
    Source("xor", "uniform square labeled by the sign of x0*x1 (2-D)", "binary",
           (_n_samples(), _noise(0.1, "std of Gaussian jitter added after labeling")), xor),
    Source("blobs", "Gaussian clusters, one class each (2-D)", "multiclass",
           (_n_samples(), _noise(1.0, "cluster_std: std of each cluster"),
            Option("centers", 3, (Interval(int, 2, 20, "both"),), "number of clusters = classes")), blobs),
    Source("classification", "make_classification: few informative features among noise ones", "binary",
           (_n_samples(),
            Option("n_features", 20, (Interval(int, 1, None),), "total columns"),
            Option("n_informative", 4, (Interval(int, 1, None),), "columns that carry the classes"),
            Option("n_redundant", 4, (Interval(int, 0, None),), "random linear combinations of the informative ones"),
            Option("n_classes", 2, (Interval(int, 2, 20, "both"),), "number of classes"),
            Option("noise", 0.01, (Interval(float, 0, 1, "both"),), "flip_y: fraction of labels assigned at random")),
           classification),
)
