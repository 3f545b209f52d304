#!/usr/bin/python3
"""Plots of a goodsim results file (`goodsim run -o` or `goodsim sweep -o`).

    scripts/plot.py RESULTS.h5 -o plots/

writes PNG files into plots/:

  goodput_distribution.png   goodput of every replication, per point (ECDF, or violins when
                             there are more than six points)
  goodput_vs_<X>.png         mean goodput vs the first numeric swept parameter X, one line per
                             value of the second one, 95 % confidence band (sweeps only)
  badput_buckets.png         where the wall time went: mean hours per bucket, stacked, per
                             point (grouped by strategy when recovery.strategy is swept)
  cost_vs_<X>.png            expected cost vs X with the cheapest point marked (sweeps with a
                             price, cost.node_hour_usd); a linear axis clipped at twice the
                             optimum, hopeless points marked at its edge; per value for
                             sweeps of text values such as recovery.strategy
  time_to_train.png          wall time P50 and P95 (vs X for sweeps, histogram for one point)
  recovery_times.png         distribution of recovery durations, failure to computing again
                             (files written with --recovery-times)

Points with replications that did not finish within montecarlo.max_wall_factor (/summary
column "unfinished" > 0) are marked with a red cross and "DNF" in the plots against a
parameter: their figures are censored at the wall cap. The cost plot never marks such a point
as the cheapest.

Plots that do not apply to the file (e.g. goodput vs a parameter for a single `run`) are
skipped and the reason is printed.

The swept parameters are discovered from the file alone: the /summary columns named by a key
path (with a dot) and the descriptive columns goodsim always writes (nodes, spares,
node_mtbf_h, checkpoint_interval_h) are the candidates, every other column is a result;
parameters with a single value are ignored, and the descriptive columns are dropped when the
swept key paths (e.g. "cluster.spares") already determine them.

The functions are importable (the notebook docs/notebooks/explore.ipynb uses them):
load_results(path) -> Results; goodput_distribution(res), goodput_vs_parameter(res),
badput_buckets(res), cost_vs_parameter(res), time_to_train(res), recovery_times(res) each
return a matplotlib Figure or raise Skip(reason); make_figures(res) returns all of them.

Exit codes: 0 success; 2 bad input (missing, corrupt or non-goodsim file, bad option);
1 internal or output error.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import re
import sys
from dataclasses import dataclass, field

try:
    import numpy as np
    import h5py
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator
except ImportError as e:  # pragma: no cover - depends on the machine
    sys.stderr.write(
        f"plot.py: error: {e.name or e} is missing; run scripts/setup "
        "(Debian packages python3-h5py python3-numpy python3-matplotlib) and use /usr/bin/python3\n"
    )
    sys.exit(1)

PROG = "plot.py"

# /summary columns that are results, not parameters. Anything else (except "point") is a
# parameter candidate. Names that merely look like a metric (e.g. a future "repairs_mean" or
# "wall_p50_h") are treated as metrics too, so that new metric columns are never plotted as
# swept parameters; swept key paths contain a dot and never match.
METRIC_COLUMNS = frozenset({
    "goodput_mean", "goodput_ci95", "goodput_p5", "goodput_p50", "goodput_p95",
    "wall_mean_h", "wall_p95_h", "interruptions_mean", "cost_mean_usd", "cost_p95_usd",
    "unfinished",
})
_METRIC_LIKE = re.compile(r"^[a-z0-9_]+_(mean|ci\d+|std|sd|min|max|p\d+)(_[a-z]+)?$")

# Descriptive columns that `goodsim run` always writes, and the key paths they mirror.
DESCRIPTIVE_ALIASES = {
    "nodes": "cluster.nodes",
    "spares": "cluster.spares",
    "node_mtbf_h": "cluster.failure.node_mtbf",
    "checkpoint_interval_h": "checkpoint.interval",
}

# Axis label, short name (legends, tick labels, file names) and default units of the scenario
# keys (docs/scenario-format.md). Durations are stored in hours. Units from the file's /summary
# "units" attribute take precedence.
KNOWN_KEYS = {
    "cluster.nodes": ("nodes in the job", "nodes", "nodes"),
    "cluster.gpus_per_node": ("GPUs per node", "GPUs/node", "GPUs"),
    "cluster.spares": ("hot spares", "spares", "nodes"),
    "cluster.failure.model": ("failure model", "failures", ""),
    "cluster.failure.node_mtbf": ("node MTBF", "MTBF", "h"),
    "cluster.failure.shape": ("Weibull shape k", "shape", ""),
    "cluster.repair.model": ("repair model", "repair", ""),
    "cluster.repair.mean": ("mean repair time", "repair", "h"),
    "cluster.repair.sigma": ("repair time log-sigma", "sigma", ""),
    "cluster.repair.median": ("median repair time", "repair P50", "h"),
    "cluster.repair.p90": ("repair time P90", "repair P90", "h"),
    "job.work": ("fault-free work", "work", "h"),
    "job.work.params": ("model parameters", "params", ""),
    "job.work.tokens": ("training tokens", "tokens", ""),
    "job.work.peak_tflops": ("peak TFLOP/s per GPU", "TFLOP/s", "TFLOP/s"),
    "job.work.mfu": ("MFU", "MFU", ""),
    "checkpoint.interval": ("checkpoint interval", "interval", "h"),
    "checkpoint.write": ("checkpoint write time", "write", "h"),
    "checkpoint.memory.interval": ("in-memory checkpoint interval", "memory interval", "h"),
    "checkpoint.memory.write": ("in-memory checkpoint write time", "memory write", "h"),
    "recovery.strategy": ("recovery strategy", "strategy", ""),
    "recovery.detect": ("detection time", "detect", "h"),
    "recovery.swap": ("swap time", "swap", "h"),
    "recovery.restart": ("restart time", "restart", "h"),
    "recovery.load": ("checkpoint load time", "load", "h"),
    "cost.node_hour_usd": ("price per node-hour", "$/node-h", "USD"),
}

# Bucket colours (docs/model.md names); productive is grey so that badput stands out.
BUCKET_COLORS = {
    "productive": "#c9c9c9",
    "checkpoint": "#4c72b0",
    "lost": "#c44e52",
    "detect": "#dd8452",
    "wait_spares": "#8172b3",
    "swap": "#55a868",
    "restart_load": "#937860",
}
_EXTRA_COLORS = ["#da8bc3", "#8c8c8c", "#ccb974", "#64b5cd", "#1f77b4", "#ff7f0e"]

MAX_ECDF_POINTS = 6     # more points than this: violins instead of ECDF lines
MAX_VIOLIN_POINTS = 60  # more than this: P5-P50-P95 ranges from /summary
MAX_PANELS = 12         # panels for the third and further parameters
MAX_BAR_LABELS = 40     # goodput labels on the badput bars up to this many points
MAX_RECOVERIES_PER_POINT = 2_000_000  # recovery durations read per point (an even sample)


class InputError(Exception):
    """The input file cannot be used (exit code 2)."""


class Skip(Exception):
    """A plot does not apply to this file; the message says why."""


# --------------------------------------------------------------------------------------------
# Reading the file


@dataclass
class Parameter:
    name: str            # /summary column (key path such as "cluster.spares", or "spares")
    values: list         # one per point: float for numeric parameters, str otherwise
    numeric: bool
    units: str
    label: str           # axis label with units
    short: str           # short name for legends and tick labels
    levels: list = field(default_factory=list)  # distinct values, sorted (numeric) or as met

    @property
    def day_unit(self) -> bool:
        """Durations shown in days: every value a whole number of days, 2 d or more."""
        return (self.units == "h" and bool(self.levels)
                and all(v >= 48 and float(v / 24).is_integer() for v in self.levels))

    def fmt(self, value) -> str:
        """A value with its units, e.g. '6,335 h', '5 min' or 'hot_spare'."""
        if not self.numeric:
            return str(value)
        if self.units == "h":
            return format_duration(value, self.day_unit)
        text = format_number(value)
        if self.units and self.units not in ("1", "count", "nodes", "GPUs"):
            if self.units == "USD":
                return "$" + text
            return f"{text} {self.units}"
        return text


@dataclass
class Results:
    path: str
    version: str
    scenario_name: str
    seed: str
    points: list             # point names, e.g. "000000"
    summary: dict            # column -> numpy array (float) or list of str
    summary_units: dict      # column -> units
    params: list             # Parameters that vary, in plotting order
    ignored: list            # parameter candidates with a single value, or implied by others
    goodput: list            # per point: numpy array of replications, or None
    wall_h: list             # per point: numpy array, or None
    bucket_names: list
    bucket_means: object     # numpy array [points x buckets] of mean hours, or None
    replications: list       # per point
    cost: list = field(default_factory=list)        # per point: cost_usd array, or None
    recovery_h: list = field(default_factory=list)  # per point: recovery durations, or None
    recovery_sampled: bool = False  # recovery_h holds an even sample of a very large dataset

    @property
    def n(self) -> int:
        return len(self.points)

    def param(self, name):
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def column(self, name):
        """A numeric /summary column as a float array, or None if absent or all NaN."""
        col = self.summary.get(name)
        if col is None or not isinstance(col, np.ndarray):
            return None
        if col.size == 0 or np.all(np.isnan(col)):
            return None
        return col

    def point_label(self, i, params=None, sep="\n") -> str:
        params = self.params if params is None else params
        if not params:
            return f"point {self.points[i]}"
        return sep.join(f"{p.short} {p.fmt(p.values[i])}" for p in params)

    def describe(self) -> str:
        reps = sorted(set(self.replications))
        reps_text = ("?" if not reps else str(reps[0]) if len(reps) == 1
                     else f"{reps[0]}-{reps[-1]}")
        what = f"{self.n} point{'s' if self.n != 1 else ''} x {reps_text} replications"
        version = f"goodsim {self.version}, " if self.version else ""
        return f"{self.path} ({version}{what})"


def format_number(v) -> str:
    if isinstance(v, str):
        return v
    v = float(v)
    if math.isnan(v):
        return "n/a"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if abs(v) < 1e15 and v == int(v):
        return f"{int(v):,}"
    if abs(v) >= 1e5 or abs(v) < 1e-3:
        return f"{v:.3g}"
    return f"{v:.4g}"


def format_duration(hours, days=False) -> str:
    """A duration in hours as people write it: '30 s', '5 min', '1.5 h', '6,335 h', '54 d'.

    Under an hour it is in minutes (seconds under a minute), so 5 minutes is not '0.08333 h';
    with `days` (every value of the parameter is whole days) in days.
    """
    h = float(hours)
    if not math.isfinite(h):
        return format_number(h)
    if h == 0:
        return "0"
    if days:
        return f"{format_number(round(h / 24, 3))} d"
    if abs(h) < 1 / 60:
        return f"{format_number(round(h * 3600, 2))} s"
    if abs(h) < 1:
        return f"{format_number(round(h * 60, 2))} min"
    return f"{format_number(round(h, 2) if h < 100 else round(h, 1))} h"


def _decode(value) -> str:
    if isinstance(value, bytes):
        return value.split(b"\0", 1)[0].decode("utf-8", "replace").strip()
    if isinstance(value, np.ndarray) and value.shape == ():
        return _decode(value[()])
    return str(value).strip()


def _attr(obj, name, default=""):
    try:
        if name not in obj.attrs:
            return default
        value = obj.attrs[name]
    except (OSError, KeyError, TypeError, ValueError):
        return default
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return [_decode(v) for v in value]
    return _decode(value)


def _first_line(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= 200 else text[:197] + "..."


def _is_metric(name: str) -> bool:
    return name in METRIC_COLUMNS or ("." not in name and bool(_METRIC_LIKE.match(name)))


def _as_numbers(values):
    """Floats if every value is numeric or parses as a number, else None."""
    out = []
    for v in values:
        if isinstance(v, str):
            try:
                out.append(float(v))
            except ValueError:
                return None
        else:
            out.append(float(v))
    return out


def _key(value):
    """Hashable, NaN-safe key for grouping."""
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    return value


def _determined_by(values, by_columns) -> bool:
    """True if `values` is constant within every group of equal values of `by_columns`."""
    if not by_columns:
        return False
    seen = {}
    for i, v in enumerate(values):
        k = tuple(_key(c[i]) for c in by_columns)
        if seen.setdefault(k, _key(v)) != _key(v):
            return False
    return True


def _same_grouping(a, b) -> bool:
    return _determined_by(a, [b]) and _determined_by(b, [a])


def _make_parameter(name, raw_values, units) -> Parameter:
    alias = DESCRIPTIVE_ALIASES.get(name, name)
    label, short, default_units = KNOWN_KEYS.get(alias, (None, None, ""))
    numbers = _as_numbers(raw_values)
    numeric = numbers is not None
    values = numbers if numeric else [str(v) for v in raw_values]
    if not units or (units == "count" and default_units):
        units = default_units or units
    if label is None:
        label = name
        short = name.rsplit(".", 1)[-1]
    if numeric and units and units not in ("1", "h"):  # durations carry their unit per tick
        label = f"{label} ({'count' if units == 'count' else units})"
    if numeric:
        levels = sorted({v for v in values if math.isfinite(v)})
    else:
        levels = list(dict.fromkeys(values))
    return Parameter(name=name, values=values, numeric=numeric, units=units, label=label,
                     short=short, levels=levels)


def discover_parameters(columns, summary, units):
    """Returns (parameters, ignored) from the /summary columns.

    Candidates are the columns that are neither "point" nor metrics. Those with a single value
    are ignored. Swept key paths (names with a dot) come first; a descriptive column without a
    dot (nodes, spares, ...) is ignored if the key paths already determine it.
    """
    # Only swept key paths (they contain a dot) and goodsim run's descriptive columns can be
    # parameters: any other column is a result, including columns a newer goodsim adds (bucket
    # and cause means, an unfinished-replications count), which must never become an axis.
    candidates = [c for c in columns if c != "point" and not _is_metric(c)
                  and ("." in c or c in DESCRIPTIVE_ALIASES)]
    ignored = []
    varying = []
    for c in candidates:
        distinct = {_key(v) for v in summary[c]}
        (varying if len(distinct) > 1 else ignored).append(c)
    keypaths = [c for c in varying if "." in c]
    others = [c for c in varying if "." not in c]
    chosen = []
    for c in keypaths + others:
        if c in others and keypaths and _determined_by(summary[c], [summary[k] for k in keypaths]):
            ignored.append(c)  # derived from the swept key paths (e.g. spares from cluster.spares)
            continue
        if any(_same_grouping(summary[c], summary[k]) for k in chosen):
            ignored.append(c)  # the same points, grouped the same way, as a chosen parameter
            continue
        chosen.append(c)
    params = [_make_parameter(c, list(summary[c]), units.get(c, "")) for c in chosen]
    return params, ignored


def load_results(path, isolate=True) -> Results:
    """Reads a goodsim results file into memory. Raises InputError with a one-line message.

    With `isolate` (and where fork exists) the file is read in a child process: the HDF5
    library can crash on some corrupt files, and that must become an error message, not a
    segmentation fault of the caller (or a dead notebook kernel).
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file")
    if os.path.isdir(path):
        raise InputError(f"{path}: is a directory, not a results file")
    if not os.access(path, os.R_OK):
        raise InputError(f"{path}: permission denied")
    if isolate and hasattr(os, "fork"):
        return _load_in_child(path)
    return _load(path)


