"""reglab in scikit-learn: estimators that pass scikit-learn's checks, and a batched search.

    from reglab.sklearn import RegularizedMLPClassifier, RegularizedMLPRegressor, RegularizationSearchCV
    clf = RegularizedMLPClassifier(hidden="64x32", l1=1e-3, dropout=0.2, early_stopping=20, epochs=300, random_state=0)
    search = RegularizationSearchCV(clf, {"l2": [1e-5, 1e-4, 1e-3, 1e-2], "dropout": [0, 0.2, 0.5]}, cv=5).fit(X, y)

Reference: docs/sklearn.md.
"""

from reglab.sklearn.estimators import RegularizedMLPClassifier, RegularizedMLPRegressor
from reglab.sklearn.search import RegularizationSearchCV

__all__ = ["RegularizationSearchCV", "RegularizedMLPClassifier", "RegularizedMLPRegressor"]
