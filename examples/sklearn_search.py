"""reglab's estimators in a scikit-learn pipeline, and a batched search over L2 x dropout (the README's example).

    .venv/bin/python examples/sklearn_search.py
"""

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from reglab.sklearn import RegularizationSearchCV, RegularizedMLPClassifier

X, y = load_breast_cancer(return_X_y=True, as_frame=True)
X_train, X_new, y_train, y_new = train_test_split(X, y, test_size=0.2, stratify=y, random_state=0)

clf = RegularizedMLPClassifier(hidden="64x32", l1=1e-3, dropout=0.2, early_stopping=20, epochs=300, random_state=0)
pipe = make_pipeline(StandardScaler(), clf).fit(X_train, y_train)
print("pipeline: test accuracy", round(pipe.score(X_new, y_new), 4), "after", pipe[-1].n_iter_,
      "epochs (best", pipe[-1].best_epoch_, ")")
print("first probabilities:", pipe.predict_proba(X_new[:3]).round(4).tolist())
print("cross_val_score:", cross_val_score(clf, X_train, y_train, cv=5).round(4).tolist())

search = RegularizationSearchCV(clf, {"l2": [1e-5, 1e-4, 1e-3, 1e-2], "dropout": [0, 0.2, 0.5]}, cv=5)
search.fit(X_train, y_train)
results = search.cv_results_
for i in np.argsort(results["rank_test_score"])[:4]:
    print(f"rank {results['rank_test_score'][i]}: {results['params'][i]}  "
          f"mean accuracy {results['mean_test_score'][i]:.4f} ± {results['std_test_score'][i]:.4f}")
print("best:", search.best_params_, "test accuracy", round(search.score(X_new, y_new), 4))
curve = np.nanmean(search.curves_[search.best_index_]["val_loss"], axis=0)
print(f"its mean inner validation loss: {curve[0]:.3f} at epoch 1, lowest {np.nanmin(curve):.3f} at epoch {np.nanargmin(curve) + 1}")
one_se = RegularizationSearchCV(clf, {"l2": [1e-5, 1e-4, 1e-3, 1e-2], "dropout": [0, 0.2, 0.5]}, cv=5, refit="one_se")
print("one-standard-error choice:", one_se.fit(X_train, y_train).best_params_)
