#!/usr/bin/python3
"""goodsim results files as tidy pandas DataFrames, one line each.

    import sys; sys.path.insert(0, "scripts")      # from the repository root
    import goodsim_results as gr
    df   = gr.summary("sweep.h5")        # one row per point: parameters and statistics
    reps = gr.replications("sweep.h5")   # one row per (point, replication)
    rec  = gr.recoveries("sweep.h5")     # one row per recovery (needs --recovery-times)

Works on the files of `goodsim run -o` (one point) and `goodsim sweep -o`. Compared with
reading /summary through h5py directly:

- text comes back as str, not bytes (`point` is "000003", `recovery.strategy` "hot_spare");
- integers are int64, not float64: counts such as `nodes` and `spares`, and swept keys whose
  values were all integers (their point attribute is an integer);
- every column name says its unit: a swept duration such as `cluster.failure.node_mtbf` is
  `cluster.failure.node_mtbf_h` (hours); the others already end in `_h`, `_usd`, or are counts
  and ratios (`goodput_mean`, `interruptions_mean`); `goodsim run/sweep --csv` uses the same
  names;
- unknown columns (from a newer goodsim) are kept as they are.

Columns of `replications`: `point`, the swept keys (as in `summary`), `replication` (0-based,
the same random streams at every point), then every per-replication dataset of the point:
`wall_h`, `goodput`, `interruptions`, `recoveries`, `fallbacks`, `planned_interruptions`,
`sdc_detections`, `cost_usd` where the file has them, `bucket_<name>_h` for the badput buckets
and `cause_<name>_interruptions` with failure causes. Join the descriptive columns with
`reps.merge(df[["point", "spares"]], on="point")`.

Columns of `recoveries`: `point`, the swept keys, `replication`, `recovery` (0-based within the
replication) and `recovery_h` (failure to computing again).

Run as a script it prints the summary, or writes it as CSV:

    scripts/goodsim_results.py sweep.h5 [--replications] [--csv out.csv]

Needs Debian's /usr/bin/python3 with h5py, numpy and pandas (scripts/setup installs them).
"""

from __future__ import annotations

import argparse
import os
import sys

import h5py
import numpy as np
import pandas as pd

__all__ = ["summary", "replications", "recoveries"]


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.split(b"\0", 1)[0].decode("utf-8", "replace")
    if isinstance(value, np.ndarray) and value.shape == ():
        return _text(value[()])
    return str(value)


def _units(ds) -> dict:
    names = list(ds.dtype.names)
    units = ds.attrs.get("units")
    if units is None or len(units) != len(names):
        return {}
    return {n: _text(u) for n, u in zip(names, units)}


def column_name(name: str, units: str) -> str:
    """A /summary column's name with its unit: "_h" added to a duration that lacks it."""
    return name + "_h" if units == "h" and not name.endswith("_h") else name


def _integral(values: np.ndarray) -> bool:
    return values.size > 0 and bool(np.all(np.isfinite(values))) and \
        bool(np.all(values == np.round(values))) and bool(np.all(np.abs(values) < 2.0**53))


def _is_statistic(name: str) -> bool:
    return any(part in name for part in ("_mean", "_ci95", "_p5", "_p50", "_p95"))


def _open(path):
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    f = h5py.File(path, "r")
    if not isinstance(f.get("summary"), h5py.Dataset) or f["summary"].dtype.names is None:
        f.close()
        raise ValueError(f"{path}: not a goodsim results file (no /summary table)")
    return f


def _summary(f) -> pd.DataFrame:
    ds = f["summary"]
    table = ds[()]
    units = _units(ds)
    points = f.get("points")
    first = None
    if isinstance(points, h5py.Group) and len(table):
        first = points.get(_text(table["point"][0])) if "point" in ds.dtype.names else None
    out = {}
    for name in ds.dtype.names:
        col = table[name]
        if col.dtype.kind in "SO":
            values = [_text(v) for v in col]
        else:
            values = np.asarray(col)
            attr = first.attrs.get(name) if first is not None else None
            integer_attr = isinstance(attr, (np.integer, int)) and not isinstance(attr, bool)
            count = units.get(name) == "count" and not _is_statistic(name)
            if values.dtype.kind == "f" and (integer_attr or count) and _integral(values):
                values = values.astype(np.int64)
        out[column_name(name, units.get(name, ""))] = values
    return pd.DataFrame(out)


def summary(path) -> pd.DataFrame:
    """/summary as a DataFrame: one row per point, str text, int64 counts, units in names."""
    with _open(path) as f:
        return _summary(f)