def _load(path) -> Results:
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise InputError(f"{path}: not a readable HDF5 file, corrupt or truncated? "
                         f"({_first_line(e)})") from None
    try:
        with f:
            return _read(path, f)
    except InputError:
        raise
    except (OSError, KeyError, ValueError, TypeError, RuntimeError, IndexError,
            MemoryError) as e:
        raise InputError(f"{path}: cannot read the results, corrupt or truncated? "
                         f"({_first_line(e)})") from None


def _load_in_child(path) -> Results:
    import pickle
    import signal
    sys.stdout.flush()
    sys.stderr.flush()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: read, send the pickled outcome, exit without cleanup handlers
        status = 0
        try:
            os.close(r)
            try:
                outcome = ("ok", _load(path))
            except InputError as e:
                outcome = ("input", str(e))
            except BaseException as e:  # noqa: BLE001 - reported by the parent
                outcome = ("input", f"{path}: cannot read the results "
                                    f"({type(e).__name__}: {_first_line(e)})")
            with os.fdopen(w, "wb") as out:
                out.write(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
        except BaseException:  # noqa: BLE001
            status = 1
        finally:
            os._exit(status)
    os.close(w)
    with os.fdopen(r, "rb") as inp:
        data = inp.read()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        try:
            name = signal.Signals(os.WTERMSIG(status)).name
        except ValueError:
            name = f"signal {os.WTERMSIG(status)}"
        raise InputError(f"{path}: corrupt HDF5 file (the HDF5 library crashed reading it, {name})")
    if not data:
        raise InputError(f"{path}: cannot read the results (the reader exited with status "
                         f"{os.WEXITSTATUS(status) if os.WIFEXITED(status) else status})")
    kind, value = pickle.loads(data)
    if kind == "ok":
        return value
    raise InputError(value)


def _read(path, f) -> Results:
    if "summary" not in f or not isinstance(f["summary"], h5py.Dataset):
        raise InputError(f"{path}: not a goodsim results file (no /summary table)")
    ds = f["summary"]
    if ds.dtype.names is None or "goodput_mean" not in ds.dtype.names or ds.ndim != 1:
        raise InputError(f"{path}: not a goodsim results file "
                         "(/summary is not a table with a goodput_mean column)")
    table = ds[()]
    units_attr = _attr(ds, "units", [])
    names = list(ds.dtype.names)
    units = {}
    if isinstance(units_attr, list) and len(units_attr) == len(names):
        units = dict(zip(names, units_attr))

    summary = {}
    for name in names:
        col = table[name]
        if col.ndim != 1:
            continue  # array-valued fields are not part of the layout
        kind = col.dtype.kind
        if kind in "SUO":
            summary[name] = [_decode(v) for v in col]
        elif kind in "iufb":
            summary[name] = col.astype(float)
    n = len(table)
    if n == 0:
        raise InputError(f"{path}: the results file holds no points (/summary is empty)")
    point_col = summary.get("point")
    if isinstance(point_col, list):
        points = point_col
    elif point_col is not None:
        points = [f"{int(v):06d}" if math.isfinite(v) else f"{i:06d}"
                  for i, v in enumerate(point_col)]
    else:
        points = [f"{i:06d}" for i in range(n)]
    columns = [c for c in names if c in summary]
    params, ignored = discover_parameters(columns, summary, units)

    groups = f["points"] if "points" in f and isinstance(f["points"], h5py.Group) else None
    goodput, wall, reps, bucket_rows, cost, recovery = [], [], [], [], [], []
    bucket_names = []
    sampled = False
    for name in points:
        g = groups.get(name) if groups is not None else None
        if not isinstance(g, h5py.Group):
            g = None
        gp = _vector(g, "goodput")
        wl = _vector(g, "wall_h")
        goodput.append(gp)
        wall.append(wl)
        cost.append(_vector(g, "cost_usd"))
        rec, thinned = _sample(g, "recovery_h", MAX_RECOVERIES_PER_POINT)
        recovery.append(rec)
        sampled = sampled or thinned
        reps.append(len(gp) if gp is not None else len(wl) if wl is not None else 0)
        row = None
        if g is not None and isinstance(g.get("buckets_h"), h5py.Dataset):
            b = g["buckets_h"]
            bn = _attr(b, "names", [])
            if b.ndim == 2 and isinstance(bn, list) and len(bn) == b.shape[1]:
                if not bucket_names:
                    bucket_names = bn
                if bn == bucket_names and b.shape[0] > 0:
                    row = np.nanmean(np.asarray(b[()], dtype=float), axis=0)
        bucket_rows.append(row)
    bucket_means = None
    if bucket_names and any(r is not None for r in bucket_rows):
        bucket_means = np.array([r if r is not None else np.full(len(bucket_names), np.nan)
                                 for r in bucket_rows])

    scenario = _attr(f, "scenario", "")
    match = re.search(r"^name:\s*(.+?)\s*$", scenario if isinstance(scenario, str) else "",
                      re.MULTILINE)
    scenario_name = match.group(1).strip("'\"") if match else ""
    if not scenario_name:
        scenario_name = os.path.basename(str(_attr(f, "scenario_file", ""))) or \
            os.path.basename(path)
    return Results(path=path, version=str(_attr(f, "goodsim_version", "")),
                   scenario_name=scenario_name, seed=str(_attr(f, "seed", "")),
                   points=points, summary=summary, summary_units=units, params=params,
                   ignored=ignored, goodput=goodput, wall_h=wall, bucket_names=bucket_names,
                   bucket_means=bucket_means, replications=reps, cost=cost,
                   recovery_h=recovery, recovery_sampled=sampled)


def _vector(group, name):
    if group is None or not isinstance(group.get(name), h5py.Dataset):
        return None
    ds = group[name]
    if ds.ndim != 1:
        return None
    return np.asarray(ds[()], dtype=float)


def _sample(group, name, limit):
    """A 1-D dataset, or an evenly strided sample of at most about `limit` values of a large
    one (recovery_h can hold hundreds of millions); (array or None, sampled?)."""
    if group is None or not isinstance(group.get(name), h5py.Dataset) or group[name].ndim != 1:
        return None, False
    ds = group[name]
    step = max(1, math.ceil(len(ds) / limit))
    return np.asarray(ds[::step] if step > 1 else ds[()], dtype=float), step > 1


# --------------------------------------------------------------------------------------------
# Layout helpers


@dataclass
class Layout:
    """How a sweep is drawn: x axis, one line per series value, one panel per facet combo."""
    x: Parameter
    series: Parameter | None
    facets: list
    panels: list    # list of (title, [point indices])
    dropped_panels: int


def choose_axes(res: Results, x=None, lines=None):
    """Picks the x parameter (numeric) and the line parameter; returns (x, series, facets).

    Default x: the spares parameter if swept, else the first numeric parameter. Default lines:
    the node MTBF parameter if swept, else the next parameter.
    """
    params = res.params
    if x is not None:
        xp = _find_param(res, x)
        if not xp.numeric:
            raise InputError(f"{res.path}: --x {x}: not a numeric parameter")
    else:
        numeric = [p for p in params if p.numeric]
        if not numeric:
            if res.n == 1:
                raise Skip("a single point (goodsim run) has no swept parameter to plot against")
            if not params:
                raise Skip(f"no parameter varies across the {res.n} points")
            raise Skip("no numeric swept parameter (swept: "
                       + ", ".join(p.name for p in params) + ")")
        spares = [p for p in numeric if DESCRIPTIVE_ALIASES.get(p.name, p.name) == "cluster.spares"]
        xp = spares[0] if spares else numeric[0]
    rest = [p for p in params if p is not xp]
    if lines is not None:
        sp = _find_param(res, lines)
        if sp is xp:
            raise InputError(f"{res.path}: --lines {lines}: the same parameter as --x")
    else:
        mtbf = [p for p in rest
                if DESCRIPTIVE_ALIASES.get(p.name, p.name) == "cluster.failure.node_mtbf"]
        sp = mtbf[0] if mtbf else (rest[0] if rest else None)
    facets = [p for p in rest if p is not sp]
    return xp, sp, facets


def _find_param(res, name):
    for p in res.params:
        if name in (p.name, DESCRIPTIVE_ALIASES.get(p.name)) or \
                p.name == DESCRIPTIVE_ALIASES.get(name):
            return p
    by_last = [p for p in res.params if p.name.rsplit(".", 1)[-1] == name]
    if len(by_last) == 1:
        return by_last[0]
    swept = ", ".join(p.name for p in res.params) or "none"
    raise InputError(f"{res.path}: '{name}' is not a swept parameter (swept: {swept})")


def make_layout(res, x=None, lines=None) -> Layout:
    xp, sp, facets = choose_axes(res, x, lines)
    combos = list(itertools.product(*[p.levels for p in facets])) if facets else [()]
    panels = []
    for combo in combos:
        idx = [i for i in range(res.n)
               if all(_key(p.values[i]) == _key(v) for p, v in zip(facets, combo))]
        if not idx:
            continue
        title = ", ".join(f"{p.short} {p.fmt(v)}" for p, v in zip(facets, combo))
        panels.append((title, idx))
    dropped = max(0, len(panels) - MAX_PANELS)
    return Layout(x=xp, series=sp, facets=facets, panels=panels[:MAX_PANELS],
                  dropped_panels=dropped)


def _level_color(param, colors, i):
    """The colour of point i's level of `param` (grey for a value outside the levels, NaN)."""
    v = param.values[i]
    return colors[param.levels.index(v)] if v in param.levels else "0.5"


def series_colors(param, n_levels=None):
    """One colour per level: sequential for numbers, qualitative for names."""
    import matplotlib as mpl
    levels = param.levels if param is not None else [None]
    n = len(levels) if n_levels is None else n_levels
    if param is not None and param.numeric and n > 1:
        cmap = mpl.colormaps["viridis"]
        return [cmap(0.05 + 0.8 * i / (n - 1)) for i in range(n)]
    cycle = mpl.colormaps["tab10"].colors
    return [cycle[i % len(cycle)] for i in range(n)]


def _panel_grid(n):
    cols = 1 if n == 1 else 2 if n <= 4 else 3
    rows = math.ceil(n / cols)
    return rows, cols


def _new_figure(width, height):
    fig = Figure(figsize=(width, height), dpi=110, layout="constrained")
    return fig


def _subplots(layout: Layout, base=(7.5, 4.8)):
    rows, cols = _panel_grid(len(layout.panels))
    if cols == 1:
        fig = _new_figure(base[0] + 1.8, base[1])
    else:
        fig = _new_figure(min(5.2 * cols + 2.0, 18), min(3.8 * rows + 0.8, 16))
    axes = fig.subplots(rows, cols, squeeze=False, sharex=True, sharey=True)
    flat = list(axes.flat)
    for ax in flat[len(layout.panels):]:
        ax.set_visible(False)
    for k, ax in enumerate(flat[:len(layout.panels)]):
        if k + cols >= len(layout.panels):  # nothing below: show the x tick labels
            ax.tick_params(labelbottom=True)
    return fig, flat[:len(layout.panels)], rows, cols


def _title(res, what):
    name = f"{res.scenario_name}: " if res.scenario_name else ""
    return f"{name}{what}"


def _label_panels(axes, rows, cols, xlabel, ylabel):
    """x labels on the bottom panel of each column, y labels on the first column."""
    for k, ax in enumerate(axes):
        if k // cols == rows - 1 or k + cols >= len(axes):
            ax.set_xlabel(xlabel)
        if k % cols == 0:
            ax.set_ylabel(ylabel)


def _setup_x(ax, xp: Parameter):
    """Log scale when the values span 50x (10x for durations: 5 min .. 2 h would crowd the
    short ones at 0); ticks at the values themselves when there are at most 12, durations
    written as durations (5 min, 2 h), and labels turned when they would overlap."""
    from matplotlib.ticker import NullFormatter, NullLocator
    vals = list(xp.levels)
    span = 10 if xp.units == "h" else 50
    if vals and min(vals) > 0 and max(vals) / min(vals) >= span:
        ax.set_xscale("log")
    elif all(float(v).is_integer() for v in vals):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    fmt = xp.fmt if xp.units == "h" else format_number
    if len(vals) <= 12:
        ax.set_xticks(vals)
        ax.set_xticklabels([fmt(v) for v in vals])
        ax.xaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_minor_formatter(NullFormatter())
        longest = max((len(fmt(v)) for v in vals), default=0)
        if longest * len(vals) > 60:
            ax.tick_params(axis="x", labelrotation=30)
    elif xp.units == "h":
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt(v)))
        ax.xaxis.set_minor_formatter(NullFormatter())


