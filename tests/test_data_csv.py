"""load_dataset on CSV files: target column, text labels, and every error case."""

import numpy as np
import pytest

from reglab.data import load_dataset
from reglab.errors import ReglabError


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def numeric_csv(tmp_path, n=60):
    rng = np.random.default_rng(0)
    lines = ["a,b,label,c"]
    for i in range(n):
        lines.append(f"{rng.normal():.4f},{rng.normal() + 3:.4f},{i % 2},{i}")
    return write(tmp_path, "\n".join(lines) + "\n")


def test_default_target_is_the_last_column(tmp_path):
    path = numeric_csv(tmp_path)
    ds = load_dataset(str(path), task="regression")
    assert ds.feature_names == ("a", "b", "label") and ds.options["target"] == "c"
    assert ds.task == "regression"


def test_named_target_and_round_trip(tmp_path):
    path = numeric_csv(tmp_path)
    ds = load_dataset(str(path), target="label", seed=2)
    assert ds.feature_names == ("a", "b", "c") and ds.task == "binary" and ds.class_names == ("0", "1")
    assert len(ds.y_train) == 36
    again = load_dataset(ds.name, **ds.options)
    assert np.array_equal(ds.X_train, again.X_train) and np.array_equal(ds.y_test, again.y_test)
    assert np.array_equal(load_dataset(path, target="label", seed=2).X_val, ds.X_val)  # a Path works too


def test_text_labels_become_classes(tmp_path):
    lines = ["x,y,species"] + [f"{i},{i % 7},{['cat', 'dog', 'eel'][i % 3]}" for i in range(45)]
    ds = load_dataset(str(write(tmp_path, "\n".join(lines))))
    assert ds.task == "multiclass" and ds.class_names == ("cat", "dog", "eel")


def test_semicolon_delimiter_and_whitespace(tmp_path):
    lines = ["x ; y ; t"] + [f" {i} ; {i * 2} ; {i % 2}" for i in range(20)]
    ds = load_dataset(str(write(tmp_path, "\n".join(lines))), delimiter=";")
    assert ds.feature_names == ("x", "y") and ds.task == "binary"


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(ReglabError, match="CSV file not found: '.*nope.csv'"):
        load_dataset(str(tmp_path / "nope.csv"))


def test_target_not_found_lists_columns_and_suggests(tmp_path):
    path = numeric_csv(tmp_path)
    with pytest.raises(ReglabError, match="target column 'lable' is not in .* Did you mean 'label'\\? Columns: a, b, label, c"):
        load_dataset(str(path), target="lable")


def test_non_numeric_feature_names_column_and_value(tmp_path):
    path = write(tmp_path, "x,color,t\n1,2,0\n2,red,1\n3,4,0\n")
    with pytest.raises(ReglabError, match="feature column 'color' is not numeric \\(line 3 holds 'red'\\)"):
        load_dataset(str(path))


@pytest.mark.parametrize("text", ["", "\n\n"])
def test_empty_file(tmp_path, text):
    with pytest.raises(ReglabError, match="is empty"):
        load_dataset(str(write(tmp_path, text)))


def test_header_only(tmp_path):
    with pytest.raises(ReglabError, match="has a header \\(a, b\\) but no data rows"):
        load_dataset(str(write(tmp_path, "a,b\n")))


def test_missing_cells_named_with_counts(tmp_path):
    path = write(tmp_path, "x,y,t\n1,,0\n2,NA,1\n,3,0\n4,5,1\n")
    with pytest.raises(ReglabError, match="missing values .* column 'x': 1, column 'y': 2"):
        load_dataset(str(path))


def test_ragged_row_names_the_line(tmp_path):
    path = write(tmp_path, "x,y,t\n1,2,0\n1,2\n")
    with pytest.raises(ReglabError, match="line 3: 2 fields, but the header has 3 columns"):
        load_dataset(str(path))


def test_infinite_feature_is_reported_by_column(tmp_path):
    lines = ["x,y,t"] + [f"{i},{'inf' if i == 3 else i},{i % 2}" for i in range(20)]
    with pytest.raises(ReglabError, match="1 NaN or infinite values \\(column 1 \\('y'\\): 1\\)"):
        load_dataset(str(write(tmp_path, "\n".join(lines))))


def test_csv_options_are_checked(tmp_path):
    path = numeric_csv(tmp_path)
    with pytest.raises(ReglabError, match="Unknown option 'n_samples' for CSV file .* Valid options: target, delimiter, encoding, decimal, train_size"):
        load_dataset(str(path), n_samples=10)
    with pytest.raises(ReglabError, match="The 'target' option of CSV file .* must be a str or None. Got 3 instead."):
        load_dataset(str(path), target=3)


def test_too_few_rows_in_a_csv(tmp_path):
    path = write(tmp_path, "x,t\n1,a\n2,b\n3,a\n4,b\n")
    with pytest.raises(ReglabError, match="Too few rows to split"):
        load_dataset(str(path))