def _parameters(df: pd.DataFrame) -> list:
    """The swept keys: /summary columns with a dot in their name (key paths)."""
    return [c for c in df.columns if "." in c]


def _point_rows(f, df):
    """(point name, its group, {swept key: value}) for every /summary row."""
    params = _parameters(df)
    points = f.get("points")
    for _, row in df.iterrows():
        name = row["point"] if "point" in df.columns else None
        group = points.get(name) if isinstance(points, h5py.Group) and name else None
        if not isinstance(group, h5py.Group):
            raise ValueError(f"{f.filename}: /points/{name} is missing")
        yield name, group, {p: row[p] for p in params}


def _vector(values: np.ndarray, units: str):
    if units == "count" and values.dtype.kind == "f" and _integral(values):
        return values.astype(np.int64)
    return values


_DATASET_ORDER = ["wall_h", "goodput", "interruptions", "recoveries", "fallbacks",
                  "planned_interruptions", "sdc_detections", "cost_usd", "buckets_h",
                  "interruptions_by_cause"]


def _dataset_order(name):
    """The layout's order (README "Results file"), then any newer datasets by name."""
    return (_DATASET_ORDER.index(name), "") if name in _DATASET_ORDER else (99, name)


def replications(path) -> pd.DataFrame:
    """One row per (point, replication) with every per-replication dataset of the file."""
    frames = []
    with _open(path) as f:
        df = _summary(f)
        for name, group, params in _point_rows(f, df):
            n = len(group["goodput"]) if "goodput" in group else len(group["wall_h"])
            cols = {"point": [name] * n}
            for p, v in params.items():
                cols[p] = [v] * n
            cols["replication"] = np.arange(n, dtype=np.int64)
            for key in sorted(group, key=_dataset_order):
                ds = group[key]
                if not isinstance(ds, h5py.Dataset) or key == "recovery_h":
                    continue  # recovery_h is one value per recovery: recoveries()
                units = _text(ds.attrs.get("units", ""))
                if ds.ndim == 1 and len(ds) == n:
                    cols[key] = _vector(ds[()], units)
                elif ds.ndim == 2 and ds.shape[0] == n and "names" in ds.attrs:
                    data = ds[()]
                    for k, sub in enumerate(_text(v) for v in ds.attrs["names"]):
                        if key == "buckets_h":
                            cols[f"bucket_{sub}_h"] = data[:, k]
                        elif key == "interruptions_by_cause":
                            cols[f"cause_{sub}_interruptions"] = _vector(data[:, k], units)
                        else:
                            cols[f"{key}_{sub}"] = _vector(data[:, k], units)
            frames.append(pd.DataFrame(cols))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def recoveries(path) -> pd.DataFrame:
    """One row per recovery: how long each took, failure to computing again (recovery_h).

    Needs a file written with --recovery-times; raises ValueError otherwise.
    """
    frames = []
    with _open(path) as f:
        df = _summary(f)
        for name, group, params in _point_rows(f, df):
            if "recovery_h" not in group:
                raise ValueError(f"{f.filename}: no recovery durations (/points/{name}/recovery_h);"
                                 " run goodsim with --recovery-times")
            durations = group["recovery_h"][()]
            counts = group["recoveries"][()].astype(np.int64)
            if counts.sum() != len(durations):
                raise ValueError(f"{f.filename}: /points/{name}: recovery_h holds "
                                 f"{len(durations)} values, recoveries sum to {counts.sum()}")
            rep = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
            starts = np.cumsum(counts) - counts
            cols = {"point": [name] * len(durations)}
            for p, v in params.items():
                cols[p] = [v] * len(durations)
            cols["replication"] = rep
            cols["recovery"] = np.arange(len(durations), dtype=np.int64) - np.repeat(starts, counts)
            cols["recovery_h"] = durations
            frames.append(pd.DataFrame(cols))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="goodsim_results.py",
        description="Prints a goodsim results file's summary (one row per point) as a table, "
                    "or writes it as CSV.")
    parser.add_argument("results", metavar="RESULTS.h5")
    parser.add_argument("--replications", action="store_true",
                        help="one row per replication instead of one per point")
    parser.add_argument("--csv", metavar="FILE", help="write CSV to FILE ('-' for stdout)")
    args = parser.parse_args(argv)
    try:
        df = replications(args.results) if args.replications else summary(args.results)
    except (OSError, ValueError, KeyError) as e:
        sys.stderr.write(f"goodsim_results.py: error: {e}\n")
        return 2
    if args.csv:
        df.to_csv(sys.stdout if args.csv == "-" else args.csv, index=False)
    else:
        with pd.option_context("display.max_columns", None, "display.width", 200):
            print(df.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