def _series_groups(res, layout, idx, default_label=None):
    """[(level, label, color, sorted point indices)] for one panel."""
    sp = layout.series
    colors = series_colors(sp)
    out = []
    levels = sp.levels if sp is not None else [None]
    for k, level in enumerate(levels):
        sel = [i for i in idx if sp is None or _key(sp.values[i]) == _key(level)]
        sel = [i for i in sel if math.isfinite(layout.x.values[i])]
        if not sel:
            continue
        sel.sort(key=lambda i: layout.x.values[i])
        label = f"{sp.short} {sp.fmt(level)}" if sp is not None else default_label
        out.append((level, label, colors[k], sel))
    return out


def _outside_legend(ax, handles, labels, right_axis=False, **kw):
    """A legend to the right of `ax` (constrained layout makes room for it)."""
    kw.setdefault("frameon", False)
    x = 1.12 if right_axis else 1.02  # clear of a secondary axis on the right
    return ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(x, 1), borderaxespad=0,
                     **kw)


def _legend(axes, cols, title=None, extra_handles=(), right_axis=False):
    """One legend for all panels, right of the top-right panel."""
    handles, labels = axes[0].get_legend_handles_labels()
    for ax in axes[1:]:
        for h, l in zip(*ax.get_legend_handles_labels()):
            if l not in labels:
                handles.append(h)
                labels.append(l)
    for h in extra_handles:
        handles.append(h)
        labels.append(h.get_label())
    if handles:
        anchor = axes[min(cols, len(axes)) - 1]
        _outside_legend(anchor, handles, labels, right_axis=right_axis, title=title, fontsize=9)


