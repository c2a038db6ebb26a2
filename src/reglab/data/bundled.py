"""The small data sets that ship with scikit-learn (no download).

=============  ==========  ======  ========  ==========================================
name           task        rows    features  notes
=============  ==========  ======  ========  ==========================================
breast_cancer  binary      569     30        class names ('malignant', 'benign')
wine           multiclass  178     13        3 cultivars
iris           multiclass  150     4         3 species
digits         multiclass  1797    64        8×8 images, ``image_shape=(8, 8)``, pixels 0..16
diabetes       regression  442     10        raw (unscaled) features; target = progression
=============  ==========  ======  ========  ==========================================

They take only the split options; ``seed`` drives the split.
"""

from __future__ import annotations

from typing import Any

from sklearn import datasets as skd

from reglab.data._source import RawData, Source


def _from_bunch(bunch: Any, *, classes: bool = True, image_shape: tuple[int, int] | None = None) -> RawData:
    return RawData(
        bunch.data, bunch.target,
        feature_names=tuple(str(n) for n in bunch.feature_names),
        class_names=tuple(str(n) for n in bunch.target_names) if classes else None,
        image_shape=image_shape,
    )


def breast_cancer(o: dict[str, Any]) -> RawData:
    return _from_bunch(skd.load_breast_cancer())


def wine(o: dict[str, Any]) -> RawData:
    return _from_bunch(skd.load_wine())


def iris(o: dict[str, Any]) -> RawData:
    return _from_bunch(skd.load_iris())


def digits(o: dict[str, Any]) -> RawData:
    return _from_bunch(skd.load_digits(), image_shape=(8, 8))


def diabetes(o: dict[str, Any]) -> RawData:
    return _from_bunch(skd.load_diabetes(scaled=False), classes=False)


SOURCES: tuple[Source, ...] = (
    Source("breast_cancer", "breast cancer diagnosis: 569 rows, 30 features (sklearn)", "binary", (), breast_cancer),
    Source("wine", "wine cultivars: 178 rows, 13 features, 3 classes (sklearn)", "multiclass", (), wine),
    Source("iris", "iris species: 150 rows, 4 features, 3 classes (sklearn)", "multiclass", (), iris),
    Source("digits", "handwritten digits: 1797 8x8 images, 10 classes (sklearn)", "multiclass", (), digits),
    Source("diabetes", "diabetes progression: 442 rows, 10 features (sklearn)", "regression", (), diabetes),
)