def _panel_note(layout):
    if layout.dropped_panels:
        total = len(layout.panels) + layout.dropped_panels
        return f" (first {len(layout.panels)} of {total} panels)"
    return ""


# --------------------------------------------------------------------------------------------
# The plots. Each returns a Figure or raises Skip.


def goodput_distribution(res: Results):
    """Goodput of every replication: ECDF per point, violins for more points."""
    have = [i for i in range(res.n)
            if res.goodput[i] is not None and np.isfinite(res.goodput[i]).any()]
    gp_col = res.column("goodput_p50")
    if not have and (gp_col is None or res.n == 1):
        raise Skip("the file has no per-replication goodput (/points/*/goodput)")
    if len(have) == res.n and res.n <= MAX_ECDF_POINTS:
        return _goodput_ecdf(res)
    if len(have) == res.n and res.n <= MAX_VIOLIN_POINTS:
        return _goodput_violins(res)
    return _goodput_ranges(res)


def _goodput_ecdf(res):
    fig = _new_figure(8.5, 4.8)
    ax = fig.subplots()
    order, _ = _distribution_order(res)
    if len(res.params) == 1 and res.params[0].numeric:  # one swept number: sequential colours
        p = res.params[0]
        shades = series_colors(p)
        colors = {i: _level_color(p, shades, i) for i in order}
    else:
        colors = dict(zip(order, series_colors(None, res.n)))
    for i in order:
        g = np.sort(res.goodput[i][np.isfinite(res.goodput[i])])
        y = np.arange(1, len(g) + 1) / len(g)
        label = res.point_label(i, sep=", ") if res.params else None
        ax.step(g, y, where="post", color=colors[i], lw=1.8, label=label)
        if res.n == 1:
            p5, p50, p95 = np.percentile(g, [5, 50, 95])
            mean = float(np.mean(g))
            ax.axvline(p5, color="0.35", ls=":", lw=1.2, label=f"P5 {p5:.3f}")
            ax.axvline(p50, color="0.35", ls="--", lw=1.2, label=f"P50 {p50:.3f}")
            ax.axvline(p95, color="0.35", ls="-.", lw=1.2, label=f"P95 {p95:.3f}")
            ax.axvline(mean, color="#c44e52", lw=1.2, label=f"mean {mean:.3f}")
    ax.set_xlabel("goodput (productive time / wall time)")
    ax.set_ylabel("fraction of replications ≤ x")
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    reps = res.replications[0] if res.n == 1 else None
    what = (f"goodput distribution, {reps:,} replications" if reps
            else "goodput distribution per point")
    ax.set_title(_title(res, what))
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", fontsize=8, frameon=False)
    return fig


def _distribution_order(res):
    """Point order for per-point plots, and the parameter used for colour and grouping."""
    if not res.params:
        return list(range(res.n)), None
    strategy = [p for p in res.params
                if DESCRIPTIVE_ALIASES.get(p.name, p.name) == "recovery.strategy"]
    try:
        xp, sp, facets = choose_axes(res)
        order_params = ([sp] if sp is not None else []) + facets + [xp]
    except Skip:
        order_params = list(res.params)
        sp = order_params[0]
    if strategy:
        sp = strategy[0]
        order_params = [sp] + [p for p in order_params if p is not sp]
    def key(i):
        return tuple(p.levels.index(p.values[i]) if p.values[i] in p.levels else len(p.levels)
                     for p in order_params)
    return sorted(range(res.n), key=key), sp


def _grouped_positions(res, order, group):
    """x positions with a gap between groups, and [(value, first x, last x)] per group."""
    pos, spans, x, prev = [], [], 0.0, object()
    for i in order:
        g = _key(group.values[i]) if group is not None else None
        if g != prev:
            if spans:
                x += 0.6
            spans.append([group.values[i] if group is not None else None, x, x])
        spans[-1][2] = x
        pos.append(x)
        prev = g
        x += 1.0
    return np.array(pos), spans


def _point_axis(ax, res, order, group, pos, spans, rotate_after=12):
    """Tick labels (values of the parameters other than `group`, whose names go in the axis
    label) and a bold header per group."""
    others = [p for p in res.params if p is not group]
    ax.set_xticks(pos)
    if not res.params:
        ax.set_xticklabels([f"point {res.points[i]}" for i in order], fontsize=8)
    elif not others:
        ax.set_xticklabels([group.fmt(group.values[i]) for i in order], fontsize=9)
        ax.set_xlabel(group.label)
    else:
        labels = ["\n".join(p.fmt(p.values[i]) if p.units == "h" else format_number(p.values[i])
                            for p in others) for i in order]
        step = math.ceil(len(order) / 40)
        labels = [t if k % step == 0 else "" for k, t in enumerate(labels)]
        longest = max(len(line) for t in labels for line in t.split("\n"))
        rotate = len(order) > 40 or (len(order) > rotate_after and longest > 4)
        ax.set_xticklabels(labels, fontsize=8.5, rotation=90 if rotate else 0)
        ax.set_xlabel(" / ".join(p.label for p in others))
    ax.set_xlim(pos[0] - 0.7, pos[-1] + 0.7)
    if group is not None and others and len(spans) > 1:
        import matplotlib.transforms as mtransforms
        trans = mtransforms.blended_transform_factory(ax.transData, ax.transAxes)
        for value, x0, x1 in spans:
            ax.text((x0 + x1) / 2, 0.98, f"{group.short} {group.fmt(value)}", transform=trans,
                    ha="center", va="top", fontsize=9.5, fontweight="bold")
        lo, hi = ax.get_ylim()
        ax.set_ylim(lo, hi + 0.12 * (hi - lo))
        return True
    return False


def _goodput_violins(res):
    order, group = _distribution_order(res)
    width = min(max(8.5, 0.55 * res.n + 3), 18)
    fig = _new_figure(width, 5.2)
    ax = fig.subplots()
    data = [res.goodput[i][np.isfinite(res.goodput[i])] for i in order]
    positions, spans = _grouped_positions(res, order, group)
    parts = ax.violinplot(data, positions=positions, widths=0.8, showextrema=False)
    colors = series_colors(group)
    level_color = {}
    for k, body in enumerate(parts["bodies"]):
        i = order[k]
        c = _level_color(group, colors, i) if group is not None else "C0"
        if group is not None:
            level_color[_key(group.values[i])] = (group.values[i], c)
        body.set_facecolor(c)
        body.set_edgecolor(c)
        body.set_alpha(0.55)
    q = np.array([np.percentile(d, [5, 50, 95]) for d in data])
    ax.vlines(positions, q[:, 0], q[:, 2], color="0.2", lw=1.2, label="P5–P95")
    ax.scatter(positions, q[:, 1], color="white", edgecolor="0.1", zorder=3, s=22, label="median")
    _point_axis(ax, res, order, group, positions, spans)
    ax.set_ylabel("goodput (productive time / wall time)")
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(_title(res, "goodput distribution per point"))
    from matplotlib.patches import Patch
    handles = [Patch(facecolor=c, alpha=0.55, label=f"{group.short} {group.fmt(v)}")
               for v, c in level_color.values()] if group is not None else []
    h2, _ = ax.get_legend_handles_labels()
    _outside_legend(ax, handles + h2, [h.get_label() for h in handles + h2], fontsize=9)
    return fig


def _goodput_ranges(res):
    p5, p50, p95 = (res.column(c) for c in ("goodput_p5", "goodput_p50", "goodput_p95"))
    if p50 is None:
        raise Skip("no per-replication goodput and no goodput percentiles in /summary")
    order, group = _distribution_order(res)
    width = min(max(9, 0.12 * res.n + 3), 18)
    fig = _new_figure(width, 5)
    ax = fig.subplots()
    pos = np.arange(len(order))
    colors = series_colors(group)
    c = [_level_color(group, colors, i) if group is not None else "C0" for i in order]
    if p5 is not None and p95 is not None:
        ax.vlines(pos, p5[order], p95[order], colors=c, lw=2, alpha=0.6, label="P5–P95")
    ax.scatter(pos, p50[order], c=c, s=12, zorder=3, label="median")
    ax.set_xlabel("point (ordered by " + ", ".join(p.short for p in res.params) + ")"
                  if res.params else "point")
    ax.set_ylabel("goodput (productive time / wall time)")
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(_title(res, f"goodput P5 / median / P95 of {res.n} points"))
    ax.legend(loc="best", frameon=False, fontsize=9)
    return fig


def dnf_mask(res: Results):
    """Points with replications that did not finish (censored at montecarlo.max_wall_factor):
    a boolean array, or None when every point finished (or the file predates the column)."""
    col = res.column("unfinished")
    if col is None or not np.any(col > 0):
        return None
    return col > 0


def _mark_dnf(ax, xs, ys, dnf, sel):
    """A red cross and 'DNF' over the points of `sel` that did not finish: their figures are
    censored at the wall cap (goodput an upper bound, wall time and cost lower bounds)."""
    if dnf is None:
        return
    hit = np.array([bool(dnf[i]) for i in sel], dtype=bool)
    if not hit.any():
        return
    ax.plot(xs[hit], ys[hit], "x", color="red", ms=11, mew=2.2, zorder=5)
    for xv, yv in zip(xs[hit], ys[hit]):
        ax.annotate("DNF", (xv, yv), xytext=(4, 4), textcoords="offset points", color="red",
                    fontsize=8, fontweight="bold")


def _dnf_handle():
    from matplotlib.lines import Line2D
    return Line2D([], [], marker="x", color="red", ls="", ms=10, mew=2.2,
                  label="did not finish (DNF): censored at the wall cap")


def goodput_vs_parameter(res: Results, x=None, lines=None):
    """Mean goodput vs a numeric parameter, one line per value of another, 95 % CI bands."""
    layout = make_layout(res, x, lines)
    mean, ci = res.column("goodput_mean"), res.column("goodput_ci95")
    p5, p95 = res.column("goodput_p5"), res.column("goodput_p95")
    if mean is None:
        raise Skip("/summary has no goodput_mean values")
    dnf = dnf_mask(res)
    fig, axes, rows, cols = _subplots(layout)
    for ax, (title, idx) in zip(axes, layout.panels):
        for level, label, color, sel in _series_groups(res, layout, idx, "mean goodput"):
            xs = np.array([layout.x.values[i] for i in sel])
            ax.plot(xs, mean[sel], "-o", color=color, lw=2, ms=4.5, label=label)
            _mark_dnf(ax, xs, mean[sel], dnf, sel)
            if ci is not None:
                ax.fill_between(xs, mean[sel] - ci[sel], mean[sel] + ci[sel], color=color,
                                alpha=0.3, lw=0)
            if p5 is not None and p95 is not None:
                ax.plot(xs, p5[sel], ":", color=color, lw=1, alpha=0.8)
                ax.plot(xs, p95[sel], ":", color=color, lw=1, alpha=0.8)
        _setup_x(ax, layout.x)
        ax.grid(alpha=0.3)
        if title:
            ax.set_title(title, fontsize=10)
    _label_panels(axes, rows, cols, layout.x.label, "goodput (productive / wall time)")
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    extra = []
    if ci is not None:
        extra.append(Patch(facecolor="0.5", alpha=0.3, label="95 % CI of the mean"))
    if p5 is not None and p95 is not None:
        extra.append(Line2D([], [], color="0.4", ls=":", lw=1, label="P5 and P95 of runs"))
    if dnf is not None:
        extra.append(_dnf_handle())
    _legend(axes, cols, extra_handles=extra)
    fig.suptitle(_title(res, f"mean goodput vs {layout.x.short}{_panel_note(layout)}"))
    return fig


def cost_vs_parameter(res: Results, x=None, lines=None):
    """Expected cost vs a numeric parameter, one line per value of another; cheapest marked.

    The cost axis is linear and ends at twice the highest of the lines' cheapest costs, so that
    the optimum stays readable when a hopeless point (no spares, a collapsing strategy) costs
    100x more: such points are drawn at the edge as open triangles, labelled with their value.
    A sweep of text values only (e.g. recovery.strategy) gets one point per value instead.
    """
    cost = res.column("cost_mean_usd")
    if cost is None:
        raise Skip("no cost data in /summary (the scenario sets no cost.node_hour_usd)")
    try:
        layout = make_layout(res, x, lines)
    except Skip:
        if res.n > 1 and res.params and x is None:
            return _cost_by_point(res, cost)
        raise
    p95 = res.column("cost_p95_usd")
    dnf = dnf_mask(res)
    fig, axes, rows, cols = _subplots(layout)
    minima = []
    for _, idx in layout.panels:
        for _, _, _, sel in _series_groups(res, layout, idx):
            if np.isfinite(cost[sel]).any():
                minima.append(np.nanmin(cost[sel]))
    shown = [i for _, idx in layout.panels for i in idx]
    edge = _clip_edge(cost[shown], minima)  # a P95 line beyond it is just cut
    for ax, (title, idx) in zip(axes, layout.panels):
        best = None
        for level, label, color, sel in _series_groups(res, layout, idx, "expected cost"):
            xs = np.array([layout.x.values[i] for i in sel])
            ys = cost[sel]
            ax.plot(xs, _clipped(ys, edge), "-o", color=color, lw=2, ms=4.5, label=label)
            if p95 is not None:
                ax.plot(xs, _clipped(p95[sel], edge), "--", color=color, lw=1, alpha=0.6)
            _mark_beyond(ax, xs, ys, edge, color)
            _mark_dnf(ax, xs, _clipped(ys, edge), dnf, sel)
            # A DNF point's cost is censored (too low): never the cheapest.
            ok = np.isfinite(ys) & ~np.array([dnf is not None and bool(dnf[i]) for i in sel],
                                             dtype=bool)
            if ok.any():
                k = int(np.nanargmin(np.where(ok, ys, np.nan)))
                ax.plot(xs[k], ys[k], marker="*", ms=15, color=color, mec="black", mew=0.8,
                        zorder=4)
                if best is None or ys[k] < best[1]:
                    best = (xs[k], ys[k], sel[k])
        if best is not None:
            bx, by, bi = best
            ax.annotate(f"cheapest: {_money(by)}\n{res.point_label(bi, sep=', ')}",
                        (bx, by), xytext=(0, -14), textcoords="offset points", ha="center",
                        va="top", fontsize=8.5,
                        bbox=dict(boxstyle="round,pad=0.3", fc="white", ec="0.6", alpha=0.9))
        _setup_x(ax, layout.x)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _money_tick(v)))
        ax.grid(alpha=0.3)
        ax.margins(y=0.2)
        if title:
            ax.set_title(title, fontsize=10)
    if edge is not None:
        _set_top(axes, edge)
    _label_panels(axes, rows, cols, layout.x.label, "expected cost per run (USD)")
    from matplotlib.lines import Line2D
    extra = [Line2D([], [], marker="*", color="0.4", mec="black", ls="", ms=12,
                    label="lowest expected cost")]
    if p95 is not None:
        extra.append(Line2D([], [], color="0.4", ls="--", lw=1, label="P95 cost"))
    if edge is not None:
        extra.append(Line2D([], [], marker="^", color="0.4", mfc="white", ls="", ms=8,
                            label=f"beyond {_money(edge)}: value printed"))
    if dnf is not None:
        extra.append(_dnf_handle())
    _legend(axes, cols, extra_handles=extra)
    fig.suptitle(_title(res, f"expected cost vs {layout.x.short}{_panel_note(layout)}"))
    return fig


def _clip_edge(values, minima, factor=2.0):
    """Top of a linear cost axis: `factor` x the highest per-line minimum, or None if no value
    lies beyond it (then the axis simply fits the data)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    m = [x for x in minima if np.isfinite(x) and x > 0]
    if v.size == 0 or not m:
        return None
    edge = factor * max(m)
    return edge if v.max() > edge else None


def _clipped(values, edge):
    return values if edge is None else np.minimum(values, edge)


def _mark_beyond(ax, xs, ys, edge, color):
    """Open triangles at the edge for values beyond it, each with its value."""
    if edge is None:
        return
    for xv, yv in zip(xs, ys):
        if np.isfinite(yv) and yv > edge:
            ax.plot(xv, edge, marker="^", ms=9, mfc="white", mec=color, mew=1.5, ls="",
                    zorder=5, clip_on=False)
            ax.annotate(_money(yv), (xv, edge), xytext=(0, -9), textcoords="offset points",
                        ha="center", va="top", fontsize=7.5, color=color)


def _set_top(axes, edge):
    for ax in axes:
        lo, _ = ax.get_ylim()
        ax.set_ylim(max(lo, 0) if lo < edge else 0, edge * 1.04)


def _cost_by_point(res, cost):
    """Expected cost per point for sweeps of text values (strategies): mean with its 95 % CI,
    P95 as a tick, the cheapest starred, hopeless points at the edge of a clipped axis."""
    order, group = _distribution_order(res)
    n = len(order)
    ci = np.full(res.n, np.nan)
    for i in range(res.n):
        c = res.cost[i] if res.cost else None
        if c is not None and np.isfinite(c).sum() > 1:
            c = c[np.isfinite(c)]
            ci[i] = 1.96 * np.std(c, ddof=1) / math.sqrt(len(c))
    p95 = res.column("cost_p95_usd")
    width = min(max(7.5, 0.6 * n + 4), 18)
    fig = _new_figure(width, 5.0)
    ax = fig.subplots()
    pos, spans = _grouped_positions(res, order, group)
    ys = cost[order]
    edge = _clip_edge(ys, [np.nanmin(ys)] if np.isfinite(ys).any() else [])
    colors = series_colors(group)
    c = [_level_color(group, colors, i) if group is not None else "C0" for i in order]
    inside = ~(ys > edge) if edge is not None else np.ones(n, bool)
    ax.errorbar(pos[inside], ys[inside], yerr=ci[order][inside], fmt="none", ecolor="0.2",
                capsize=4, lw=1.2, label="95 % CI of the mean")
    ax.scatter(pos[inside], ys[inside], c=[c[k] for k in range(n) if inside[k]], s=50, zorder=3,
               edgecolor="0.1", label="expected cost")
    if p95 is not None:
        q = _clipped(p95[order], edge)
        ax.scatter(pos, q, marker="_", s=200, color="0.3", zorder=3, label="P95 cost")
    for k in range(n):
        if not inside[k]:
            _mark_beyond(ax, [pos[k]], [ys[k]], edge, c[k])
    if np.isfinite(ys).any():
        k = int(np.nanargmin(ys))
        ax.plot(pos[k], ys[k], marker="*", ms=17, color=c[k], mec="black", mew=0.8, zorder=4,
                ls="", label="lowest expected cost")
        ax.annotate(f"cheapest: {_money(ys[k])}", (pos[k], ys[k]), xytext=(0, -14),
                    textcoords="offset points", ha="center", va="top", fontsize=8.5,
                    bbox=dict(boxstyle="round,pad=0.3", fc="white", ec="0.6", alpha=0.9))
    ax.margins(y=0.2)
    if edge is not None:
        _set_top([ax], edge)
    _point_axis(ax, res, order, group, pos, spans)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _money_tick(v)))
    ax.set_ylabel("expected cost per run (USD)")
    ax.grid(axis="y", alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    if edge is not None:
        from matplotlib.lines import Line2D
        handles.append(Line2D([], [], marker="^", color="0.4", mfc="white", ls="", ms=8))
        labels.append(f"beyond {_money(edge)}: value printed")
    _outside_legend(ax, handles, labels, fontsize=9)
    by = ", ".join(p.short for p in res.params)
    ax.set_title(_title(res, f"expected cost per {by}"))
    return fig


# Tick marks of a log time axis, in hours: round durations, not 0.1 h (6 min).
_NICE_DURATIONS_H = [v / 3600 for v in (1, 5, 10, 30)] + [v / 60 for v in (1, 2, 5, 10, 20, 30)] \
    + [1, 2, 4, 8, 12, 24, 48, 96, 168, 336, 720, 2160, 8760]


def _duration_log_ticks(ax):
    from matplotlib.ticker import FixedLocator, NullFormatter
    lo, hi = ax.get_xlim()
    ticks = [t for t in _NICE_DURATIONS_H if lo <= t <= hi]
    while len(ticks) > 8:
        ticks = ticks[::2]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(
        lambda v, _: format_duration(v, days=v >= 24 and float(v / 24).is_integer())))
    ax.xaxis.set_minor_formatter(NullFormatter())


def recovery_times(res: Results):
    """How long recoveries take (failure to computing again): one ECDF per point on a log
    time axis, P50 and P95 marked for one point; P50-P95 ranges for many points."""
    have = [i for i in range(res.n) if res.recovery_h and res.recovery_h[i] is not None
            and res.recovery_h[i].size > 0]
    r50, r95 = res.column("recovery_p50_h"), res.column("recovery_p95_h")
    if not have and r50 is None:
        raise Skip("the file has no recovery durations (run goodsim with --recovery-times)")
    order, group = _distribution_order(res)
    ecdf = len(have) == res.n and res.n <= MAX_ECDF_POINTS
    fig = _new_figure(8.5, 4.8 if ecdf else min(max(3.2, 0.35 * res.n + 1.8), 20))
    ax = fig.subplots()
    if ecdf:
        if len(res.params) == 1 and res.params[0].numeric:
            shades = series_colors(res.params[0])
            colors = {i: _level_color(res.params[0], shades, i) for i in order}
        else:
            colors = dict(zip(order, series_colors(None, res.n)))
        styles = ["-", "--", "-.", ":"]  # points with identical recoveries stay visible
        for k, i in enumerate(order):
            d = np.sort(res.recovery_h[i][np.isfinite(res.recovery_h[i])])
            d = d[d > 0]
            if d.size == 0:
                continue
            y = np.arange(1, len(d) + 1) / len(d)
            label = res.point_label(i, sep=", ") if res.params else None
            ax.step(d, y, where="post", color=colors[i], lw=1.8, ls=styles[k % len(styles)],
                    label=label)
            if res.n == 1:
                for name, q, style in (("P50", 50, "--"), ("P95", 95, "-.")):
                    v = float(np.percentile(d, q))
                    ax.axvline(v, color="0.35", ls=style, lw=1.2,
                               label=f"{name} {format_duration(v)}")
        ax.set_xscale("log")
        ax.set_ylabel("fraction of recoveries ≤ x")
        ax.set_ylim(0, 1.02)
        total = sum(res.recovery_h[i].size for i in have)
        what = f"recovery time, {total:,} recoveries" + (" (sampled)" if res.recovery_sampled
                                                           else "")
    else:
        def pct(q, col):  # from the durations where the file has them, else from /summary
            own = np.array([np.percentile(res.recovery_h[i], q) if i in have else np.nan
                            for i in range(res.n)])
            return own if col is None else np.where(np.isnan(own), col, own)
        r50, r95 = pct(50, r50), pct(95, r95)
        pos = np.arange(len(order))[::-1]
        ax.hlines(pos, r50[order], r95[order], color="0.6", lw=2)
        ax.scatter(r50[order], pos, color="#4c72b0", zorder=3, label="P50")
        ax.scatter(r95[order], pos, color="#c44e52", marker="^", zorder=3, label="P95")
        ax.set_yticks(pos)
        ax.set_yticklabels([res.point_label(i, sep=", ") for i in order], fontsize=8)
        ax.set_xscale("log")
        what = "recovery time P50 and P95 per point"
    ax.set_xlabel("recovery time, failure to computing again (log scale)")
    _duration_log_ticks(ax)
    ax.grid(alpha=0.3, which="both")
    ax.set_title(_title(res, what))
    if ax.get_legend_handles_labels()[0]:
        _outside_legend(ax, *ax.get_legend_handles_labels(), fontsize=8.5)
    return fig


def _money_scale(v):
    if not np.isfinite(v):
        return 1.0, ""
    for scale, unit in ((1e9, " B"), (1e6, " M"), (1e3, " k")):
        if abs(v) >= scale:
            return scale, unit
    return 1.0, ""


def _money_tick(v):
    if v == 0 or not np.isfinite(v):
        return "$0"
    scale, unit = _money_scale(abs(v))
    return f"${v / scale:,.4g}{unit}"


def _money(v):
    scale, unit = _money_scale(v)
    return f"${v / scale:,.1f}{unit}" if unit else f"${v:,.0f}"


def badput_buckets(res: Results, scale="auto"):
    """Mean time per bucket, stacked, per point (grouped by recovery strategy if swept).

    scale: "hours" (mean hours per run), "percent" (share of the wall time), or "auto":
    percent when the mean wall times of the points differ by 3x or more (hours would flatten
    the short runs), else hours.
    """
    if res.bucket_means is None:
        raise Skip("the file has no badput buckets (/points/*/buckets_h with a names attribute)")
    if scale not in ("auto", "hours", "percent"):
        raise ValueError(f"scale must be auto, hours or percent, not {scale!r}")
    order, group = _distribution_order(res)
    # Buckets that no point uses (queue without requeue, degraded without elastic, ...) would
    # only fill the legend.
    all_means = np.nan_to_num(res.bucket_means[order])
    keep = [b for b in range(all_means.shape[1]) if np.any(all_means[:, b] > 0)] or [0]
    names = [res.bucket_names[b] for b in keep]
    means = all_means[:, keep]
    pos, spans = _grouped_positions(res, order, group)
    n = len(order)
    single = n == 1
    total = means.sum(axis=1)
    positive = total[total > 0]
    if scale == "auto":
        wide = positive.size > 1 and positive.max() / positive.min() >= 3
        scale = "percent" if wide and not single else "hours"
    percent = scale == "percent"
    shown = 100 * means / np.where(total > 0, total, 1)[:, None] if percent else means

    width = 7.5 if single else min(max(8.5, 0.5 * n + 4), 18)
    fig = _new_figure(width, 5.4)
    ax = fig.subplots()
    bottom = np.zeros(n)
    extra = iter(_EXTRA_COLORS)
    for b, name in enumerate(names):
        vals = shown[:, b]
        color = BUCKET_COLORS.get(name) or next(extra, None)
        label = name
        if single:
            share = 100 * means[0, b] / total[0] if total[0] > 0 else 0
            label = f"{name:<13} {means[0, b]:9,.1f} h  {share:5.1f} %"
        ax.bar(pos, vals, bottom=bottom, width=0.8 if not single else 0.5, color=color,
               label=label, edgecolor="white", linewidth=0.5)
        bottom += vals
    # Above each bar: the goodput (hours) or the mean wall time (percent).
    note = ""
    if n <= MAX_BAR_LABELS:
        prod = means[:, names.index("productive")] if "productive" in names else None
        for k in range(n):
            if total[k] <= 0:
                continue
            if percent:
                text = _hours_short(total[k])
            elif prod is not None:
                text = f"{'goodput ' if single else ''}{100 * prod[k] / total[k]:.0f}%"
            else:
                continue
            ax.annotate(text, (pos[k], bottom[k]), xytext=(0, 2), textcoords="offset points",
                        ha="center", va="bottom", fontsize=7.5, color="0.25",
                        rotation=0 if n <= 16 or not percent else 90)
        if not single:
            note = ("\n(above bar: mean wall time)" if percent
                    else "\n(% above bar: goodput)" if prod is not None else "")
    if percent:
        ax.set_ylim(0, 112 if n <= 16 else 125)
    elif bottom.max() > 0:
        ax.set_ylim(0, bottom.max() * 1.08)  # room for the labels above the tallest bar
    if single:
        ax.set_xticks(pos)
        ax.set_xticklabels([res.point_label(order[0]) if res.params else "mean of all runs"])
        ax.set_xlim(-1, 1)
        grouped = False
    else:
        grouped = _point_axis(ax, res, order, group, pos, spans)
    ax.set_ylabel("share of the wall time (%)" if percent else "mean wall time per run (h)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    if percent:
        ax.set_yticks(range(0, 101, 20))
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    handles, labels = ax.get_legend_handles_labels()
    legend_kw = dict(prop={"family": "monospace", "size": 8.5}) if single else dict(fontsize=9)
    _outside_legend(ax, handles[::-1], labels[::-1],
                    title="bucket (mean per run)" if single else "bucket, top to bottom" + note,
                    **legend_kw)
    by = f", by {group.short}" if grouped else ""
    ax.set_title(_title(res, "where the wall time went" + by))
    return fig


def _hours_short(h):
    if h >= 1e6:
        return f"{h / 1e6:,.1f}M h"
    if h >= 1e4:
        return f"{h / 1e3:,.0f}k h"
    return f"{h:,.0f} h"


def _auto_log_y(axes, values, threshold=20.0):
    """Log y axes if the positive values span `threshold`x or more; True if so."""
    from matplotlib.ticker import NullFormatter
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0 or v.min() <= 0 or v.max() / v.min() < threshold:
        return False
    for ax in axes:
        ax.set_yscale("log")
        ax.yaxis.set_minor_formatter(NullFormatter())
    return True


def time_to_train(res: Results, x=None, lines=None):
    """Wall time P50 and P95: vs the x parameter for sweeps, a histogram for one point."""
    p50 = np.array([np.nanpercentile(w, 50) if w is not None and np.isfinite(w).any() else np.nan
                    for w in res.wall_h])
    if "wall_p50_h" in res.summary and isinstance(res.summary["wall_p50_h"], np.ndarray):
        p50 = np.where(np.isnan(p50), res.summary["wall_p50_h"], p50)
    p95 = res.column("wall_p95_h")
    if p95 is None:
        p95 = np.array([np.nanpercentile(w, 95) if w is not None and np.isfinite(w).any()
                        else np.nan for w in res.wall_h])
    if np.all(np.isnan(p50)) and np.all(np.isnan(p95)):
        raise Skip("no wall times (/points/*/wall_h or wall_p95_h in /summary)")
    try:
        layout = make_layout(res, x, lines)
    except Skip:
        layout = None
    if layout is not None:
        return _time_vs_parameter(res, layout, p50, p95)
    if res.n == 1 and res.wall_h[0] is not None:
        return _time_histogram(res, p50[0], p95[0])
    return _time_dumbbell(res, p50, p95)


def _add_days_axis(ax, which="y"):
    if which == "y":
        sec = ax.secondary_yaxis("right", functions=(lambda h: h / 24, lambda d: d * 24))
        sec.set_ylabel("days")
        axis = sec.yaxis
    else:
        sec = ax.secondary_xaxis("top", functions=(lambda h: h / 24, lambda d: d * 24))
        sec.set_xlabel("days")
        axis = sec.xaxis
    from matplotlib.ticker import NullFormatter
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 10 else f"{v:.3g}"))
    axis.set_minor_formatter(NullFormatter())


def _time_vs_parameter(res, layout, p50, p95):
    dnf = dnf_mask(res)
    fig, axes, rows, cols = _subplots(layout)
    shown = [i for _, idx in layout.panels for i in idx]
    log = _auto_log_y(axes, np.concatenate([p50[shown], p95[shown]]))
    for ax, (title, idx) in zip(axes, layout.panels):
        for level, label, color, sel in _series_groups(res, layout, idx):
            xs = np.array([layout.x.values[i] for i in sel])
            ax.plot(xs, p50[sel], "-o", color=color, lw=2, ms=4.5, label=label)
            ax.plot(xs, p95[sel], "--", marker="^", color=color, lw=1.3, ms=4.5)
            _mark_dnf(ax, xs, p50[sel], dnf, sel)
        _setup_x(ax, layout.x)
        ax.grid(alpha=0.3)
        if title:
            ax.set_title(title, fontsize=10)
    _label_panels(axes, rows, cols, layout.x.label,
                  "time to train, wall time (h" + (", log scale)" if log else ")"))
    for k, ax in enumerate(axes):
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        if k % cols == cols - 1 or k == len(axes) - 1:
            _add_days_axis(ax)
    from matplotlib.lines import Line2D
    extra = [Line2D([], [], color="0.3", marker="o", lw=2, label="P50 (median)"),
             Line2D([], [], color="0.3", marker="^", ls="--", lw=1.3, label="P95")]
    if dnf is not None:
        extra.append(_dnf_handle())
    _legend(axes, cols, extra_handles=extra, right_axis=True)
    fig.suptitle(_title(res, f"time to train vs {layout.x.short}{_panel_note(layout)}"))
    return fig


def _time_histogram(res, p50, p95):
    w = res.wall_h[0][np.isfinite(res.wall_h[0])]
    fig = _new_figure(8.5, 4.8)
    ax = fig.subplots()
    ax.hist(w, bins=min(60, max(10, int(math.sqrt(len(w))))), color="#4c72b0", alpha=0.75)
    for name, v, style in (("P50", p50, "-"), ("P95", p95, "--")):
        ax.axvline(v, color="#c44e52", ls=style, lw=1.6,
                   label=f"{name} {v:,.0f} h ({v / 24:,.1f} days)")
    work = None
    if res.bucket_means is not None and "productive" in res.bucket_names:
        work = res.bucket_means[0][res.bucket_names.index("productive")]
    if work is not None and np.isfinite(work):
        ax.axvline(work, color="0.3", ls=":", lw=1.4,
                   label=f"fault-free work {work:,.0f} h")
    ax.set_xlabel("time to train, wall time (h)")
    ax.set_ylabel("replications")
    _add_days_axis(ax, "x")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", frameon=False, fontsize=9)
    ax.set_title(_title(res, f"time to train, {len(w):,} replications"))
    return fig


def _time_dumbbell(res, p50, p95):
    order, group = _distribution_order(res)
    n = len(order)
    fig = _new_figure(9, min(max(3.2, 0.45 * n + 1.8), 20))
    ax = fig.subplots()
    pos = np.arange(n)[::-1]
    ax.hlines(pos, p50[order], p95[order], color="0.6", lw=2)
    ax.scatter(p50[order], pos, color="#4c72b0", zorder=3, label="P50 (median)")
    ax.scatter(p95[order], pos, color="#c44e52", marker="^", zorder=3, label="P95")
    ax.set_yticks(pos)
    ax.set_yticklabels([res.point_label(i, sep=", ") for i in order], fontsize=8.5)
    ax.set_xlabel("time to train, wall time (h)")
    _add_days_axis(ax, "x")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="best", frameon=False, fontsize=9)
    ax.set_title(_title(res, "time to train per point"))
    return fig


# --------------------------------------------------------------------------------------------
# All plots


def _stem_for(res, base, x=None, lines=None):
    try:
        xp, _, _ = choose_axes(res, x, lines)
    except (Skip, InputError):
        if base == "cost_vs" and res.n > 1 and res.params and x is None:
            xp = res.params[0]  # text values only: cost per value (_cost_by_point)
        else:
            return f"{base}_parameter"
    short = DESCRIPTIVE_ALIASES.get(xp.name, xp.name).rsplit(".", 1)[-1]
    return f"{base}_{re.sub(r'[^A-Za-z0-9_-]+', '_', short)}"


def make_figures(res: Results, x=None, lines=None):
    """[(file stem, Figure or None, reason it was skipped or None)] for every plot."""
    plots = [
        ("goodput_distribution", lambda: goodput_distribution(res)),
        (_stem_for(res, "goodput_vs", x, lines), lambda: goodput_vs_parameter(res, x, lines)),
        ("badput_buckets", lambda: badput_buckets(res)),
        (_stem_for(res, "cost_vs", x, lines), lambda: cost_vs_parameter(res, x, lines)),
        ("time_to_train", lambda: time_to_train(res, x, lines)),
        ("recovery_times", lambda: recovery_times(res)),
    ]
    out = []
    for stem, make in plots:
        try:
            out.append((stem, make(), None))
        except Skip as s:
            out.append((stem, None, str(s)))
    return out


def summary_table(res: Results, max_rows=60) -> str:
    """The /summary rows as aligned text: swept parameters, goodput, wall time, cost."""
    cols = [(p.short + (f" ({p.units})" if p.units not in ("", "1", "count", "h") else ""),
             [p.fmt(v) if not p.numeric or p.units == "h" else format_number(v)
              for v in p.values])
            for p in res.params]
    if not cols:
        cols = [("point", list(res.points))]
    gm, gci = res.column("goodput_mean"), res.column("goodput_ci95")
    if gm is not None:
        cols.append(("goodput (95% CI)", [f"{m:.4f} ± {c:.4f}" if gci is not None else f"{m:.4f}"
                                          for m, c in zip(gm, gci if gci is not None else gm)]))
    for name, title, fmt in (("goodput_p5", "P5", "{:.4f}"), ("goodput_p95", "P95", "{:.4f}"),
                             ("wall_mean_h", "wall mean (h)", "{:,.1f}"),
                             ("wall_p95_h", "wall P95 (h)", "{:,.1f}"),
                             ("interruptions_mean", "interruptions", "{:,.1f}")):
        col = res.column(name)
        if col is not None:
            cols.append((title, [fmt.format(v) for v in col]))
    cost = res.column("cost_mean_usd")
    if cost is not None:
        cols.append(("expected cost", [_money(v) for v in cost]))
    unfinished = res.column("unfinished")
    if dnf_mask(res) is not None:
        cols.append(("finished", [f"DNF {v:.0f}/{n}" if v > 0 else "all"
                                  for v, n in zip(unfinished, res.replications)]))
    widths = [max(len(t), *(len(v) for v in vals)) for t, vals in cols]
    lines = ["  ".join(t.rjust(w) for (t, _), w in zip(cols, widths))]
    for i in range(min(res.n, max_rows)):
        lines.append("  ".join(vals[i].rjust(w) for (_, vals), w in zip(cols, widths)))
    if res.n > max_rows:
        lines.append(f"... {res.n - max_rows} more rows")
    return "\n".join(lines)


def describe_parameters(res: Results) -> str:
    if not res.params:
        return "none (a single point)" if res.n == 1 else "none vary"
    return ", ".join(f"{p.name} ({len(p.levels)} values)" for p in res.params)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Plots a goodsim results file (from `goodsim run -o` or `goodsim sweep -o`) "
                    "as PNG files: goodput distribution, goodput vs a swept parameter, badput "
                    "buckets, expected cost, time to train. Plots that do not apply to the file "
                    "are skipped with the reason; points that did not finish (DNF) are marked.",
        epilog="Exit codes: 0 success, 2 bad input (missing, corrupt or non-goodsim file, bad "
               "option), 1 internal or output error. See docs/plots.md.")
    parser.add_argument("results", metavar="RESULTS.h5", help="goodsim results file")
    parser.add_argument("-o", "--output", metavar="DIR", default="plots",
                        help="directory for the PNG files, created if needed (default: plots)")
    parser.add_argument("--x", metavar="PARAM",
                        help="numeric parameter for the x axis (default: spares if swept, else "
                             "the first numeric swept parameter)")
    parser.add_argument("--lines", metavar="PARAM",
                        help="parameter drawn as one line per value (default: node MTBF if "
                             "swept, else the next swept parameter)")
    parser.add_argument("--dpi", type=int, default=110, help="resolution (default: 110)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    args = parser.parse_args(argv)
    if args.dpi < 20 or args.dpi > 1200:
        parser.error("--dpi must be between 20 and 1200")

    matplotlib.use("Agg")
    import warnings
    warnings.simplefilter("ignore", RuntimeWarning)  # NaN statistics of odd files: no noise
    try:
        res = load_results(args.results)
        for name in (args.x, args.lines):
            if name is not None:
                _find_param(res, name)
        figures = make_figures(res, args.x, args.lines)
    except InputError as e:
        sys.stderr.write(f"{PROG}: error: {e}\n")
        return 2

    say = (lambda *a: None) if args.quiet else print
    say(f"results    {res.describe()}")
    say(f"parameters {describe_parameters(res)}")
    try:
        os.makedirs(args.output, exist_ok=True)
    except OSError as e:
        sys.stderr.write(f"{PROG}: error: cannot create {args.output}: {e.strerror or e}\n")
        return 1
    for stem, fig, reason in figures:
        if fig is None:
            say(f"skipped    {stem}.png: {reason}")
            continue
        out = os.path.join(args.output, stem + ".png")
        try:
            fig.savefig(out, dpi=args.dpi)
        except OSError as e:
            sys.stderr.write(f"{PROG}: error: cannot write {out}: {e.strerror or e}\n")
            return 1
        say(f"wrote      {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
